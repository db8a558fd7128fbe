"""Restore: make a map equal to one of its versions in one batch through ``apply``.

The batch is computed under the map's row lock from every row of the map,
tombstones included, so it reuses ids: what the version holds and was deleted
since comes back with a ``restore`` op (comments, origins and links stay attached),
never as a copy. The plan mirrors the server's own rules while it builds the ops
(a restore brings back what its delete took; a delete tombstones what a container
holds), so every op is valid when ``apply`` reaches it:

1. bring back what the version holds (a deleted container first, even one the
   version does not hold, when that is where the item lies; it goes again in 4);
2. delete the cards, touchpoints, moments, emotion points and persona links the
   version does not hold;
3. move what sits elsewhere: straight to its place, or, when that place is taken
   for now, to the end of its cell first;
4. delete the stages, lanes and phases the version does not hold (emptied by 3);
5. move the items parked in 3 to their places;
6. update the fields that differ, the map's own too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from fractional_indexing import generate_key_between

from maps.entities import CASCADES, ENTITIES, serialize_values, value_columns
from maps.models import JourneyMap, Team
from maps.operations import Ack
from maps.services import map_edit
from personas.models import Persona
from touchpoints.models import Channel
from versions.models import Reason, Version
from versions.selectors import last_restore, version_document
from versions.services import version_create
from versions.storage import MAP_FIELDS

ORDER = ("phase", "stage", "lane", "persona_link", "card", "touchpoint", "moment", "emotion")
LEAVES = ("card", "touchpoint", "moment", "emotion", "persona_link")
CONTAINERS = ("stage", "lane", "phase")
MOVABLE = ("phase", "stage", "lane", "card", "touchpoint", "moment")
GONE = -1  # the tombstone of what this batch deletes (its seq is not known yet)


@dataclass
class Row:
    item: dict[str, Any]
    deleted: int | None


@dataclass
class Plan:
    """The map's rows as the batch changes them, and the ops so far."""

    rows: dict[str, dict[str, Row]]
    teams: set[str]
    channels: set[str]
    personas: set[str]  # not archived
    ops: list[dict[str, Any]] = field(default_factory=list)
    parked: list[tuple[str, str, str]] = field(default_factory=list)

    # -- the server's rules, mirrored ------------------------------------------------

    def live(self, entity: str, item_id: Any) -> bool:
        row = self.rows[entity].get(str(item_id))
        return row is not None and row.deleted is None

    def link_of(self, persona_id: Any) -> tuple[str, Row] | None:
        for link_id, row in self.rows["persona_link"].items():
            if row.item["persona"] == persona_id:
                return link_id, row
        return None

    def parent_live(self, entity: str, item: dict[str, Any], key: str) -> bool:
        value = item.get(key)
        if value is None:
            return True
        target = ENTITIES[entity].refs[key].target
        if target == "persona":
            link = self.link_of(value)
            return link is not None and link[1].deleted is None
        return self.live(target, value)

    def children(self, entity: str, item_id: str, item: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(child entity, child id, key) of what a container holds, in any state."""
        out = []
        if entity == "persona_link":
            out = [("emotion", cid, "persona") for cid, row in self.rows["emotion"].items()
                   if row.item.get("persona") == item["persona"]]
        for child, key in CASCADES.get(entity, []):
            out += [(child, cid, key) for cid, row in self.rows[child].items() if row.item.get(key) == item_id]
        return out

    def restore(self, entity: str, item_id: str) -> None:
        row = self.rows[entity][item_id]
        deleted_by, row.deleted = row.deleted, None
        self.ops.append({"op": "restore", "entity": entity, "id": item_id})
        self._restore_children(entity, item_id, row.item, deleted_by)

    def _restore_children(self, entity: str, item_id: str, item: dict[str, Any], deleted_by: int | None) -> None:
        for child, child_id, key in self.children(entity, item_id, item):
            row = self.rows[child][child_id]
            if row.deleted != deleted_by:
                continue
            spec = ENTITIES[child]
            if not all(self.parent_live(child, row.item, k) for k in spec.container if k != key):
                continue
            row.deleted = None
            if child in CASCADES:
                self._restore_children(child, child_id, row.item, deleted_by)

    def delete(self, entity: str, item_id: str) -> None:
        row = self.rows[entity][item_id]
        self.ops.append({"op": "delete", "entity": entity, "id": item_id})
        self._tombstone(entity, item_id, row)

    def _tombstone(self, entity: str, item_id: str, row: Row) -> None:
        row.deleted = GONE
        for child, child_id, _key in self.children(entity, item_id, row.item):
            child_row = self.rows[child][child_id]
            if child_row.deleted is None:
                self._tombstone(child, child_id, child_row)

    def group(self, entity: str, item: dict[str, Any]) -> tuple[Any, ...]:
        return (entity, *(item.get(key) for key in ENTITIES[entity].container))

    def taken(self, entity: str, item: dict[str, Any], position: str, but: str) -> bool:
        where = self.group(entity, item)
        return any(row.deleted is None and row.item.get("position") == position and item_id != but
                   and self.group(entity, row.item) == where for item_id, row in self.rows[entity].items())

    def occupancy(self, entity: str) -> dict[tuple[Any, ...], dict[str, set[str]]]:
        """Live items by sibling group and position (kept up to date by the moves)."""
        places: dict[tuple[Any, ...], dict[str, set[str]]] = {}
        for item_id, row in self.rows[entity].items():
            if row.deleted is None:
                places.setdefault(self.group(entity, row.item), {}).setdefault(row.item["position"], set()).add(item_id)
        return places

    def end_of(self, entity: str, item: dict[str, Any], also: list[str]) -> str:
        where = self.group(entity, item)
        keys = [row.item["position"] for row in self.rows[entity].values()
                if row.deleted is None and self.group(entity, row.item) == where and row.item.get("position")]
        top = max([*keys, *also], default=None)
        return generate_key_between(top, None)


def plan_restore(*, current: dict[str, dict[str, Row]], target: dict[str, Any], teams: set[str],
                 channels: set[str], personas: set[str]) -> list[dict[str, Any]]:
    """The ops that turn the rows ``current`` into the document ``target``."""
    plan = Plan(current, teams, channels, personas)
    wanted = {name: {item["id"]: item for item in target.get(ENTITIES[name].collection, [])} for name in ORDER}
    # A removed link to a persona archived since cannot come back, nor what hangs on it.
    gone_personas = {item["persona"] for link_id, item in wanted["persona_link"].items()
                     if item["persona"] not in personas and not plan.live("persona_link", link_id)}
    wanted["persona_link"] = {k: v for k, v in wanted["persona_link"].items() if v["persona"] not in gone_personas}
    wanted["emotion"] = {k: v for k, v in wanted["emotion"].items() if v.get("persona") not in gone_personas}
    for entity in MOVABLE:
        wanted[entity] = untied(plan, entity, wanted[entity])

    def revive(entity: str, item_id: str) -> None:
        row = plan.rows[entity][item_id]
        for key in ENTITIES[entity].container:
            value = row.item.get(key)
            if value is None or plan.parent_live(entity, row.item, key):
                continue
            target_entity = ENTITIES[entity].refs[key].target
            if target_entity == "persona":
                link = plan.link_of(value)
                if link is not None:
                    revive("persona_link", link[0])
            else:
                revive(target_entity, value)
        if row.deleted is not None:
            plan.restore(entity, item_id)

    # 1. bring back (or, if the row is gone for good, create again)
    for entity in ORDER:
        for item_id, item in wanted[entity].items():
            row = plan.rows[entity].get(item_id)
            if row is None:
                create(plan, entity, item, wanted)
            elif row.deleted is not None:
                revive(entity, item_id)
    # 2. leaves the version does not hold
    for entity in LEAVES:
        for item_id in list(plan.rows[entity]):
            if item_id not in wanted[entity] and plan.live(entity, item_id):
                plan.delete(entity, item_id)
    # 3. moves
    for entity in MOVABLE:
        spec = ENTITIES[entity]
        places = plan.occupancy(entity)
        for item_id, item in wanted[entity].items():
            row = plan.rows[entity][item_id]
            place = {key: item.get(key) for key in spec.container}
            if all(row.item.get(k) == v for k, v in place.items()) and row.item.get("position") == item["position"]:
                continue
            moved = {**row.item, **place}
            here = places.setdefault(plan.group(entity, moved), {})
            if here.get(item["position"], set()) - {item_id}:
                others = [i["position"] for i in wanted[entity].values()
                          if plan.group(entity, i) == plan.group(entity, moved)]
                position = generate_key_between(max([*here, *others]), None)
                plan.parked.append((entity, item_id, item["position"]))
            else:
                position = item["position"]
            plan.ops.append({"op": "move", "entity": entity, "id": item_id, "fields": {**place, "position": position}})
            places.get(plan.group(entity, row.item), {}).get(row.item.get("position"), set()).discard(item_id)
            here.setdefault(position, set()).add(item_id)
            row.item.update(place, position=position)
    # 4. containers the version does not hold
    for entity in (*CONTAINERS,):
        for item_id in list(plan.rows[entity]):
            if item_id not in wanted[entity] and plan.live(entity, item_id):
                plan.delete(entity, item_id)
    # 5. parked items to their places
    for entity, item_id, position in plan.parked:
        row = plan.rows[entity][item_id]
        place = {key: row.item.get(key) for key in ENTITIES[entity].container}
        plan.ops.append({"op": "move", "entity": entity, "id": item_id, "fields": {**place, "position": position}})
        row.item["position"] = position
    # 6. fields
    for entity in ORDER:
        for item_id, item in wanted[entity].items():
            fields = changed_fields(plan, entity, plan.rows[entity][item_id].item, item)
            if fields:
                plan.ops.append({"op": "update", "entity": entity, "id": item_id, "fields": fields})
                plan.rows[entity][item_id].item.update(fields)
    return plan.ops


def untied(plan: Plan, entity: str, items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The version's items with distinct keys among siblings, in the same order.

    A version can hold two siblings on one key (a ``restore`` op brings an item
    back to a key a newer sibling has taken since). No op can make two keys equal
    again: the server puts an explicit key that collides after the sibling holding
    it, whatever their ids, while readers order ties by id. So the first of a tie
    (by id) keeps the key and the others get fresh keys between it and the next
    key of their group, in id order; no other item moves.
    """
    by_group: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for item in items.values():
        if item.get("position") is not None:
            by_group.setdefault(plan.group(entity, item), []).append(item)
    out = dict(items)
    for siblings in by_group.values():
        siblings.sort(key=lambda item: (item["position"], item["id"]))
        keys = [item["position"] for item in siblings]
        i = 0
        while i < len(siblings):
            j = i
            while j + 1 < len(siblings) and keys[j + 1] == keys[i]:
                j += 1
            if j > i:
                upper = keys[j + 1] if j + 1 < len(siblings) else None
                lower = keys[i]
                for tied in siblings[i + 1:j + 1]:
                    lower = generate_key_between(lower, upper)
                    out[tied["id"]] = {**tied, "position": lower}
            i = j + 1
    return out


def create(plan: Plan, entity: str, item: dict[str, Any], wanted: dict[str, dict[str, Any]]) -> None:
    """An item of the version whose row no longer exists: created again under its id,
    with its references set in step 6."""
    spec = ENTITIES[entity]
    fields = {key: item.get(key) for key in spec.fields
              if key in spec.container or key not in spec.refs}
    fields = {k: v for k, v in fields.items() if v is not None or k in spec.container}
    if spec.ordered:
        fields["position"] = item["position"]
    if spec.ordered and plan.taken(entity, item, item["position"], item["id"]):
        fields["position"] = plan.end_of(entity, item, [])
        plan.parked.append((entity, item["id"], item["position"]))
    plan.ops.append({"op": "create", "entity": entity, "id": item["id"], "fields": fields})
    plan.rows[entity][item["id"]] = Row({**{k: None for k in spec.refs}, **fields, "id": item["id"]}, None)


def changed_fields(plan: Plan, entity: str, now: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    spec = ENTITIES[entity]
    out: dict[str, Any] = {}
    for key in spec.fields:
        if key in spec.container or now.get(key) == then.get(key):
            continue
        value = then.get(key)
        ref = spec.refs.get(key)
        if ref is not None and value is not None:
            target = ref.target
            exists = (value in plan.teams if target == "team" else value in plan.channels if target == "channel"
                      else plan.live(target, value) if target in ENTITIES else True)
            if not exists:
                # What it pointed at is gone for good (a team deleted since): cleared.
                value = None
                if now.get(key) is None:
                    continue
        out[key] = value
    return out


def current_rows(map_id: Any) -> dict[str, dict[str, Row]]:
    rows: dict[str, dict[str, Row]] = {}
    for name in ORDER:
        spec = ENTITIES[name]
        rows[name] = {}
        for values in spec.model.objects.filter(map_id=map_id).values(*value_columns(spec), "deleted_by_seq"):
            item = serialize_values(spec, values)
            rows[name][item["id"]] = Row(item, values["deleted_by_seq"])
    return rows


@dataclass
class RestoreResult:
    ack: Ack
    before: Version
    changed_since: bool = False


def version_restore(*, journey_map: JourneyMap, version: Version, user: Any) -> RestoreResult:
    """Save the map as it is (an automatic version), then make it equal to ``version``
    in one batch through ``apply``: live for every open editor, in the op log.

    Locking: the map's row lock is taken first and held through the read of every
    row, the saved version and the batch, so no other write slips in between.
    """
    target = version_document(version=version, journey_map=journey_map)
    with transaction.atomic():
        locked = JourneyMap.objects.select_for_update().get(id=journey_map.id)
        before = version_create(journey_map=locked, user=user, reason=Reason.RESTORE)
        workspace = locked.workspace_id
        ops = plan_restore(
            current=current_rows(locked.id),
            target=target,
            teams={str(t) for t in Team.objects.filter(workspace_id=workspace).values_list("id", flat=True)},
            channels={str(c) for c in Channel.objects.filter(Q(workspace__isnull=True) | Q(workspace_id=workspace))
                      .values_list("id", flat=True)},
            personas={str(p) for p in Persona.objects.filter(workspace_id=workspace, archived=False)
                      .values_list("id", flat=True)},
        )
        map_fields = {k: target["map"][k] for k in MAP_FIELDS
                      if target["map"].get(k) is not None and getattr(locked, k) != target["map"][k]}
        if map_fields:
            ops.append({"op": "update", "entity": "map", "id": str(locked.id), "fields": map_fields})
        batch_id = f"restore:{uuid.uuid4()}"
        if ops:
            ack = map_edit(locked, user, ops, batch_id=batch_id, max_ops=None)
        else:
            ack = Ack(batch_id=batch_id, status="ok", seq=locked.seq, ops=[])
        before.restored_version = version
        before.restore_seq = ack.seq
        before.save(update_fields=["restored_version", "restore_seq"])
    return RestoreResult(ack=ack, before=before)


def restore_undo(*, journey_map: JourneyMap, user: Any) -> RestoreResult | None:
    """Bring back what the map's latest restore replaced (the version saved just
    before it); ``changed_since`` says whether others edited after that restore.
    None when the map was never restored."""
    before = last_restore(map_id=journey_map.id)
    if before is None:
        return None
    journey_map.refresh_from_db(fields=["seq"])
    changed_since = journey_map.seq != before.restore_seq
    result = version_restore(journey_map=journey_map, version=before, user=user)
    result.changed_since = changed_since
    return result
