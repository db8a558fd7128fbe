"""Export jobs: request, claim with a lease, render, finish, reap, reuse.

The row is the source of truth, not the broker: a worker claims an export by
taking a lease on its row and renews it while it renders. If the worker dies the
lease runs out and the reaper queues the export again, so a SIGKILLed worker
costs one lease period, not the broker's hour-long visibility timeout. Files are
named by content hash, written to a temporary name and moved into place, so two
renders of the same content (a retry racing a slow worker) still leave one file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exports.models import Export, ExportFormat, ExportStatus
from exports.services.layout import PAPERS
from exports.services.render import RENDERER_VERSION, ExportOptions, render
from maps.errors import OpError

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30
# A queued export no worker claimed within this is queued again (a lost message).
QUEUE_GRACE_SECONDS = 60
MAX_ATTEMPTS = 3
REAP_INTERVAL_SECONDS = 10
# Exports one person may have waiting or running at once.
MAX_PENDING_PER_USER = 5

TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# What people read in an export's ``error`` (translated when shown, see
# ``failure_message``); the technical reason goes to the logs only.
FAILED_MESSAGE = gettext_noop("The export could not be made. Please try again; if it fails again, tell your "
                              "administrator.")
GAVE_UP_MESSAGE = gettext_noop("The export stopped several times before finishing. Please ask for it again.")
FAILURE_MESSAGES = (FAILED_MESSAGE, GAVE_UP_MESSAGE)


def failure_message(stored: str) -> str:
    """The stored ``error`` in the active language. Anything else (a row written by
    an earlier version, which stored the exception) reads as the generic message."""
    if not stored:
        return ""
    return _(stored if stored in FAILURE_MESSAGES else FAILED_MESSAGE)


class TransientExportError(Exception):
    """The database or broker hiccuped: the task retries with backoff."""


# ----------------------------------------------------------------------------- options and hashing


def clean_options(raw: dict[str, Any], *, default_language: str, lane_ids: Iterable[str]) -> ExportOptions:
    """Options from a request, checked; unknown lanes are ignored."""
    fmt = raw.get("format", "pdf")
    if fmt not in ExportFormat.values:
        raise OpError("invalid", "format must be pdf or png", field="format")
    paper = raw.get("paper") or "A3"
    if paper not in (*PAPERS, "fit"):
        raise OpError("invalid", f"paper must be one of {', '.join((*PAPERS, 'fit'))}", field="paper")
    language = raw.get("language") or default_language
    if language not in ("en", "fr"):
        raise OpError("invalid", "language must be en or fr", field="language")
    dpi = raw.get("dpi", 150)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 72 <= dpi <= 300:
        raise OpError("invalid", "dpi must be an integer between 72 and 300", field="dpi")
    lanes = raw.get("lanes")
    if lanes is not None:
        known = set(lane_ids)
        lanes = tuple(sorted(str(lane) for lane in lanes if str(lane) in known))
    return ExportOptions(format=fmt, paper=paper, language=language, lanes=lanes,
                         personas=bool(raw.get("personas", True)), dpi=dpi)


_VOLATILE_MAP_KEYS = {"seq", "version", "updated_at", "archived"}


def content_hash(doc: dict[str, Any], *, hidden_lanes: Iterable[str], options: ExportOptions) -> str:
    """What decides the printed output: the content (not its seq or versions), the
    visibility profile, the options and the renderer version."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "version"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    content = {k: strip(v) for k, v in doc.items() if k != "map"}
    content["map"] = {k: v for k, v in doc["map"].items() if k not in _VOLATILE_MAP_KEYS}
    payload = {
        "content": content,
        "hidden_lanes": sorted(str(lane) for lane in hidden_lanes),
        "options": options.as_dict(),
        "renderer": RENDERER_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def file_name(content_hash_: str, fmt: str) -> str:
    return f"exports/{content_hash_[:2]}/{content_hash_}.{fmt}"


def file_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


# ----------------------------------------------------------------------------- frames


def download_path(export: Export) -> str:
    return f"/api/v1/exports/{export.id}/download/"


def frame(export: Export) -> dict[str, Any]:
    status = export.status if export.status != ExportStatus.EXPIRED else ExportStatus.FAILED
    return {
        "type": "export",
        "id": str(export.id),
        "status": status,
        "progress": export.progress,
        "download_url": download_path(export) if export.status == ExportStatus.DONE else None,
    }


def notify(export: Export) -> None:
    """Progress goes to the requester's own sockets only."""
    if export.requested_by_id is None:
        return
    from maps import realtime

    realtime.send_to_user(export.requested_by_id, frame(export))


# ----------------------------------------------------------------------------- request


def export_request(
    *,
    map: Any,
    user: Any = None,
    share_link: Any = None,
    hidden_lanes: frozenset[str] = frozenset(),
    options: ExportOptions | dict[str, Any],
) -> Export:
    """Ask for an export of ``map`` as seen by ``user`` or through ``share_link``.

    The caller has checked access. ``hidden_lanes`` is the visibility profile: those
    lanes never reach the snapshot. The same content reuses a finished file at once;
    otherwise the job is queued when the transaction commits.
    """
    from maps.selectors import map_document

    hidden = frozenset(str(lane) for lane in hidden_lanes)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in:
        _refuse_over_pending_limit(user)  # early, before the document is read; checked again under the lock
    doc = map_document(map_id=map.id, hidden_lanes=hidden)
    if not isinstance(options, ExportOptions):
        options = clean_options(options, default_language=doc["map"]["language"] or "en",
                                lane_ids=[lane["id"] for lane in doc["lanes"]])
    key = content_hash(doc, hidden_lanes=hidden, options=options)
    now = timezone.now()
    with transaction.atomic():
        if signed_in:
            # Count and insert under the user's row lock: concurrent requests by one
            # person queue here, so each sees the others' rows and the limit holds.
            get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
            _refuse_over_pending_limit(user)
        export = Export.objects.create(
            map_id=map.id,
            workspace_id=map.workspace_id,
            requested_by=user if signed_in else None,
            share_link_id=getattr(share_link, "id", share_link),
            format=options.format,
            options=options.as_dict(),
            hidden_lanes=sorted(hidden),
            snapshot=doc,
            snapshot_seq=doc["map"]["seq"],
            content_hash=key,
            lease_expires_at=now + timedelta(seconds=QUEUE_GRACE_SECONDS),
        )
        if not _reuse(export):
            transaction.on_commit(lambda: enqueue(export.id))
        transaction.on_commit(lambda: notify(export))
    transaction.on_commit(_reap_quietly)
    return export


def _refuse_over_pending_limit(user: Any) -> None:
    pending = Export.objects.filter(requested_by=user, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    if pending.count() >= MAX_PENDING_PER_USER:
        raise OpError("rate_limited", _("Too many exports in progress (at most %(limit)s); wait for one to "
                                        "finish.") % {"limit": MAX_PENDING_PER_USER})


def _reuse(export: Export) -> bool:
    """Finish ``export`` from an earlier file of the same content, if one is there."""
    relative = file_name(export.content_hash, export.format)
    path = file_path(relative)
    if not path.exists():
        return False
    earlier = (
        Export.objects.filter(content_hash=export.content_hash, status=ExportStatus.DONE, file=relative)
        .exclude(id=export.id)
        .order_by("-finished_at")
        .first()
    )
    try:
        os.utime(path)  # retention counts from the last use
        size = path.stat().st_size
    except OSError:
        return False
    info = dict(earlier.info) if earlier else {}
    info["reused_from"] = str(earlier.id) if earlier else None
    now = timezone.now()
    Export.objects.filter(id=export.id).update(
        status=ExportStatus.DONE, progress=100, file=relative, file_size=size, info=info, finished_at=now,
        lease_expires_at=None, snapshot={},
    )
    export.refresh_from_db()
    return True


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
    if _reuse(export):
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
    finished = Export.objects.filter(id=export.id, attempts=attempt, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE, progress=100, file=relative, file_size=len(data), info=info,
        finished_at=timezone.now(), lease_expires_at=None, error="",
        snapshot={})  # rendered: the snapshot (large for big maps) is no longer needed
    export.refresh_from_db()
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


def _reap_quietly() -> None:
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
            _reap_quietly()
            if self.stopped.wait(self.interval):
                break
        connection.close()


# ----------------------------------------------------------------------------- retention


def prune_exports(*, days: int | None = None) -> dict[str, int]:
    """Remove export files not used for ``days`` (EXPORT_RETENTION_DAYS) and mark
    their rows expired; drop leftovers of interrupted writes."""
    import time

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
