"""Celery side of webhooks: one task per attempt, and the sweep that picks up
what a lost task or a dead worker left behind."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from integrations import delivery, outbox


@shared_task(name="integrations.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: str) -> None:
    retry_in = delivery.attempt(delivery_id)
    if retry_in is not None:
        # The row holds the schedule too: if this message is lost the sweep sends it.
        deliver.apply_async(args=[delivery_id], countdown=retry_in.total_seconds())


@shared_task(name="integrations.flush_changes", acks_late=True, ignore_result=True)
def flush_changes(map_id: str) -> None:
    outbox.flush_map_changes(map_id)


def enqueue_flush(map_id: Any, due_in: float) -> None:
    """After commit: the map's window goes when due (the sweep is the safety net)."""
    if settings.REDIS_URL:
        flush_changes.apply_async(args=[str(map_id)], countdown=due_in)


def enqueue_delivery(delivery_id: Any) -> None:
    """After commit. Without Redis there is no worker: the periodic sweep of the
    web process sends it (within a minute)."""
    if settings.REDIS_URL:
        deliver.delay(str(delivery_id))


def send_due() -> int:
    """Periodic: every due map.changed window and delivery, queued (or, without a
    worker, sent here)."""
    for map_id in outbox.due_feeds():
        outbox.flush_map_changes(map_id)
    ids = delivery.due_ids()
    for delivery_id in ids:
        if settings.REDIS_URL:
            deliver.delay(str(delivery_id))
        else:
            retry_in = delivery.attempt(delivery_id)
            del retry_in  # the row holds the schedule; the next sweep retries
    return len(ids)
