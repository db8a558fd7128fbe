"""Integrations: webhooks that tell other systems what happened in a workspace,
and the log of every delivery (the outbox the worker sends from)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

EVENTS = ["map.created", "map.changed", "map.archived", "export.finished", "comment.created", "version.created"]
# Sent only when an owner asks for it ("Send test event"), to one hook.
PING = "ping"
# Actors a hook can leave out (``exclude_actors``): people and service tokens.
ACTOR_TYPES = ("user", "service_token")


class DisabledReason(models.TextChoices):
    NONE = "", "none"
    OWNER = "owner", "switched off by an owner"
    FAILURES = "failures", "switched off after failed deliveries"


class Webhook(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    description = models.CharField(max_length=200, blank=True, default="")
    # Kept readable (not hashed): every delivery is signed with it.
    secret = models.CharField(max_length=100)
    # The secret before the last rotation: deliveries carry its signature too until
    # ``previous_secret_until``, so receivers can switch over without losing any.
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    # [{"type": "user"|"service_token", "id": ...}]: events whose actors are all
    # here are not sent (an integration need not hear its own writes).
    exclude_actors = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=10, choices=DisabledReason.choices, blank=True, default="")
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Failed deliveries since the last one that got through: at the limit the hook
    # is switched off and its owners told.
    failures_in_a_row = models.IntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"webhook to {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "pending"
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "failed"


class Delivery(models.Model):
    """One event for one hook. Written in the transaction of what it reports, so
    a crash can never lose it; its id is the receiver's idempotency key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    # The map it is about, if any: map.changed deliveries of one hook go in order per map.
    map_id = models.UUIDField(null=True, blank=True)
    # The JSON body, fixed at creation (retries send the same bytes, signed afresh).
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.IntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    response_status = models.IntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True, default="")
    error = models.CharField(max_length=300, blank=True, default="")
    duration_ms = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["webhook", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} delivery {self.id}"


class MapChangeFeed(models.Model):
    """Where each map's ``map.changed`` reports stand: the last seq reported and the
    window waiting to go (``pending_to_seq``, its actors, when it is due). Written
    under the map's lock by each batch, so windows join up: the next one starts at
    ``reported_seq + 1``."""

    map = models.OneToOneField("maps.JourneyMap", on_delete=models.CASCADE, primary_key=True, related_name="+")
    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="+")
    reported_seq = models.BigIntegerField(default=0)
    pending_to_seq = models.BigIntegerField(null=True, blank=True)
    actors = models.JSONField(default=list, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    # {hook id: from_seq}: windows a hook did not get because all their actors were
    # excluded; its next window starts there, so its ranges still join up.
    held = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"map.changed feed of {self.map_id}"


class ServiceRole(models.TextChoices):
    EDITOR = "editor", "editor"
    VIEWER = "viewer", "viewer"


class ServiceToken(models.Model):
    """An integration's credential for one workspace. It acts through its own
    account (``user``: no password, a membership with the token's role), so every
    role check and the activity treat it like a person named after the token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="service_tokens")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=10, choices=ServiceRole.choices)
    # SHA-256 of the token: the token itself is shown once and never stored.
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_token")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"service token {self.name}"
