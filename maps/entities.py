"""What each entity of a map accepts in an op, and how it is serialised.

One table drives validation (``maps.operations``), the document snapshot
(``maps.selectors``), the canonical ops and the REST schema
(``maps.entity_serializers``, built from the validators' limits), so they can never
disagree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from maps.models import LaneKind, MapKind, Priority
from maps.validators import (
    COLOR,
    Choice,
    Evidence,
    Integer,
    MetricReadings,
    Number,
    Reference,
    Text,
    Validator,
)
from touchpoints.entries import AttachmentEntries


@dataclass(frozen=True)
class Ref:
    """A field that points at another row; checked live and on this map/workspace."""

    target: str  # an entity name, or "team", "channel", "persona"


@dataclass(frozen=True)
class EntitySpec:
    name: str
    model_label: str
    collection: str
    fields: dict[str, Validator]
    refs: dict[str, Ref] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    # Fields that choose the sibling group an item is ordered within; they change
    # only through "move" (or "create").
    container: tuple[str, ...] = ()
    ordered: bool = True
    # Read-only columns the document shows besides the writable fields.
    readonly: tuple[str, ...] = ()

    @property
    def model(self) -> Any:
        return apps.get_model(self.model_label)

    @property
    def columns(self) -> list[str]:
        """Document keys, in a stable order."""
        keys = list(self.fields) + list(self.readonly)
        if self.ordered:
            keys.append("position")
        return keys

    def attname(self, key: str) -> str:
        return f"{key}_id" if key in self.refs or key in ("author",) else key


TITLE = 200
CARD_TEXT = 10_000
# The dots a revealed workshop vote gave an item (written by the reveal's batch).
VOTES = Integer(0, 1_000_000)

ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in [
        EntitySpec(
            name="map",
            model_label="maps.JourneyMap",
            collection="map",
            fields={
                "title": Text(TITLE, blank=False),
                "goal": Text(2000),
                "description": Text(CARD_TEXT),
                "kind": Choice.of(MapKind),
                "language": Choice(("en", "fr"), labels=("English", "Français")),
            },
            readonly=("archived",),
            ordered=False,
        ),
        EntitySpec(
            name="phase",
            model_label="maps.Phase",
            collection="phases",
            fields={"title": Text(TITLE, blank=False), "color": COLOR},
            required=("title",),
        ),
        EntitySpec(
            name="stage",
            model_label="maps.Stage",
            collection="stages",
            fields={"name": Text(TITLE, blank=False), "phase": Reference(nullable=True), "description": Text(2000)},
            refs={"phase": Ref("phase")},
            required=("name",),
            container=("phase",),
        ),
        EntitySpec(
            name="lane",
            model_label="maps.Lane",
            collection="lanes",
            fields={
                "kind": Choice.of(LaneKind),
                "title": Text(TITLE, blank=False),
                "prompt": Text(500),
            },
            required=("title",),
        ),
        EntitySpec(
            name="card",
            model_label="maps.Card",
            collection="cards",
            fields={
                "stage": Reference(),
                "lane": Reference(),
                "text": Text(CARD_TEXT, strip=False),
                "color": COLOR,
                "team": Reference(nullable=True),
                "priority": Choice.of(Priority, blank=True),
                "addresses": Reference(nullable=True),
                "votes": VOTES,
            },
            refs={"stage": Ref("stage"), "lane": Ref("lane"), "team": Ref("team"), "addresses": Ref("card")},
            required=("stage", "lane"),
            container=("stage", "lane"),
            readonly=("author",),
        ),
        EntitySpec(
            name="touchpoint",
            model_label="touchpoints.Touchpoint",
            collection="touchpoints",
            fields={
                "stage": Reference(),
                "lane": Reference(),
                "channel": Reference(nullable=True),
                "title": Text(TITLE, blank=False),
                "description": Text(CARD_TEXT),
                "owner_team": Reference(nullable=True),
                "evaluation": Choice(("delight", "neutral", "irritant"), blank=True),
                "volume_share": Number(0, 100, nullable=True),
                "volume_count": Integer(0, 2_000_000_000, nullable=True),
                "volume_period": Choice(("day", "week", "month", "year"), blank=True),
                "csat": Number(0, 100, nullable=True),
                "nps": Integer(-100, 100, nullable=True),
                "ces": Number(1, 7, nullable=True),
                "metrics": MetricReadings(),
                "evidence": Evidence(),
                "attachments": AttachmentEntries(),
                "votes": VOTES,
            },
            refs={
                "stage": Ref("stage"),
                "lane": Ref("lane"),
                "channel": Ref("channel"),
                "owner_team": Ref("team"),
            },
            required=("stage", "lane", "title"),
            container=("stage", "lane"),
        ),
        EntitySpec(
            name="moment",
            model_label="touchpoints.MomentOfTruth",
            collection="moments",
            fields={
                "stage": Reference(),
                "lane": Reference(nullable=True),
                "touchpoint": Reference(nullable=True),
                "title": Text(TITLE, blank=False),
                "rationale": Text(5000),
                "importance": Integer(1, 5),
                "impact": Integer(1, 5),
                "valence": Choice(("positive", "negative", "mixed")),
            },
            refs={"stage": Ref("stage"), "lane": Ref("lane"), "touchpoint": Ref("touchpoint")},
            required=("stage", "title"),
            container=("stage", "lane"),
        ),
        EntitySpec(
            name="emotion",
            model_label="maps.EmotionPoint",
            collection="emotions",
            fields={
                "stage": Reference(),
                "persona": Reference(nullable=True),
                "score": Integer(-3, 3),
                "note": Text(1000),
            },
            refs={"stage": Ref("stage"), "persona": Ref("persona")},
            required=("stage", "score"),
            container=("stage", "persona"),
            ordered=False,
        ),
        EntitySpec(
            name="persona_link",
            model_label="maps.MapPersona",
            collection="persona_links",
            fields={"persona": Reference()},
            refs={"persona": Ref("persona")},
            required=("persona",),
        ),
    ]
}

# Which children a delete of each parent tombstones (and a restore brings back).
CASCADES: dict[str, list[tuple[str, str]]] = {
    "phase": [("stage", "phase")],
    "stage": [("card", "stage"), ("touchpoint", "stage"), ("moment", "stage"), ("emotion", "stage")],
    "lane": [("card", "lane"), ("touchpoint", "lane"), ("moment", "lane")],
}


def serialize(spec: EntitySpec, obj: Any) -> dict[str, Any]:
    """One row as the document shows it (UUIDs as strings)."""
    item: dict[str, Any] = {"id": str(obj.id)}
    for key in spec.columns:
        value = getattr(obj, spec.attname(key))
        item[key] = str(value) if isinstance(value, uuid.UUID) else value
    item["version"] = obj.version
    return item


def full_fields(spec: EntitySpec, obj: Any) -> dict[str, Any]:
    """A row's document fields without its id (the fields of a committed create or restore)."""
    item = serialize(spec, obj)
    item.pop("id")
    return item


def serialize_values(spec: EntitySpec, row: dict[str, Any]) -> dict[str, Any]:
    """The same as ``serialize`` from a ``.values()`` row (the document's fast path)."""
    item: dict[str, Any] = {"id": str(row["id"])}
    for key in spec.columns:
        value = row[spec.attname(key)]
        item[key] = str(value) if isinstance(value, uuid.UUID) else value
    item["version"] = row["version"]
    return item


def value_columns(spec: EntitySpec) -> list[str]:
    return ["id", "version", *(spec.attname(k) for k in spec.columns)]


def serialize_rows(spec: EntitySpec, rows: Any) -> list[dict[str, Any]]:
    """``serialize_values`` for many rows of a queryset, read as tuples: the keys are
    worked out once rather than per row (on a 5,000-card map the per-row key work
    and Django's per-row dicts were most of the document's Python time)."""
    keys = ("id", *spec.columns, "version")
    tuples = rows.values_list("id", *(spec.attname(k) for k in spec.columns), "version")
    uuid_type = uuid.UUID
    return [{key: str(value) if type(value) is uuid_type else value for key, value in zip(keys, row, strict=True)}
            for row in tuples]
