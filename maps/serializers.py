"""Request and response shapes of the REST API.

Request serializers are strict: an unknown key is a 400 (a typo must not be
silently ignored). Map *content* is validated once, by ``maps.operations`` (the
single write path); the entity serializers here describe it for the OpenAPI
schema and reject what is not even the right shape.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.serializers import LANGUAGES, StrictModelSerializer, StrictSerializer
from maps.models import JourneyMap, LaneKind, MapKind, Membership, Priority, Role, Team, Workspace
from touchpoints.serializers import AttachmentEntrySerializer

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


class MapCreateSerializer(StrictSerializer):
    workspace = serializers.UUIDField()
    title = serializers.CharField(max_length=200)
    goal = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=MapKind.choices, required=False)
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    template = serializers.UUIDField(required=False, allow_null=True,
                                     help_text="Start from this template (built-in or of the workspace).")
    based_on = serializers.UUIDField(required=False, allow_null=True,
                                     help_text="Create the future state of this map: the new map links to it and "
                                               "takes what `copy` says.")
    copy = serializers.ChoiceField(
        choices=["structure", "structure_and_personas", "everything"], required=False,
        help_text="With based_on: what the future state takes from the map. structure: phases, stages and lanes "
                  "with their questions; structure_and_personas (default): the same and the personas it follows; "
                  "everything: every card, touchpoint, moment and curve too.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("template") and attrs.get("based_on"):
            raise serializers.ValidationError({"template": ["Give either template or based_on, not both."]})
        if attrs.get("copy") and not attrs.get("based_on"):
            raise serializers.ValidationError({"copy": ["copy only applies with based_on."]})
        return attrs


class MapUpdateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    goal = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=MapKind.choices, required=False)
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    archived = serializers.BooleanField(required=False)


class MapDuplicateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)


# --- the document and the op log -------------------------------------------------------


class OpSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["create", "update", "move", "delete", "restore"])
    entity = serializers.ChoiceField(choices=["map", "phase", "stage", "lane", "card", "touchpoint", "moment",
                                              "emotion", "persona_link"])
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


# --- map entities (nested CRUD) ---------------------------------------------------------
# One pair per entity: the item as the document shows it, and what a write accepts.
# ``after`` / ``before`` / ``position`` place an ordered item (see the realtime protocol).


def _placement() -> dict[str, serializers.Field]:
    return {
        "after": serializers.UUIDField(required=False, allow_null=True, write_only=True),
        "before": serializers.UUIDField(required=False, allow_null=True, write_only=True),
        "position": serializers.CharField(required=False, max_length=64),
    }


def _ref(required: bool = True) -> serializers.Field:
    return serializers.UUIDField(required=required, allow_null=not required)


def _color() -> serializers.Field:
    return serializers.CharField(required=False, allow_blank=True, max_length=7)


ENTITY_FIELDS: dict[str, dict[str, Any]] = {
    "phase": {
        "title": lambda: serializers.CharField(max_length=200),
        "color": _color,
    },
    "stage": {
        "name": lambda: serializers.CharField(max_length=200),
        "phase": lambda: _ref(False),
        "description": lambda: serializers.CharField(max_length=2000, required=False, allow_blank=True),
    },
    "lane": {
        "kind": lambda: serializers.ChoiceField(choices=LaneKind.choices, required=False),
        "title": lambda: serializers.CharField(max_length=200),
        "prompt": lambda: serializers.CharField(max_length=500, required=False, allow_blank=True),
    },
    "card": {
        "stage": lambda: _ref(),
        "lane": lambda: _ref(),
        "text": lambda: serializers.CharField(max_length=10_000, required=False, allow_blank=True,
                                              trim_whitespace=False),
        "color": _color,
        "team": lambda: _ref(False),
        "priority": lambda: serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True),
        "addresses": lambda: _ref(False),
    },
    "touchpoint": {
        "stage": lambda: _ref(),
        "lane": lambda: _ref(),
        "channel": lambda: _ref(False),
        "title": lambda: serializers.CharField(max_length=200),
        "description": lambda: serializers.CharField(max_length=10_000, required=False, allow_blank=True),
        "owner_team": lambda: _ref(False),
        "evaluation": lambda: serializers.ChoiceField(choices=["delight", "neutral", "irritant"], required=False,
                                                      allow_blank=True),
        "volume_share": lambda: serializers.FloatField(min_value=0, max_value=100, required=False, allow_null=True),
        "volume_count": lambda: serializers.IntegerField(min_value=0, required=False, allow_null=True),
        "volume_period": lambda: serializers.ChoiceField(choices=["day", "week", "month", "year"], required=False,
                                                         allow_blank=True),
        "csat": lambda: serializers.FloatField(min_value=0, max_value=100, required=False, allow_null=True),
        "nps": lambda: serializers.IntegerField(min_value=-100, max_value=100, required=False, allow_null=True),
        "evidence": lambda: serializers.ListField(child=serializers.DictField(child=serializers.CharField()),
                                                  required=False, max_length=50),
        # Entries come from uploads (POST .../attachments/); an op may drop or reorder them.
        "attachments": lambda: serializers.ListField(child=AttachmentEntrySerializer(), required=False,
                                                     max_length=20),
    },
    "moment": {
        "stage": lambda: _ref(),
        "lane": lambda: _ref(False),
        "touchpoint": lambda: _ref(False),
        "title": lambda: serializers.CharField(max_length=200),
        "rationale": lambda: serializers.CharField(max_length=5000, required=False, allow_blank=True),
        "importance": lambda: serializers.IntegerField(min_value=1, max_value=5, required=False),
        "impact": lambda: serializers.IntegerField(min_value=1, max_value=5, required=False),
        "valence": lambda: serializers.ChoiceField(choices=["positive", "negative", "mixed"], required=False),
    },
    "emotion": {
        "stage": lambda: _ref(),
        "persona": lambda: _ref(False),
        "score": lambda: serializers.IntegerField(min_value=-3, max_value=3),
        "note": lambda: serializers.CharField(max_length=1000, required=False, allow_blank=True),
    },
}
ORDERED_ENTITIES = {"phase", "stage", "lane", "card", "touchpoint", "moment"}


def _entity_serializer(entity: str, kind: str) -> type[serializers.Serializer]:
    """Build the item / create / update serializer of one entity (for the schema)."""
    attrs: dict[str, Any] = {}
    camel = "".join(part.title() for part in entity.split("_"))
    for name, make in ENTITY_FIELDS[entity].items():
        field = make()
        if kind == "item":
            field = make()
            field.read_only = True
            field.required = False
        elif kind == "update":
            field.required = False
        attrs[name] = field
    if kind == "item":
        attrs["id"] = serializers.UUIDField(read_only=True)
        attrs["version"] = serializers.IntegerField(read_only=True)
        if entity in ORDERED_ENTITIES:
            attrs["position"] = serializers.CharField(read_only=True)
        if entity == "card":
            attrs["author"] = serializers.IntegerField(read_only=True, allow_null=True)
        base: type[serializers.Serializer] = serializers.Serializer
        name = f"{camel}"
    else:
        if kind == "create":
            attrs["id"] = serializers.UUIDField(required=False, help_text="Chosen by the client (optional).")
        if entity in ORDERED_ENTITIES:
            attrs.update(_placement())
        attrs["if_version"] = serializers.IntegerField(required=False, write_only=True) if kind == "update" else None
        if attrs["if_version"] is None:
            del attrs["if_version"]
        base = StrictSerializer
        name = f"{camel}{kind.title()}"
    return type(f"{name}Serializer", (base,), attrs)


ENTITY_SERIALIZERS: dict[str, dict[str, type[serializers.Serializer]]] = {
    entity: {kind: _entity_serializer(entity, kind) for kind in ("item", "create", "update")}
    for entity in ENTITY_FIELDS
}
