"""The REST shapes of map content, built from ``maps.entities``.

Each field's serializer field is made from the validator the write path runs
(``maps.validators``): the same maximum length, choices, range and nullability,
so the OpenAPI schema cannot drift from what ``apply`` accepts
(``tests/api/test_entity_schema.py`` checks both against real requests).
Validation itself stays in the write path: the nested CRUD views hand their body
to ``apply``; the map's create and update bodies are checked here first because
they are not only ops (a template, a future state, archiving).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.serializers import StrictSerializer
from maps.entities import ENTITIES, EntitySpec
from maps.operations import MAX_POSITION_INPUT, PLACEMENT_KEYS, SERVICE_FIELDS
from maps.validators import (
    METRIC_KEY,
    METRIC_PERIOD,
    Choice,
    Color,
    Evidence,
    Flag,
    Integer,
    MetricReadings,
    Number,
    Reference,
    Text,
    Validator,
)
from reviews.schedule import REVIEW_MONTHS_MAX, REVIEW_MONTHS_MIN
from touchpoints.entries import AttachmentEntries
from touchpoints.serializers import AttachmentEntrySerializer

# The entities with nested CRUD under ``maps/<id>/`` (the map has its own views,
# persona links are made through ops).
NESTED_ENTITIES = ("phase", "stage", "lane", "card", "touchpoint", "moment", "emotion")

# Read-only document columns (``EntitySpec.readonly``) and their types.
_READONLY_FIELDS = {
    "author": lambda: serializers.IntegerField(read_only=True, allow_null=True),
    "archived": lambda: serializers.BooleanField(read_only=True),
}


class StrictBooleanField(serializers.BooleanField):
    """true or false only, as the write path takes it (DRF's own would read "yes",
    "true" or 1 as true)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def field_for(validator: Validator, *, required: bool = False, read_only: bool = False) -> serializers.Field:
    """The serializer field that describes what ``validator`` accepts (in a request)
    or returns (in a response, ``read_only``)."""
    kwargs: dict[str, Any] = {"read_only": True} if read_only else {"required": required}
    match validator:
        case Text():
            return serializers.CharField(max_length=validator.max_length, allow_blank=validator.blank,
                                         trim_whitespace=validator.strip, **kwargs)
        case Choice():
            # null is accepted for "none" and stored as "": a response never holds it.
            return serializers.ChoiceField(choices=validator.choices, allow_blank=validator.blank,
                                           allow_null=validator.blank and not read_only, **kwargs)
        case Color():
            return serializers.RegexField(validator.pattern, allow_blank=True, allow_null=not read_only,
                                          help_text="#rrggbb, or empty for none.", **kwargs)
        case Integer():
            return serializers.IntegerField(min_value=validator.lo, max_value=validator.hi,
                                            allow_null=validator.nullable, **kwargs)
        case Number():
            return serializers.FloatField(min_value=validator.lo, max_value=validator.hi,
                                          allow_null=validator.nullable, **kwargs)
        case Reference():
            return serializers.UUIDField(allow_null=validator.nullable, **kwargs)
        case Flag():
            return StrictBooleanField(**kwargs)
        case Evidence():
            return serializers.ListField(child=_evidence_item(validator), max_length=validator.max_items, **kwargs)
        case MetricReadings():
            # Written with the metric series (POST /maps/<id>/metrics/); keys match METRIC_KEY.
            return MetricReadingsField(child=MetricReadingSerializer(), **kwargs)
        case AttachmentEntries():
            # Entries come from uploads (POST .../attachments/); an op may drop or reorder them.
            return serializers.ListField(child=AttachmentEntrySerializer(), max_length=validator.max_items,
                                         **kwargs)
    raise TypeError(f"no schema field for the validator {validator!r}: add one to field_for")


class MetricReadingSerializer(StrictSerializer):
    """A metric's latest value and the period it measures."""

    value = serializers.FloatField()
    period = serializers.RegexField(METRIC_PERIOD, help_text="YYYY-MM or YYYY-MM-DD.")


_READINGS = MetricReadings()


@extend_schema_field({
    "type": "object",
    "description": "The latest reading of each metric series, by metric key (lower-case letters, "
                   "digits and _, starting with a letter; written with the series, POST /api/v1/maps/{id}/metrics/).",
    "maxProperties": _READINGS.max_items,
    # OpenAPI 3.0 has no propertyNames: the key rule is stated as an extension.
    "x-key-pattern": METRIC_KEY,
    "additionalProperties": {
        "type": "object", "required": ["value", "period"], "additionalProperties": False,
        "properties": {"value": {"type": "number", "minimum": -_READINGS.max_abs, "maximum": _READINGS.max_abs},
                       "period": {"type": "string", "pattern": METRIC_PERIOD}},
    },
})
class MetricReadingsField(serializers.DictField):
    """Metric readings by key (the schema states the key pattern and the count)."""


@cache
def _evidence_item_class(validator: Evidence) -> type[serializers.Serializer]:
    # One class (one schema component) however many fields use it.
    return type("EvidenceItemSerializer", (StrictSerializer,), {
        "__doc__": "A link backing a touchpoint, with an optional label.",
        "url": serializers.RegexField(validator.url_pattern, max_length=validator.url.max_length,
                                      help_text="An http:// or https:// link."),
        "label": serializers.CharField(max_length=validator.label.max_length, required=False, allow_blank=True),
    })


def _evidence_item(validator: Evidence) -> serializers.Serializer:
    return _evidence_item_class(validator)()


def _placement() -> dict[str, serializers.Field]:
    fields = {
        "after": serializers.UUIDField(required=False, allow_null=True, write_only=True),
        "before": serializers.UUIDField(required=False, allow_null=True, write_only=True),
        "position": serializers.CharField(required=False, max_length=MAX_POSITION_INPUT),
    }
    assert set(fields) == set(PLACEMENT_KEYS)
    return fields


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def item_serializer(spec: EntitySpec) -> type[serializers.Serializer]:
    """An item as the document and the nested CRUD views show it."""
    attrs: dict[str, Any] = {"id": serializers.UUIDField(read_only=True)}
    attrs.update({name: field_for(check, read_only=True) for name, check in spec.fields.items()})
    for name in spec.readonly:
        attrs[name] = _READONLY_FIELDS[name]()
    if spec.ordered:
        attrs["position"] = serializers.CharField(read_only=True)
    attrs["version"] = serializers.IntegerField(read_only=True)
    return type(f"{_camel(spec.name)}Serializer", (serializers.Serializer,), attrs)


def write_serializer(spec: EntitySpec, kind: str) -> type[serializers.Serializer]:
    """What a create (``kind="create"``) or a change (``"update"``) accepts."""
    attrs: dict[str, Any] = {}
    if kind == "create":
        attrs["id"] = serializers.UUIDField(required=False, help_text="Chosen by the client (optional).")
    attrs.update({name: field_for(check, required=kind == "create" and name in spec.required)
                  for name, check in spec.fields.items()})
    if spec.ordered:
        attrs.update(_placement())
    if kind == "update":
        attrs["if_version"] = serializers.IntegerField(required=False, write_only=True)
    return type(f"{_camel(spec.name)}{kind.title()}Serializer", (StrictSerializer,), attrs)


ENTITY_SERIALIZERS: dict[str, dict[str, type[serializers.Serializer]]] = {
    name: {"item": item_serializer(ENTITIES[name]), "create": write_serializer(ENTITIES[name], "create"),
           "update": write_serializer(ENTITIES[name], "update")}
    for name in NESTED_ENTITIES
}


# --- the map's own fields ------------------------------------------------------------

_MAP_FIELDS = ENTITIES["map"].fields


class MapCreateSerializer(StrictSerializer):
    workspace = serializers.UUIDField()
    title = field_for(_MAP_FIELDS["title"], required=True)
    goal = field_for(_MAP_FIELDS["goal"])
    kind = field_for(_MAP_FIELDS["kind"])
    language = field_for(_MAP_FIELDS["language"])
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
    title = field_for(_MAP_FIELDS["title"])
    goal = field_for(_MAP_FIELDS["goal"])
    description = field_for(_MAP_FIELDS["description"])
    kind = field_for(_MAP_FIELDS["kind"])
    language = field_for(_MAP_FIELDS["language"])
    # A service field: archiving also ends the map's share links (``maps.services``).
    archived = field_for(SERVICE_FIELDS["map"]["archived"])
    # Stewardship, written by ``reviews.services`` (not map content, not in the op log).
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
                                     help_text="A user id: an owner or editor of the map's workspace (not a "
                                               "service token); null for nobody (no reminders).")
    review_every_months = serializers.IntegerField(required=False, min_value=REVIEW_MONTHS_MIN,
                                                   max_value=REVIEW_MONTHS_MAX,
                                                   help_text="Months between reviews (default 4).")
