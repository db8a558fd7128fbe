"""Reads of versions: the list, a version's document, the sides of a comparison."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import QuerySet

from maps.models import JourneyMap
from maps.selectors import map_document
from versions import storage
from versions.models import ItemOrigin, Reason, Snapshot, Version


def versions_of_map(*, map_id: Any) -> QuerySet[Version]:
    return (Version.objects.filter(map_id=map_id).select_related("created_by")
            .defer("delta").order_by("-created_at", "-seq"))


def version_file(*, version: Version) -> dict[str, Any]:
    """The stored map file of a version: its snapshot, with its delta applied once.

    The result shares items with a cached snapshot: read it, do not change it.
    """
    delta = Version.objects.filter(id=version.id).values_list("delta", flat=True).get()
    base = snapshot_file(version.snapshot_id, str(version.map_id))
    if delta is None:
        return base
    return storage.apply_delta(base, storage.unpack(delta))


@lru_cache(maxsize=4)
def snapshot_file(snapshot_id: int, map_id: str) -> dict[str, Any]:
    """A snapshot's map file. Snapshots never change once written, so the few
    most recently read stay decoded (opening and comparing versions of one map
    read the same snapshot again and again). Keyed by map too: an id alone could
    come back after a rolled-back transaction on SQLite."""
    data = Snapshot.objects.filter(id=snapshot_id, map_id=map_id).values_list("data", flat=True).get()
    return storage.check_readable(storage.unpack(data))


def version_document(*, version: Version, journey_map: JourneyMap | None = None) -> dict[str, Any]:
    """The document as it was at ``version`` (the shape of ``/document/``)."""
    journey_map = journey_map or version.map
    doc = storage.document_from_file(
        version_file(version=version), map_id=str(journey_map.id), workspace_id=str(journey_map.workspace_id),
        based_on=str(journey_map.based_on_id) if journey_map.based_on_id else None)
    doc["version"] = {"id": str(version.id), "name": version.name, "seq": version.seq, "auto": version.auto,
                      "reason": version.reason, "created_at": version.created_at.isoformat()}
    return doc


def last_restore(*, map_id: Any) -> Version | None:
    """The version saved just before the map's latest restore (what "undo restore" brings back)."""
    return (Version.objects.filter(map_id=map_id, reason=Reason.RESTORE, restore_seq__isnull=False)
            .order_by("-restore_seq", "-created_at").first())


def related_maps(*, journey_map: JourneyMap) -> QuerySet[JourneyMap]:
    """Maps a comparison may take as the other side: the map this one was made from
    and the maps made from it (its future states), in the same workspace."""
    ids = [m for m in [journey_map.based_on_id] if m]
    return JourneyMap.objects.filter(workspace_id=journey_map.workspace_id).filter(
        id__in=[*ids, *JourneyMap.objects.filter(based_on_id=journey_map.id).values_list("id", flat=True)])


def origins_between(*, map_a: Any, map_b: Any) -> dict[str, str]:
    """``{id in map_b: id in map_a}`` for items of one map copied from the other
    (whichever way the copy went)."""
    pairs: dict[str, str] = {}
    for item_id, source_id in ItemOrigin.objects.filter(map_id=map_b, source_map_id=map_a).values_list(
            "item_id", "source_id"):
        pairs[str(item_id)] = str(source_id)
    for item_id, source_id in ItemOrigin.objects.filter(map_id=map_a, source_map_id=map_b).values_list(
            "item_id", "source_id"):
        pairs[str(source_id)] = str(item_id)
    return pairs


__all__ = ["versions_of_map", "version_file", "version_document", "last_restore", "related_maps",
           "origins_between", "map_document"]
