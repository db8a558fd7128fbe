"""The Celery task: thin. Load by id, call the service; the row's lease does the rest."""

from __future__ import annotations

import logging
import socket

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown

from exports.printing.pool import POOL
from exports.services import jobs
from exports.services.render import warm_up

logger = logging.getLogger(__name__)

_reaper: jobs.Reaper | None = None


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(jobs.TransientExportError,),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
)
def render_export(self, export_id: str) -> str | None:  # type: ignore[no-untyped-def]
    export = jobs.run_export(export_id, worker=f"{self.request.hostname or socket.gethostname()}")
    return export.status if export else None


@worker_ready.connect
def start_reaper(**_kwargs: object) -> None:
    """Each worker re-queues exports whose worker died: at start, then every few seconds."""
    global _reaper
    if _reaper is None:
        _reaper = jobs.Reaper()
        _reaper.start()


@worker_ready.connect
def start_render_helpers(**_kwargs: object) -> None:
    """Spawn and warm the render helpers now, so the first export does not wait for them."""
    try:
        warm_up()
    except Exception:  # the first export starts them again
        logger.warning("could not start the export render helpers", exc_info=True)


@worker_shutdown.connect
def stop_reaper(**_kwargs: object) -> None:
    if _reaper is not None:
        _reaper.stopped.set()
    POOL.stop()
