"""Periodic work, one table for both ways to run.

With Redis, Celery beat sends each job as a task (``CELERY_BEAT_SCHEDULE`` is built
from ``JOBS``); without it (the embedded mode, one process) a daemon thread of the
web process runs the same functions on the same intervals. Each job is a plain
function that is safe to run twice (it re-checks under a lock what it is about to
do), so a missed or doubled tick does no harm.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# (dotted path of the function, seconds between runs)
JOBS: list[tuple[str, float]] = [
    ("versions.services.versions_autosave_idle", 60.0),
    ("versions.services.versions_thin", 3600.0),
    # Digests whose own delayed task was lost (a broker restart, a process gone) still go.
    ("notifications.mail.send_due_mails", 60.0),
    # Webhook deliveries whose task was lost or whose worker died mid-send.
    ("integrations.tasks.send_due", 30.0),
    # Owners of maps due for review: once when due, then weekly (reviews.reminders).
    ("reviews.reminders.send_review_reminders", 3600.0),
]

_started = threading.Lock()
_thread: threading.Thread | None = None


def beat_schedule() -> dict[str, dict[str, object]]:
    return {path: {"task": "journeymap.periodic.run_job", "schedule": every, "args": (path,)}
            for path, every in JOBS}


def job(path: str) -> Callable[[], object]:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def run(path: str) -> None:
    try:
        job(path)()
    except Exception:  # a failing job must not stop the others
        logger.exception("periodic job %s failed", path)
    finally:
        close_old_connections()


def start_in_process() -> bool:
    """Start the embedded scheduler once per process, when there is no Celery beat
    (no ``REDIS_URL``) and settings allow it; True if it runs."""
    global _thread
    if settings.REDIS_URL or not settings.PERIODIC_IN_PROCESS:
        return False
    with _started:
        if _thread is None:
            _thread = threading.Thread(target=_loop, name="journeymap-periodic", daemon=True)
            _thread.start()
    return True


def _loop() -> None:
    due = {path: time.monotonic() + every for path, every in JOBS}
    while True:
        time.sleep(5)
        now = time.monotonic()
        for path, every in JOBS:
            if now >= due[path]:
                due[path] = now + every
                run(path)
