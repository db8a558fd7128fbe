"""Export jobs: claim with a lease, render, write the file, finish; reap and prune.

The row is the source of truth, not the broker: a worker claims an export by
taking a lease on its row and renews it while it renders. If the worker dies the
lease runs out and the reaper queues the export again, so a SIGKILLed worker
costs one lease period, not the broker's hour-long visibility timeout. Files are
named by content hash, written to a temporary name and moved into place, so two
renders of the same content (a retry racing a slow worker) still leave one file.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from exports.models import Export, ExportStatus
from exports.options import ExportOptions
from exports.services.files import file_name, file_path, reuse_file
from exports.services.progress import FAILED_MESSAGE, GAVE_UP_MESSAGE, notify
from exports.services.render import render
from exports.signals import export_finished

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30
# A queued export no worker claimed within this is queued again (a lost message).
QUEUE_GRACE_SECONDS = 60
MAX_ATTEMPTS = 3
REAP_INTERVAL_SECONDS = 10

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class TransientExportError(Exception):
    """The database or broker hiccuped: the task retries with backoff."""


# ----------------------------------------------------------------------------- queueing


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _in_process_executor() -> ThreadPoolExecutor:
    # One thread: PDFium (and so PNG rendering) is not thread-safe.
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export")
        return _executor


def _run_in_thread(export_id: Any) -> None:
    close_old_connections()
    try:
        run_export(export_id, worker=f"thread:{os.getpid()}")
    except Exception:
        logger.exception("in-process export %s failed", export_id)
    finally:
        connection.close()


def enqueue(export_id: Any) -> None:
    """Hand the export to a worker (or the in-process thread). A lost hand-over is
    healed by the reaper once the queue grace period is over."""
    if settings.EXPORTS_IN_PROCESS:
        _in_process_executor().submit(_run_in_thread, export_id)
        return
    from exports.tasks import render_export

    try:
        render_export.apply_async(args=[str(export_id)], queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:
        logger.warning("could not enqueue export %s; the reaper will retry", export_id, exc_info=True)


# ----------------------------------------------------------------------------- running


def _claim(export_id: Any, worker: str) -> int | None:
    """Take the lease; the attempt number, or None if someone else has the job."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Export.objects.filter(id=export_id, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, lease_expires_at__lt=now))
            .update(status=ExportStatus.RUNNING, attempts=F("attempts") + 1, worker=worker[:200],
                    lease_expires_at=now + timedelta(seconds=LEASE_SECONDS), started_at=now, progress=1)
        )
        if not claimed:
            return None
        return Export.objects.filter(id=export_id).values_list("attempts", flat=True).first()


class _Heartbeat(threading.Thread):
    """Renews the lease while the render runs (the render itself cannot)."""

    def __init__(self, export_id: Any, attempt: int) -> None:
        super().__init__(daemon=True, name=f"export-lease-{export_id}")
        self.export_id, self.attempt = export_id, attempt
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(LEASE_SECONDS / 3):
                Export.objects.filter(id=self.export_id, attempts=self.attempt, status=ExportStatus.RUNNING).update(
                    lease_expires_at=timezone.now() + timedelta(seconds=LEASE_SECONDS))
        except Exception:
            logger.warning("lease renewal for export %s failed", self.export_id, exc_info=True)
        finally:
            connection.close()


def run_export(export_id: Any, *, worker: str = "") -> Export | None:
    """Render one export if we can claim it. Returns the finished row, or None when
    another worker holds the job (or it is done)."""
    attempt = _claim(export_id, worker or f"pid:{os.getpid()}")
    if attempt is None:
        return None
    export = Export.objects.select_related(None).get(id=export_id)
    notify(export)
    relative = file_name(export.content_hash, export.format)
    if reuse_file(export):
        notify(export)
        return export

    last = {"progress": 1}

    def report(progress: int) -> None:
        progress = max(min(int(progress), 99), last["progress"])
        if progress - last["progress"] < 5:
            return
        last["progress"] = progress
        Export.objects.filter(id=export.id, attempts=attempt).update(progress=progress)
        export.progress = progress
        notify(export)

    heartbeat = _Heartbeat(export.id, attempt)
    heartbeat.start()
    try:
        options = ExportOptions.from_dict(export.options)
        data, info = render(export.snapshot, options, report)
        path = file_path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # atomic: readers see no file or the whole file
    except TRANSIENT_ERRORS as exc:
        _release(export.id, attempt)
        raise TransientExportError(str(exc)) from exc
    except Exception:
        # The traceback is for the logs; people read a sentence.
        logger.exception("export %s failed", export.id)
        Export.objects.filter(id=export.id, attempts=attempt).update(
            status=ExportStatus.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now(), lease_expires_at=None)
        export.refresh_from_db()
        notify(export)
        return export
    finally:
        heartbeat.stopped.set()
    with transaction.atomic():  # done, and reported (webhooks' outbox), together
        finished = Export.objects.filter(id=export.id, attempts=attempt, status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE, progress=100, file=relative, file_size=len(data), info=info,
            finished_at=timezone.now(), lease_expires_at=None, error="",
            snapshot={})  # rendered: the snapshot (large for big maps) is no longer needed
        export.refresh_from_db()
        if finished:
            export_finished.send(sender=Export, export=export)
    if finished:
        notify(export)
    return export


def _release(export_id: Any, attempt: int) -> None:
    """Give the job back to the queue (a transient error: the task retries)."""
    try:
        Export.objects.filter(id=export_id, attempts=attempt, status=ExportStatus.RUNNING).update(
            status=ExportStatus.QUEUED, lease_expires_at=timezone.now() + timedelta(seconds=QUEUE_GRACE_SECONDS))
    except Exception:
        logger.warning("could not release export %s", export_id, exc_info=True)


# ----------------------------------------------------------------------------- the reaper


def reap_expired(*, limit: int = 50) -> int:
    """Queue again the exports whose lease ran out (a dead worker, a lost message);
    fail those that died too often. Safe to run from many processes at once."""
    now = timezone.now()
    expired = Q(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], lease_expires_at__lt=now)
    for export in Export.objects.filter(expired, attempts__gte=MAX_ATTEMPTS)[:limit]:
        gave_up = Export.objects.filter(expired, id=export.id).update(
            status=ExportStatus.FAILED, finished_at=now, lease_expires_at=None, error=GAVE_UP_MESSAGE)
        if gave_up:
            logger.warning("export %s stopped %s times before finishing; giving up", export.id, export.attempts)
            export.refresh_from_db()
            notify(export)
    requeued = 0
    for export_id in list(Export.objects.filter(expired, attempts__lt=MAX_ATTEMPTS).values_list("id", flat=True)[:limit]):
        # Only one reaper wins this update, so the export is queued once.
        taken = Export.objects.filter(expired, id=export_id).update(
            status=ExportStatus.QUEUED, lease_expires_at=now + timedelta(seconds=QUEUE_GRACE_SECONDS))
        if taken:
            requeued += 1
            logger.info("export %s re-queued after its lease expired", export_id)
            enqueue(export_id)
    return requeued


def reap_quietly() -> None:
    try:
        reap_expired()
    except Exception:
        logger.warning("export reaper failed", exc_info=True)


class Reaper(threading.Thread):
    """Runs the reaper every few seconds inside a worker process (no beat needed)."""

    def __init__(self, interval: float = REAP_INTERVAL_SECONDS) -> None:
        super().__init__(daemon=True, name="export-reaper")
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            close_old_connections()
            reap_quietly()
            if self.stopped.wait(self.interval):
                break
        connection.close()


# ----------------------------------------------------------------------------- retention


def prune_exports(*, days: int | None = None) -> dict[str, int]:
    """Remove export files not used for ``days`` (EXPORT_RETENTION_DAYS) and mark
    their rows expired; drop leftovers of interrupted writes."""
    days = settings.EXPORT_RETENTION_DAYS if days is None else days
    cutoff = time.time() - days * 86400
    root = file_path("exports")
    removed, temporaries = 0, 0
    gone: list[str] = []
    if root.exists():
        for path in root.glob("*/*"):
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            if path.name.endswith(".tmp"):
                if mtime < time.time() - 3600:
                    path.unlink(missing_ok=True)
                    temporaries += 1
                continue
            if mtime < cutoff:
                path.unlink(missing_ok=True)
                gone.append(f"exports/{path.parent.name}/{path.name}")
                removed += 1
    expired = 0
    if gone:
        expired += Export.objects.filter(file__in=gone).update(status=ExportStatus.EXPIRED, file="", snapshot={})
    # Old rows keep their history but not the snapshot (it can be large).
    old = timezone.now() - timedelta(days=days)
    expired += Export.objects.filter(created_at__lt=old, status=ExportStatus.DONE, file="").update(
        status=ExportStatus.EXPIRED, snapshot={})
    Export.objects.filter(created_at__lt=old).exclude(snapshot={}).filter(
        status__in=[ExportStatus.FAILED, ExportStatus.EXPIRED]).update(snapshot={})
    return {"files": removed, "temporary": temporaries, "rows_expired": expired}
