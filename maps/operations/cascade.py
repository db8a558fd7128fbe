"""Deletes that take what a parent holds with them, and restores that bring
exactly that set back.

A delete stamps the entity and everything ``CASCADES`` says it holds with the
deleting ``seq`` (``deleted_by_seq``); restoring the parent restores the rows
stamped with that same ``seq``, where every other parent of a row is live (a card
whose lane is also deleted stays deleted until the lane comes back).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from maps.entities import CASCADES, ENTITIES, EntitySpec, full_fields
from maps.models import MapPersona


def tombstone(spec: EntitySpec, where: dict[str, Any], *, map_id: Any, seq: int, now: Any) -> list[tuple[str, str]]:
    """Stamp the live rows of ``spec`` on the map that match ``where`` as deleted at ``seq``."""
    rows = spec.model.objects.filter(map_id=map_id, deleted_by_seq__isnull=True, **where)
    ids = [str(pk) for pk in rows.values_list("id", flat=True)]
    if ids:
        spec.model.objects.filter(id__in=ids).update(
            deleted_by_seq=seq, version=F("version") + 1, updated_at=now
        )
    return [(spec.name, item_id) for item_id in ids]


def tombstone_children(spec: EntitySpec, parent_id: Any, *, map_id: Any, seq: int,
                       now: Any) -> list[tuple[str, str]]:
    """Tombstone what a deleted ``spec`` row holds, and what that holds in turn."""
    at = {"map_id": map_id, "seq": seq, "now": now}
    done: list[tuple[str, str]] = []
    for child, key in CASCADES.get(spec.name, []):
        child_spec = ENTITIES[child]
        if child in CASCADES:
            # A phase's stages cascade further to what the stages hold.
            for (name, child_id) in tombstone(child_spec, {f"{key}_id": parent_id}, **at):
                done.append((name, child_id))
                done.extend(tombstone_children(child_spec, child_id, **at))
        else:
            done.extend(tombstone(child_spec, {f"{key}_id": parent_id}, **at))
    return done


def restore_children(spec: EntitySpec, parent: Any, deleted_by: int, *, map_id: Any,
                     now: Any) -> list[dict[str, Any]]:
    """Bring back exactly what the parent's delete took with it, where every
    other parent of the child is live (a card whose lane is also deleted stays
    deleted until the lane comes back)."""
    restored: list[dict[str, Any]] = []
    children: list[tuple[EntitySpec, str]] = [(ENTITIES[c], key) for c, key in CASCADES.get(spec.name, [])]
    if spec.name == "persona_link":
        children = [(ENTITIES["emotion"], "persona")]
    for child_spec, key in children:
        parent_value = parent.persona_id if spec.name == "persona_link" else parent.id
        rows = child_spec.model.objects.filter(
            map_id=map_id, deleted_by_seq=deleted_by, **{f"{key}_id": parent_value}
        )
        for row in rows:
            if not parents_live(child_spec, row, skip=key, map_id=map_id):
                continue
            row.deleted_by_seq = None
            row.version += 1
            row.updated_at = now
            row.save(update_fields=["deleted_by_seq", "version", "updated_at"])
            restored.append({"entity": child_spec.name, "id": str(row.id), "fields": full_fields(child_spec, row)})
            if child_spec.name in CASCADES:
                restored.extend(restore_children(child_spec, row, deleted_by, map_id=map_id, now=now))
    return restored


def parents_live(spec: EntitySpec, row: Any, *, skip: str, map_id: Any) -> bool:
    """Whether every parent of ``row`` but ``skip`` is live."""
    for key in spec.container:
        if key == skip:
            continue
        target = spec.refs[key].target
        value = getattr(row, spec.attname(key))
        if value is None:
            continue
        if target in ENTITIES:
            if ENTITIES[target].model.objects.filter(id=value, deleted_by_seq__isnull=False).exists():
                return False
        elif target == "persona" and MapPersona.objects.filter(
                map_id=map_id, persona_id=value, deleted_by_seq__isnull=False).exists():
            return False
    return True
