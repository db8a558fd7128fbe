"""Sending one delivery: one attempt, signed afresh, to the address just checked.

A delivery is claimed before it is sent (``next_attempt_at`` moved one lease
ahead, committed), so a worker killed mid-send leaves it to the sweeper once the
lease is over: at least once, never lost. Anything but a 2xx answer is retried
with exponential backoff until ``WEBHOOK_RETRY_SECONDS`` after the event; then the
delivery has failed, and ``WEBHOOK_MAX_FAILURES`` failed deliveries in a row switch
the hook off and tell its owners.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations import signing, ssrf
from integrations.models import PING, Delivery, DeliveryStatus, DisabledReason, Webhook

USER_AGENT = "Journeymap-Webhooks/1"
BACKOFF_CAP_SECONDS = 3600


@dataclass
class Outcome:
    status: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header keeps the URL's name."""

    def __init__(self, target: ssrf.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: ssrf.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST, no redirects followed, the answer read up to a small cap."""
    started = time.monotonic()
    outcome = Outcome()
    try:
        target = ssrf.resolve(url)
        cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        connection = cls(target, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            outcome.status = response.status
            outcome.excerpt = response.read(settings.WEBHOOK_RESPONSE_MAX_BYTES).decode("utf-8", "replace")[:500]
        finally:
            connection.close()
    except ssrf.UnsafeUrl as error:
        outcome.error = str(error)[:300]
    except (OSError, http.client.HTTPException) as error:
        outcome.error = f"{type(error).__name__}: {error}"[:300]
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def backoff(attempts: int) -> dt.timedelta:
    seconds = settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, BACKOFF_CAP_SECONDS))


def _claim(delivery_id: Any) -> tuple[Delivery | None, dt.timedelta | None]:
    """The delivery, leased to this attempt, if it is due; else (None, how long
    until it may go) -- a map.changed waits for its hook's earlier ones of that map."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True).select_related("webhook")
                    .filter(id=delivery_id, status=DeliveryStatus.PENDING).first())
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return None, None
        if not delivery.webhook.active and delivery.event != PING:
            return None, None
        if delivery.event == "map.changed" and delivery.map_id is not None:
            earlier = (Delivery.objects.filter(webhook_id=delivery.webhook_id, map_id=delivery.map_id,
                                               event="map.changed", status=DeliveryStatus.PENDING,
                                               created_at__lt=delivery.created_at)
                       .order_by("next_attempt_at").first())
            if earlier is not None:
                wait = max((earlier.next_attempt_at or now) - now, dt.timedelta(seconds=1))
                delivery.next_attempt_at = now + wait
                delivery.save(update_fields=["next_attempt_at"])
                return None, wait
        delivery.next_attempt_at = now + dt.timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
        delivery.save(update_fields=["next_attempt_at"])
    return delivery, None


def attempt(delivery_id: Any) -> dt.timedelta | None:
    """Try one delivery if it is due; the delay until its retry, or None when
    there is nothing more to do (delivered, failed, not due, taken elsewhere)."""
    delivery, wait = _claim(delivery_id)
    if delivery is None:
        return wait
    webhook = delivery.webhook
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Journeymap-Event": delivery.event,
        "Journeymap-Delivery": str(delivery.id),
        "Journeymap-Signature": signing.signature(live_secrets(webhook), body),
    }
    outcome = post(webhook.url, body, headers)
    return _record(delivery, outcome)


def live_secrets(webhook: Webhook) -> list[str]:
    """The current secret, and the one before while a rotation's overlap lasts."""
    if webhook.previous_secret and webhook.previous_secret_until and webhook.previous_secret_until > timezone.now():
        return [webhook.secret, webhook.previous_secret]
    return [webhook.secret]


def _record(delivery: Delivery, outcome: Outcome) -> dt.timedelta | None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_status = outcome.status
    delivery.response_excerpt = outcome.excerpt
    delivery.error = outcome.error
    delivery.duration_ms = outcome.duration_ms
    retry_in = None
    if outcome.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    else:
        wait = backoff(delivery.attempts)
        # A test event says how the receiver answers now: one attempt, no retries.
        retry_until = delivery.created_at + dt.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS)
        if delivery.event != PING and now + wait <= retry_until:
            delivery.next_attempt_at = now + wait
            retry_in = wait
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
    with transaction.atomic():
        delivery.save(update_fields=["attempts", "response_status", "response_excerpt", "error", "duration_ms",
                                     "status", "delivered_at", "next_attempt_at"])
        hooks = Webhook.objects.filter(id=delivery.webhook_id)
        if outcome.ok:
            hooks.update(failures_in_a_row=0)
        elif delivery.status == DeliveryStatus.FAILED and delivery.event != PING:
            hooks.update(failures_in_a_row=F("failures_in_a_row") + 1)
            _disable_if_failing(delivery.webhook_id)
    return retry_in


def _disable_if_failing(webhook_id: Any) -> None:
    webhook = Webhook.objects.select_for_update().get(id=webhook_id)
    if webhook.active and webhook.failures_in_a_row >= settings.WEBHOOK_MAX_FAILURES:
        webhook.active = False
        webhook.disabled_reason, webhook.disabled_at = DisabledReason.FAILURES, timezone.now()
        webhook.save(update_fields=["active", "disabled_reason", "disabled_at", "updated_at"])
        from integrations.owners import tell_owners_disabled

        transaction.on_commit(lambda: tell_owners_disabled(webhook))


def due_ids(limit: int = 500) -> list[Any]:
    return list(Delivery.objects.filter(Q(webhook__active=True) | Q(event=PING), status=DeliveryStatus.PENDING,
                                        next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at").values_list("id", flat=True)[:limit])
