"""What a comment hangs on: reading an anchor from a request, and whether it is live.

An anchor is ``{"type": map|stage|lane|cell|card|touchpoint|moment, "id"?,
"stage"?, "lane"?}``: ``id`` names a stage, lane, card, touchpoint or moment of
the map; a cell names its ``stage`` and ``lane``; the map needs nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, Q

from discussion.models import AnchorType
from journeymap import strict
from maps.errors import OpError
from maps.models import Card, JourneyMap, Lane, Stage
from touchpoints.models import MomentOfTruth, Touchpoint

ANCHOR_KEYS = {"type", "id", "stage", "lane"}
ANCHOR_FIELDS = ("stage", "lane", "card", "touchpoint", "moment")
ROWS: dict[str, type[Model]] = {
    "stage": Stage, "lane": Lane, "card": Card, "touchpoint": Touchpoint, "moment": MomentOfTruth,
}

# A comment is shown while every item it hangs on is live: deleting a card (or the
# stage that took the card with it) hides the card's threads, and restoring it
# brings them back, with no write to the comments themselves.
LIVE_ANCHOR = Q()
for _name in ANCHOR_FIELDS:
    LIVE_ANCHOR &= Q(**{f"{_name}__isnull": True}) | Q(**{f"{_name}__deleted_by_seq__isnull": True})


def anchor_fields(journey_map: JourneyMap, anchor: Any) -> dict[str, Any]:
    """The model fields (``anchor_type`` and its foreign keys) of a requested anchor.

    Refuses what is not an anchor (``invalid``), what this map does not hold
    (``not_found``, another map's or workspace's items included) and what is
    deleted (``gone``).
    """
    if not isinstance(anchor, dict):
        raise OpError("invalid", "anchor must be an object", field="anchor")
    unknown = sorted(str(key) for key in anchor if key not in ANCHOR_KEYS)
    if unknown:
        raise OpError("invalid", f"unknown field {unknown[0]!r}", field=f"anchor.{unknown[0]}")
    kind = anchor.get("type")
    if kind not in AnchorType.values:
        raise OpError("invalid", f"type must be one of {', '.join(AnchorType.values)}", field="anchor.type")
    if kind == AnchorType.MAP:
        given = anchor.get("id")
        if given is not None and str(given) != str(journey_map.id):
            raise OpError("invalid", "a map anchor names no id, or this map's", field="anchor.id")
        extra = [key for key in ("stage", "lane") if anchor.get(key) is not None]
        if extra:
            raise OpError("invalid", "a map anchor names no stage or lane", field=f"anchor.{extra[0]}")
        return {"anchor_type": kind}
    if kind == AnchorType.CELL:
        if anchor.get("id") is not None:
            raise OpError("invalid", "a cell is named by its stage and lane", field="anchor.id")
        return {"anchor_type": kind,
                "stage": _live_row(journey_map, "stage", anchor.get("stage"), "anchor.stage"),
                "lane": _live_row(journey_map, "lane", anchor.get("lane"), "anchor.lane")}
    extra = [key for key in ("stage", "lane") if anchor.get(key) is not None]
    if extra:
        raise OpError("invalid", f"a {kind} anchor is named by its id alone", field=f"anchor.{extra[0]}")
    return {"anchor_type": kind, kind: _live_row(journey_map, kind, anchor.get("id"), "anchor.id")}


def _live_row(journey_map: JourneyMap, kind: str, value: Any, field: str) -> Model:
    if value is None:
        raise OpError("invalid", "required", field=field)
    if isinstance(value, uuid.UUID):
        value = str(value)
    if not isinstance(value, str) or not strict.is_uuid(value):
        raise OpError("invalid", "must be a UUID", field=field)
    row = ROWS[kind].objects.filter(map=journey_map, id=value).first()
    if row is None:
        raise OpError("not_found", f"no such {kind} on this map", field=field)
    if row.deleted_by_seq is not None:
        raise OpError("gone", f"this {kind} is deleted", field=field)
    return row


def anchor_data(comment: Any) -> dict[str, Any]:
    """The anchor as the API and the ``comment`` frames show it."""
    single = comment.anchor_id
    return {
        "type": comment.anchor_type,
        "id": str(single) if single is not None else None,
        "stage": str(comment.stage_id) if comment.anchor_type == AnchorType.CELL else None,
        "lane": str(comment.lane_id) if comment.anchor_type == AnchorType.CELL else None,
    }
