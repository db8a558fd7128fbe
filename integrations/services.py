"""Writes on webhooks: create (the secret is returned once), change, delete,
redeliver. Every URL passes the SSRF check (integrations.ssrf) before it is kept."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from integrations import outbox, signing, ssrf
from integrations.models import Delivery, DeliveryStatus, Webhook


def _checked_url(url: str) -> str:
    ssrf.resolve(url)  # raises UnsafeUrl
    return url


def webhook_create(*, workspace: Any, user: Any, url: str, events: list[str], description: str = "") -> Webhook:
    outbox.forget_interest()
    return Webhook.objects.create(workspace=workspace, created_by=user, url=_checked_url(url),
                                  events=sorted(set(events)), description=description,
                                  secret=signing.new_secret())


def webhook_update(*, webhook: Webhook, data: dict[str, Any]) -> Webhook:
    if "url" in data:
        webhook.url = _checked_url(data["url"])
    if "events" in data:
        webhook.events = sorted(set(data["events"]))
    if "description" in data:
        webhook.description = data["description"]
    if "active" in data:
        if data["active"] and not webhook.active:
            webhook.failures_in_a_row = 0
        webhook.active = data["active"]
    webhook.save()
    outbox.forget_interest()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()
    outbox.forget_interest()


def delivery_redeliver(*, delivery: Delivery) -> Delivery:
    """Send again with the same id (a receiver that already has it ignores it)."""
    from integrations.tasks import enqueue_delivery

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(id=delivery.id)
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        transaction.on_commit(lambda: enqueue_delivery(delivery.id))
    return delivery
