from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from integrations.models import ACTOR_TYPES, EVENTS, Delivery, DeliveryStatus
from journeymap.serializers import StrictSerializer

MAX_EXCLUDED_ACTORS = 50
MAX_OVERLAP_HOURS = 168


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]})
class ActorIdField(serializers.JSONField):
    """A user's id (an integer) or a service token's id (a UUID); checked by type below."""


class ActorRefSerializer(StrictSerializer):
    """``{type, id}`` as in a delivery's actors: a user's id (a number) or a
    service token's id (a UUID)."""

    type = serializers.ChoiceField(choices=ACTOR_TYPES)
    id = ActorIdField(help_text="A user's id (integer) or a service token's id (UUID).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        value = attrs["id"]
        if attrs["type"] == "user":
            if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
                raise serializers.ValidationError({"id": ["A user's id is a number."]})
            return {"type": "user", "id": int(value)}
        try:
            return {"type": "service_token", "id": str(uuid.UUID(str(value)))}
        except ValueError:
            raise serializers.ValidationError({"id": ["A service token's id is a UUID."]}) from None


class WebhookWriteSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000, help_text="http(s) only; must resolve to a public address.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS), min_length=1,
                                   max_length=len(EVENTS))
    description = serializers.CharField(max_length=200, allow_blank=True, required=False)
    active = serializers.BooleanField(required=False, help_text="Switching a hook on clears its failure count.")
    exclude_actors = ActorRefSerializer(many=True, required=False, max_length=MAX_EXCLUDED_ACTORS,
                                        help_text="Members or service tokens of the workspace whose writes this "
                                                  "hook does not hear about.")

    def validate_description(self, value: str) -> str:
        # One line of plain text: control characters would only garble the page and logs.
        if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
            raise serializers.ValidationError("Control characters are not allowed.")
        return value.strip()


class RotateSecretSerializer(StrictSerializer):
    overlap_hours = serializers.IntegerField(
        min_value=0, max_value=MAX_OVERLAP_HOURS, required=False,
        help_text="How long deliveries are signed with the old secret too (default "
                  "WEBHOOK_ROTATION_OVERLAP_HOURS, 24); 0 drops the old secret at once.")

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("overlap_hours"), bool | float | str):
            raise serializers.ValidationError({"overlap_hours": ["A whole number of hours, 0 to 168."]})
        value = super().to_internal_value(data)
        value.setdefault("overlap_hours", settings.WEBHOOK_ROTATION_OVERLAP_HOURS)
        return value


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS))
    description = serializers.CharField()
    active = serializers.BooleanField()
    disabled_reason = serializers.CharField(help_text="Why the hook is off: `owner`, `failures`, or empty.")
    disabled_at = serializers.DateTimeField(allow_null=True)
    failures_in_a_row = serializers.IntegerField()
    exclude_actors = ActorRefSerializer(many=True)
    previous_secret_until = serializers.DateTimeField(
        allow_null=True, help_text="Until then deliveries are signed with the secret before the last rotation too.")
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Shown this once: sign checks use it.")


class SecretRotatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="The new secret, shown this once.")


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Sent as `Journeymap-Delivery`: the receiver's idempotency key.")
    event = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(allow_null=True)
    response_excerpt = serializers.CharField(help_text="The first bytes of the last answer.")
    error = serializers.CharField(help_text="Why the last attempt failed without an answer, if it did.")
    duration_ms = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Delivery
