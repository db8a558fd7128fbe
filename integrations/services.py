"""Writes on webhooks: create (the secret is returned once), change, rotate the
secret, delete, redeliver, send a test event. Every URL passes the SSRF check
(integrations.ssrf) before it is kept; every excluded actor is checked to belong
to the workspace (integrations.actors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from integrations import outbox, signing, ssrf
from integrations.actors import checked_exclusions
from integrations.models import PING, Delivery, DeliveryStatus, DisabledReason, Webhook


def _checked_url(url: str) -> str:
    ssrf.resolve(url)  # raises UnsafeUrl
    return url


def webhook_create(*, workspace: Any, user: Any, url: str, events: list[str], description: str = "",
                   exclude_actors: list[dict[str, Any]] | None = None) -> Webhook:
    outbox.forget_interest()
    excluded = checked_exclusions(workspace, exclude_actors or [])  # before the URL's DNS lookup: cheaper
    return Webhook.objects.create(workspace=workspace, created_by=user, url=_checked_url(url),
                                  events=sorted(set(events)), description=description, exclude_actors=excluded,
                                  secret=signing.new_secret())


def webhook_update(*, webhook: Webhook, data: dict[str, Any]) -> Webhook:
    if "url" in data:
        webhook.url = _checked_url(data["url"])
    if "events" in data:
        webhook.events = sorted(set(data["events"]))
    if "description" in data:
        webhook.description = data["description"]
    if "exclude_actors" in data:
        webhook.exclude_actors = checked_exclusions(webhook.workspace, data["exclude_actors"])
    if "active" in data and data["active"] != webhook.active:
        webhook.active = data["active"]
        if webhook.active:
            webhook.failures_in_a_row = 0
            webhook.disabled_reason, webhook.disabled_at = DisabledReason.NONE, None
        else:
            webhook.disabled_reason, webhook.disabled_at = DisabledReason.OWNER, timezone.now()
    webhook.save()
    outbox.forget_interest()
    return webhook


def webhook_rotate_secret(*, webhook: Webhook, overlap_hours: int) -> Webhook:
    """A new secret; the current one keeps signing too for ``overlap_hours``. A
    rotation during an overlap drops the oldest: two secrets at most."""
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().get(id=webhook.id)
        if overlap_hours > 0:
            webhook.previous_secret = webhook.secret
            webhook.previous_secret_until = timezone.now() + dt.timedelta(hours=overlap_hours)
        else:
            webhook.previous_secret, webhook.previous_secret_until = "", None
        webhook.secret = signing.new_secret()
        webhook.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    return webhook


def webhook_send_test(*, webhook: Webhook, user: Any) -> Delivery:
    """A ``ping`` to this hook alone, through the outbox and the worker like any
    event: it shows in the delivery log. Sent even to a switched-off hook (to see
    whether its receiver answers again before switching it on)."""
    with transaction.atomic():
        (row,) = outbox.record(workspace_id=webhook.workspace_id, event=PING, hooks=[webhook], data={
            "webhook": str(webhook.id), "requested_by": user.get_full_name() or user.get_username(),
            "message": "A test event sent from the Webhooks page or the API."})
    return row


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
