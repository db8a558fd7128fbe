"""Copying a map's content into another map, through the write path.

Used for "duplicate" and for "future state from current state": the copy is one
batch of create ops (new ids, references mapped to them), so the new map's op log
rebuilds it exactly like any other map.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _

from maps.entities import ENTITIES
from maps.errors import OpError
from maps.models import JourneyMap, MapKind, Role
from maps.selectors import map_document
from maps.services import map_create, map_edit
from touchpoints.entries import entries_for_place
from versions.services import origins_record

# Parents before children: a create may only reference what exists already.
COPY_ORDER = ("phase", "stage", "lane", "persona_link", "card", "touchpoint", "moment", "emotion")

# What a future state takes from the current state. A future state pictures an
# experience that does not exist yet: most teams start from the frame (phases,
# stages, lanes and their questions) and the personas it follows, and write the
# cells afresh; "everything" copies every card, touchpoint and curve word for word.
FUTURE_STATE_CONTENT: dict[str, tuple[str, ...]] = {
    "structure": ("phase", "stage", "lane"),
    "structure_and_personas": ("phase", "stage", "lane", "persona_link"),
    "everything": COPY_ORDER,
}
FUTURE_STATE_DEFAULT = "structure_and_personas"


def copy_ops(document: dict[str, Any], entities: tuple[str, ...] = COPY_ORDER,
             origins: dict[str, tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """Create ops that rebuild ``document``'s content (the ``entities`` kinds of it,
    in COPY_ORDER) under fresh ids; ``origins``, if given, receives
    ``new id -> (entity, copied id)``.

    Positions are kept (explicit ``position``), so the copy has the same order.
    A card's ``addresses`` may point at a card created later in the list, so it
    is set by updates at the end of the batch.
    """
    id_map: dict[str, str] = {}
    ops: list[dict[str, Any]] = []
    addresses: list[tuple[str, str]] = []
    for entity in COPY_ORDER:
        if entity not in entities:
            continue
        spec = ENTITIES[entity]
        for item in document.get(spec.collection, []):
            fields: dict[str, Any] = {}
            skip = False
            for key in spec.fields:
                value = item.get(key)
                if key == "addresses":
                    if value:
                        addresses.append((item["id"], value))
                    continue
                ref = spec.refs.get(key)
                if ref is not None and ref.target in ENTITIES and value is not None:
                    value = id_map.get(value)
                    if value is None and key in spec.required:
                        skip = True  # its parent is not copied (cannot happen for live content)
                        break
                if value is None and key not in spec.refs:
                    continue
                fields[key] = value
            if skip:
                continue
            if spec.ordered and item.get("position"):
                fields["position"] = item["position"]
            new = str(uuid.uuid4())
            id_map[item["id"]] = new
            if origins is not None:
                origins[new] = (entity, item["id"])
            if entity == "touchpoint" and fields.get("attachments"):
                # Entries are signed for their touchpoint: the copy's are signed for the new one.
                workspace_id = document["map"]["workspace"]
                fields["attachments"] = entries_for_place(
                    fields["attachments"], source_workspace_id=workspace_id, source_touchpoint_id=item["id"],
                    workspace_id=workspace_id, touchpoint_id=new)
            ops.append({"op": "create", "entity": entity, "id": new, "fields": fields})
    for card_id, target in addresses:
        if card_id in id_map and target in id_map:
            ops.append({"op": "update", "entity": "card", "id": id_map[card_id],
                        "fields": {"addresses": id_map[target]}})
    return ops


def map_copy(
    *,
    source: JourneyMap,
    title: str,
    actor_user: Any = None,
    kind: str | None = None,
    based_on: JourneyMap | None = None,
    entities: tuple[str, ...] = COPY_ORDER,
) -> JourneyMap:
    """A new map in the same workspace with ``source``'s live content (the
    ``entities`` kinds of it)."""
    document = map_document(map_id=source.id)
    journey_map = map_create(
        workspace=source.workspace,
        title=title,
        actor_user=actor_user,
        kind=kind or source.kind,
        language=source.language,
        goal=source.goal,
        based_on=based_on,
    )
    if source.description:
        JourneyMap.objects.filter(id=journey_map.id).update(description=source.description)
    origins: dict[str, tuple[str, str]] = {}
    ops = copy_ops(document, entities, origins)
    if ops:
        try:
            map_edit(journey_map, actor_user, ops, batch_id=f"copy:{journey_map.id}", role=Role.OWNER, max_ops=None)
        except OpError:
            # No half-copied map is left behind.
            JourneyMap.objects.filter(id=journey_map.id).delete()
            raise
        # Each copy remembers what it came from: a future state is compared with
        # its current state item by item.
        origins_record(journey_map=journey_map, source=source, copied=origins)
    journey_map.refresh_from_db()
    return journey_map


def map_duplicate(*, source: JourneyMap, title: str | None = None, actor_user: Any = None) -> JourneyMap:
    return map_copy(source=source, title=title or f"{source.title} (copy)"[:200], actor_user=actor_user)


def map_future_state(*, source: JourneyMap, title: str | None = None, actor_user: Any = None,
                     content: str = FUTURE_STATE_DEFAULT) -> JourneyMap:
    """The future state of a (current-state) map, linked back to it for side-by-side
    comparison. ``content`` is a key of FUTURE_STATE_CONTENT: what it takes along."""
    if content not in FUTURE_STATE_CONTENT:
        raise OpError("invalid", _("Choose what to copy: structure, structure_and_personas or everything."),
                      field="copy")
    return map_copy(
        source=source,
        title=title or source.title,
        actor_user=actor_user,
        kind=MapKind.FUTURE_STATE,
        based_on=source,
        entities=FUTURE_STATE_CONTENT[content],
    )
