"""Request and response shapes of the REST API.

Request serializers are strict: an unknown key is a 400 (a typo must not be
silently ignored). Map *content* is validated once, by ``maps.operations`` (the
single write path); its shapes for the OpenAPI schema are built from the same
validators in ``maps.entity_serializers``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.serializers import StrictModelSerializer, StrictSerializer
from maps.entities import ENTITIES
from maps.models import JourneyMap, Membership, Role, Team, Workspace

# --- auth ------------------------------------------------------------------------------


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- workspaces, members, teams -------------------------------------------------------


class WorkspaceSerializer(StrictModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = ["id", "name", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "role", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 200, "allow_blank": False}}

    def get_role(self, obj: Workspace) -> str | None:
        roles = self.context.get("roles") or {}
        return roles.get(obj.id) or getattr(obj, "my_role", None)


class TeamSerializer(StrictModelSerializer):
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)

    class Meta:
        model = Team
        fields = ["id", "name", "color", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 100}}
        # Uniqueness per workspace is checked by the service (the workspace is in the URL).
        validators: list = []


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    team = serializers.UUIDField(source="team_id", allow_null=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "team", "created_at"]
        read_only_fields = fields

    @extend_schema_field(MemberUserSerializer)
    def get_user(self, obj: Membership) -> dict[str, Any]:
        user = obj.user
        return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


class MemberCreateSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EDITOR)
    team = serializers.UUIDField(required=False, allow_null=True)

    def validate_username(self, value: str) -> Any:
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError("No user with this username.")
        return user


class MemberUpdateSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = serializers.UUIDField(required=False, allow_null=True)


# --- maps -----------------------------------------------------------------------------


class MapSerializer(serializers.ModelSerializer):
    workspace = serializers.UUIDField(source="workspace_id", read_only=True)
    based_on = serializers.UUIDField(source="based_on_id", read_only=True, allow_null=True)

    class Meta:
        model = JourneyMap
        fields = ["id", "workspace", "title", "goal", "description", "kind", "language", "based_on", "seq",
                  "version", "archived", "created_at", "updated_at"]
        read_only_fields = fields


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
