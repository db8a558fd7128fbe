"""Request and response shapes of the maps API: maps, the document, the op log.

Request serializers are strict: an unknown key is a 400 (a typo must not be
silently ignored). Map *content* is validated once, by ``maps.operations`` (the
single write path); its shapes for the OpenAPI schema are built from the same
validators in ``maps.entity_serializers``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.serializers import StrictSerializer
from maps.entities import ENTITIES
from maps.models import JourneyMap
from reviews.schedule import review_due_at

# --- maps -----------------------------------------------------------------------------


def person_name(user: Any) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


class MapSerializer(serializers.ModelSerializer):
    workspace = serializers.UUIDField(source="workspace_id", read_only=True)
    based_on = serializers.UUIDField(source="based_on_id", read_only=True, allow_null=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True,
                                     help_text="The person the review reminders go to (a user id).")
    owner_name = serializers.SerializerMethodField()
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", read_only=True, allow_null=True)
    reviewed_by_name = serializers.SerializerMethodField()
    review_due_at = serializers.SerializerMethodField()

    class Meta:
        model = JourneyMap
        fields = ["id", "workspace", "title", "goal", "description", "kind", "language", "based_on", "seq",
                  "version", "archived", "created_at", "updated_at", "owner", "owner_name", "review_every_months",
                  "reviewed_at", "reviewed_by", "reviewed_by_name", "review_due_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner_name(self, journey_map: JourneyMap) -> str | None:
        return person_name(journey_map.owner)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewed_by_name(self, journey_map: JourneyMap) -> str | None:
        return person_name(journey_map.reviewed_by)

    @extend_schema_field(serializers.DateTimeField(help_text="Last review (or creation) plus the interval."))
    def get_review_due_at(self, journey_map: JourneyMap) -> str:
        due = review_due_at(reviewed_at=journey_map.reviewed_at, created_at=journey_map.created_at,
                            every_months=journey_map.review_every_months)
        return serializers.DateTimeField().to_representation(due)


class MapDuplicateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)


# --- the document and the op log -------------------------------------------------------


class OpSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["create", "update", "move", "delete", "restore"])
    entity = serializers.ChoiceField(choices=list(ENTITIES))
    id = serializers.UUIDField()
    fields = serializers.DictField(required=False)
    if_version = serializers.IntegerField(required=False)


class OperationsRequestSerializer(serializers.Serializer):
    """Documented only: the body goes to ``maps.operations.apply`` as sent, which
    validates it and answers with the error table."""

    batch_id = serializers.CharField(max_length=100)
    ops = OpSerializer(many=True)


class AckErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    op_index = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)


class AckSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["ack"])
    batch_id = serializers.CharField()
    seq = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["ok", "rebased", "rejected", "retry"])
    ops = serializers.ListField(child=serializers.DictField())
    error = AckErrorSerializer(allow_null=True)
    retry_after_ms = serializers.IntegerField(allow_null=True)


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    team = serializers.CharField()


class BatchSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    batch_id = serializers.CharField()
    actor = ActorSerializer()
    ops = serializers.ListField(child=serializers.DictField())


class OperationsPageSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The map's current seq.")
    batches = BatchSerializer(many=True)
    next = serializers.IntegerField(allow_null=True, help_text="Pass as `since` for the next page; null when "
                                                               "caught up.")


class DocumentSerializer(serializers.Serializer):
    map = serializers.DictField()
    phases = serializers.ListField(child=serializers.DictField())
    stages = serializers.ListField(child=serializers.DictField())
    lanes = serializers.ListField(child=serializers.DictField())
    cards = serializers.ListField(child=serializers.DictField())
    touchpoints = serializers.ListField(child=serializers.DictField())
    moments = serializers.ListField(child=serializers.DictField())
    emotions = serializers.ListField(child=serializers.DictField())
    persona_links = serializers.ListField(child=serializers.DictField())
    personas = serializers.ListField(child=serializers.DictField())
    teams = serializers.ListField(child=serializers.DictField())
    channels = serializers.ListField(child=serializers.DictField())
