"""What each entity of a map accepts in an op, and how it is serialised.

One table drives validation (``maps.operations``), the document snapshot
(``maps.selectors``) and the canonical ops, so the three can never disagree.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from journeymap.strict import bad_text
from maps.models import LaneKind, MapKind, Priority


class FieldInvalid(ValueError):
    """A value that does not fit its field; the message names the problem."""


Validator = Callable[[Any], Any]

_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def text(max_length: int, *, required: bool = False, strip: bool = True) -> Validator:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise FieldInvalid("must be a string")
        if (problem := bad_text(value)) is not None:
            # Refused at every boundary already; this holds the line for internal callers.
            raise FieldInvalid(problem)
        if strip:
            value = value.strip()
        if required and not value:
            raise FieldInvalid("must not be empty")
        if len(value) > max_length:
            raise FieldInvalid(f"must be at most {max_length} characters (got {len(value)})")
        return value

    return check


def choice(values: list[str], *, blank: bool = False) -> Validator:
    allowed = set(values) | ({""} if blank else set())

    def check(value: Any) -> str:
        if value is None and blank:
            return ""
        if not isinstance(value, str) or value not in allowed:
            raise FieldInvalid(f"must be one of {', '.join(sorted(v for v in allowed if v)) or 'nothing'}")
        return value

    return check


def color(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _HEX_COLOR.match(value):
        raise FieldInvalid("must be a colour like #1a2b3c")
    return value.lower()


def integer(lo: int, hi: int, *, nullable: bool = False) -> Validator:
    def check(value: Any) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldInvalid("must be an integer")
        if not lo <= value <= hi:
            raise FieldInvalid(f"must be between {lo} and {hi}")
        return value

    return check


def number(lo: float, hi: float, *, nullable: bool = False) -> Validator:
    def check(value: Any) -> float | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise FieldInvalid("must be a number")
        if not lo <= value <= hi:
            raise FieldInvalid(f"must be between {lo:g} and {hi:g}")
        return float(value)

    return check


def reference(*, nullable: bool = False) -> Validator:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        return uuid_string(value)

    return check


def uuid_string(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldInvalid("must be a UUID string")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise FieldInvalid("is not a valid UUID") from None


def evidence(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > 50:
        raise FieldInvalid("must be a list of at most 50 {url, label} objects")
    items = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"url", "label"} or "url" not in item:
            raise FieldInvalid("each item must be an object with url and optional label")
        url = text(2000, required=True)(item["url"])
        if not re.match(r"^https?://", url):
            raise FieldInvalid("evidence links must start with http:// or https://")
        items.append({"url": url, "label": text(200)(item.get("label", ""))})
    return items


def attachments(value: Any) -> list[dict[str, Any]]:
    """A touchpoint's files: only entries the upload service signed (see
    ``touchpoints.attachments``); an op may drop or reorder them."""
    from touchpoints.attachments import check_entries

    return check_entries(value)


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

ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in [
        EntitySpec(
            name="map",
            model_label="maps.JourneyMap",
            collection="map",
            fields={
                "title": text(TITLE, required=True),
                "goal": text(2000),
                "description": text(CARD_TEXT),
                "kind": choice(list(MapKind.values)),
                "language": choice(["en", "fr"]),
            },
            readonly=("archived",),
            ordered=False,
        ),
        EntitySpec(
            name="phase",
            model_label="maps.Phase",
            collection="phases",
            fields={"title": text(TITLE, required=True), "color": color},
            required=("title",),
        ),
        EntitySpec(
            name="stage",
            model_label="maps.Stage",
            collection="stages",
            fields={"name": text(TITLE, required=True), "phase": reference(nullable=True), "description": text(2000)},
            refs={"phase": Ref("phase")},
            required=("name",),
            container=("phase",),
        ),
        EntitySpec(
            name="lane",
            model_label="maps.Lane",
            collection="lanes",
            fields={
                "kind": choice(list(LaneKind.values)),
                "title": text(TITLE, required=True),
                "prompt": text(500),
            },
            required=("title",),
        ),
        EntitySpec(
            name="card",
            model_label="maps.Card",
            collection="cards",
            fields={
                "stage": reference(),
                "lane": reference(),
                "text": text(CARD_TEXT, strip=False),
                "color": color,
                "team": reference(nullable=True),
                "priority": choice(list(Priority.values), blank=True),
                "addresses": reference(nullable=True),
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
                "stage": reference(),
                "lane": reference(),
                "channel": reference(nullable=True),
                "title": text(TITLE, required=True),
                "description": text(CARD_TEXT),
                "owner_team": reference(nullable=True),
                "evaluation": choice(["delight", "neutral", "irritant"], blank=True),
                "volume_share": number(0, 100, nullable=True),
                "volume_count": integer(0, 2_000_000_000, nullable=True),
                "volume_period": choice(["day", "week", "month", "year"], blank=True),
                "csat": number(0, 100, nullable=True),
                "nps": integer(-100, 100, nullable=True),
                "evidence": evidence,
                "attachments": attachments,
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
                "stage": reference(),
                "lane": reference(nullable=True),
                "touchpoint": reference(nullable=True),
                "title": text(TITLE, required=True),
                "rationale": text(5000),
                "importance": integer(1, 5),
                "impact": integer(1, 5),
                "valence": choice(["positive", "negative", "mixed"]),
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
                "stage": reference(),
                "persona": reference(nullable=True),
                "score": integer(-3, 3),
                "note": text(1000),
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
            fields={"persona": reference()},
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
