from __future__ import annotations

from rest_framework import serializers

from integrations.models import EVENTS, Delivery, DeliveryStatus
from journeymap.serializers import StrictSerializer


class WebhookWriteSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000, help_text="http(s) only; must resolve to a public address.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS), min_length=1,
                                   max_length=len(EVENTS))
    description = serializers.CharField(max_length=200, allow_blank=True, required=False)
    active = serializers.BooleanField(required=False, help_text="Switching a hook on clears its failure count.")


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS))
    description = serializers.CharField()
    active = serializers.BooleanField()
    failures_in_a_row = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Shown this once: sign checks use it.")


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
