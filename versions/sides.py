"""The two sides of a comparison: a version, ``current`` or ``map:<id>``."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions

from maps.models import JourneyMap
from maps.selectors import map_document, membership_role
from versions.compare import compare_documents
from versions.selectors import origins_between, related_maps, version_document, versions_of_map


def resolve_side(*, journey_map: JourneyMap, user: Any, side: str, name: str) -> tuple[dict[str, Any], JourneyMap,
                                                                                          dict[str, Any]]:
    """(document, the map it belongs to, a description) of one side; 400 for a
    value that names nothing usable, 404 for a version or map one may not see."""
    if side == "current":
        doc = map_document(map_id=journey_map.id)
        return doc, journey_map, {"kind": "current", "id": "current", "label": _("Now"), "seq": doc["map"]["seq"],
                                  "map": str(journey_map.id)}
    if side.startswith("map:"):
        try:
            other_id = uuid.UUID(side[4:])
        except ValueError:
            raise exceptions.ValidationError({name: [_("map:<id> needs a map id.")]}) from None
        other = related_maps(journey_map=journey_map).filter(id=other_id).first()
        if other is None or membership_role(user=user, workspace_id=other.workspace_id) is None:
            raise exceptions.ValidationError(
                {name: [_("Only the map this one was made from, or a map made from it, can be compared.")]})
        doc = map_document(map_id=other.id)
        return doc, other, {"kind": "map", "id": side, "label": other.title, "seq": doc["map"]["seq"],
                            "map": str(other.id)}
    try:
        version_id = uuid.UUID(side)
    except ValueError:
        raise exceptions.ValidationError({name: [_("Give a version id, current or map:<id>.")]}) from None
    version = versions_of_map(map_id=journey_map.id).filter(id=version_id).first()
    if version is None:
        raise exceptions.NotFound(_("No such version."))
    doc = version_document(version=version, journey_map=journey_map)
    return doc, journey_map, {"kind": "version", "id": str(version.id),
                              "label": version.name or str(version.get_reason_display()),
                              "seq": version.seq, "map": str(journey_map.id)}


def compare_sides(*, journey_map: JourneyMap, user: Any, from_side: str, to_side: str) -> dict[str, Any]:
    return compare_with_documents(journey_map=journey_map, user=user, from_side=from_side, to_side=to_side)[0]


def compare_with_documents(*, journey_map: JourneyMap, user: Any, from_side: str, to_side: str
                           ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The comparison and the two documents it compared."""
    a, map_a, side_a = resolve_side(journey_map=journey_map, user=user, side=from_side, name="from")
    b, map_b, side_b = resolve_side(journey_map=journey_map, user=user, side=to_side, name="to")
    origins = None if map_a.id == map_b.id else origins_between(map_a=map_a.id, map_b=map_b.id)
    result = compare_documents(a, b, origins=origins)
    result["sides"] = {"from": side_a, "to": side_b}
    return result, a, b
