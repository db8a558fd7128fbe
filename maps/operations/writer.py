"""``BatchWriter``: the ops of one batch, written inside the locked transaction.

Each op is checked against the rows it touches (the entity exists on this map
and is live, its references are live and this map's, ``if_version`` holds),
then written; the committed op it returns is canonical (server-chosen
positions, normalised values, the new ``version``). Cascades of deletes and
restores are in ``cascade``, positions in ``placement``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from maps.entities import ENTITIES, EntitySpec, full_fields, serialize
from maps.errors import OpError
from maps.models import JourneyMap, MapPersona, Team
from maps.operations.ack import Actor
from maps.operations.batch import ParsedOp
from maps.operations.cascade import restore_children, tombstone, tombstone_children
from maps.operations.placement import place
from maps.rows import exists, rows_for
from personas.models import Persona
from touchpoints.entries import check_place
from touchpoints.models import Channel


class BatchWriter:
    """Applies the ops of one batch inside the locked transaction."""

    def __init__(self, journey_map: JourneyMap, seq: int, actor: Actor, now: Any, *, archived: bool = False):
        # ``journey_map`` carries only id and workspace_id: the row itself is
        # read (already locked) only when an op updates the map's own fields.
        self.map = journey_map
        self.seq = seq
        self.actor = actor
        self.now = now
        # Followed through the batch: archiving may be one of its ops.
        self.archived = archived

    # -- lookups -------------------------------------------------------------------

    def get(self, spec: EntitySpec, entity_id: str, *, field_name: str | None = None) -> Any:
        if spec.name == "map":
            if entity_id != str(self.map.id):
                raise OpError("not_found", "no such map", field=field_name or "id")
            return JourneyMap.objects.get(id=self.map.id)
        obj = rows_for(spec.model).get(entity_id, map_id=self.map.id)
        if obj is None:
            raise OpError("not_found", f"no {spec.name} {entity_id} on this map", field=field_name or "id")
        return obj

    def live_ref(self, spec: EntitySpec, key: str, value: str | None) -> None:
        """Check that a reference points at a live row this map may use."""
        if value is None:
            return
        target = spec.refs[key].target
        if target in ENTITIES:
            row = self.get(ENTITIES[target], value, field_name=key)
            if row.deleted_by_seq is not None:
                raise OpError("parent_deleted", f"{key} {value} is deleted", field=key)
            return
        if target == "team":
            teams = rows_for(Team)
            if not exists(f"SELECT 1 FROM {teams.table} WHERE id = %s AND workspace_id = %s",
                          [teams.prep("id", value), teams.prep("workspace_id", self.map.workspace_id)]):
                raise OpError("not_found", f"no team {value} in this workspace", field=key)
        elif target == "channel":
            if not Channel.objects.filter(Q(workspace__isnull=True) | Q(workspace_id=self.map.workspace_id),
                                          id=value).exists():
                raise OpError("not_found", f"no channel {value}", field=key)
        elif target == "persona":
            link = MapPersona.objects.filter(map_id=self.map.id, persona_id=value).first()
            if spec.name == "persona_link":
                if not Persona.objects.filter(id=value, workspace_id=self.map.workspace_id).exists():
                    raise OpError("not_found", f"no persona {value} in this workspace", field=key)
                if link is not None:
                    raise OpError("invalid", "this persona is already linked to the map", field=key)
            elif link is None:
                raise OpError("invalid", f"persona {value} is not followed by this map", field=key)
            elif link.deleted_by_seq is not None:
                raise OpError("parent_deleted", f"persona {value} was removed from this map", field=key)

    def check_version(self, op: ParsedOp, obj: Any) -> None:
        if op.if_version is not None and op.if_version != obj.version:
            raise OpError("version_conflict", f"{op.spec.name} is at version {obj.version}, not {op.if_version}",
                          field="if_version")

    # -- ops -----------------------------------------------------------------------

    def apply(self, op: ParsedOp) -> tuple[dict[str, Any], bool]:
        return getattr(self, f"op_{op.op}")(op)

    def op_create(self, op: ParsedOp) -> tuple[dict[str, Any], bool]:
        spec = op.spec
        model = spec.model
        if rows_for(model).get(op.id) is not None:
            # One answer wherever the row is: on this map, or in a workspace the
            # writer must learn nothing about.
            raise OpError("invalid", f"id {op.id} is already taken", field="id")
        for key, value in op.fields.items():
            if key in spec.refs:
                self.live_ref(spec, key, value)
        self.check_addresses(op)
        self.check_attachments(op)

        if spec.name == "emotion":
            upsert = self.emotion_upsert(op)
            if upsert is not None:
                return upsert, True

        obj = model(id=op.id, map_id=self.map.id)
        for key, value in op.fields.items():
            setattr(obj, spec.attname(key), value)
        if spec.name == "card" and self.actor.user is not None:
            obj.author_id = self.actor.user.pk
        rebased = False
        if spec.ordered:
            obj.position, rebased = place(spec, obj, op.placement, map_id=self.map.id)
        rows_for(model).insert(obj)
        return {"op": "create", "entity": spec.name, "id": op.id, "fields": full_fields(spec, obj)}, rebased

    def op_update(self, op: ParsedOp) -> tuple[dict[str, Any], bool]:
        spec = op.spec
        obj = self.get(spec, op.id)
        self.live(spec, obj)
        self.check_version(op, obj)
        for key, value in op.fields.items():
            if key in spec.refs:
                self.live_ref(spec, key, value)
        self.check_addresses(op)
        self.check_attachments(op)
        update_fields = [spec.attname(key) for key in op.fields]
        for key, value in op.fields.items():
            setattr(obj, spec.attname(key), value)
        obj.version += 1
        obj.updated_at = self.now
        rows_for(spec.model).update(obj, [*update_fields, "version", "updated_at"])
        if spec.name == "map":
            self.archived = obj.archived
        fields = {key: serialize(spec, obj)[key] for key in op.fields}
        fields["version"] = obj.version
        return {"op": "update", "entity": spec.name, "id": op.id, "fields": fields}, False

    def op_move(self, op: ParsedOp) -> tuple[dict[str, Any], bool]:
        spec = op.spec
        obj = self.get(spec, op.id)
        self.live(spec, obj)
        self.check_version(op, obj)
        for key, value in op.fields.items():
            self.live_ref(spec, key, value)
            setattr(obj, spec.attname(key), value)
        obj.position, rebased = place(spec, obj, op.placement, map_id=self.map.id)
        obj.version += 1
        obj.updated_at = self.now
        rows_for(spec.model).update(
            obj, [*(spec.attname(k) for k in spec.container), "position", "version", "updated_at"])
        item = serialize(spec, obj)
        fields = {key: item[key] for key in (*spec.container, "position", "version")}
        return {"op": "move", "entity": spec.name, "id": op.id, "fields": fields}, rebased

    def op_delete(self, op: ParsedOp) -> tuple[dict[str, Any], bool]:
        spec = op.spec
        obj = self.get(spec, op.id)
        self.live(spec, obj)
        self.check_version(op, obj)
        cascade = tombstone_children(spec, obj.id, map_id=self.map.id, seq=self.seq, now=self.now)
        if spec.name == "persona_link":
            cascade += tombstone(ENTITIES["emotion"], {"persona_id": obj.persona_id}, map_id=self.map.id, seq=self.seq,
                                 now=self.now)
        obj.deleted_by_seq = self.seq
        obj.version += 1
        obj.updated_at = self.now
        rows_for(spec.model).update(obj, ["deleted_by_seq", "version", "updated_at"])
        committed = {
            "op": "delete",
            "entity": spec.name,
            "id": op.id,
            "fields": {"version": obj.version, "deleted_by_seq": self.seq},
            "cascade": [{"entity": name, "id": item_id} for name, item_id in cascade],
        }
        return committed, False

    def op_restore(self, op: ParsedOp) -> tuple[dict[str, Any], bool]:
        spec = op.spec
        obj = self.get(spec, op.id)
        if obj.deleted_by_seq is None:
            raise OpError("invalid", f"{spec.name} {op.id} is not deleted", field="id")
        self.check_version(op, obj)
        # Its own parents must be live: restoring a card into a deleted stage would
        # resurrect an orphan.
        for key in spec.container:
            self.live_ref(spec, key, getattr(obj, spec.attname(key)) and str(getattr(obj, spec.attname(key))))
        if spec.name == "persona_link" and not Persona.objects.filter(id=obj.persona_id, archived=False).exists():
            raise OpError("gone", "this persona was archived", field="persona")
        deleted_by = obj.deleted_by_seq
        obj.deleted_by_seq = None
        obj.version += 1
        obj.updated_at = self.now
        rows_for(spec.model).update(obj, ["deleted_by_seq", "version", "updated_at"])
        restored = restore_children(spec, obj, deleted_by, map_id=self.map.id, now=self.now)
        committed = {
            "op": "restore",
            "entity": spec.name,
            "id": op.id,
            "fields": full_fields(spec, obj),
            "cascade": restored,
        }
        return committed, False

    # -- helpers -----------------------------------------------------------------------

    def live(self, spec: EntitySpec, obj: Any) -> None:
        if spec.name != "map" and obj.deleted_by_seq is not None:
            raise OpError("gone", f"{spec.name} {obj.id} is deleted", field="id")

    def check_addresses(self, op: ParsedOp) -> None:
        if op.fields.get("addresses") and op.fields["addresses"] == op.id:
            raise OpError("invalid", "a card cannot address itself", field="addresses")

    def check_attachments(self, op: ParsedOp) -> None:
        """A touchpoint's attachment entries must be signed for it, in this workspace."""
        if op.spec.name == "touchpoint" and op.fields.get("attachments"):
            check_place(op.fields["attachments"], workspace_id=self.map.workspace_id, touchpoint_id=op.id)


    def emotion_upsert(self, op: ParsedOp) -> dict[str, Any] | None:
        """An emotion point is unique per (stage, persona-or-none): a create for a
        pair that already has one becomes an update (or a revival) of that one."""
        spec = op.spec
        existing = spec.model.objects.filter(
            map_id=self.map.id, stage_id=op.fields["stage"], persona_id=op.fields.get("persona")
        ).first()
        if existing is None:
            return None
        values = {k: v for k, v in op.fields.items() if k in ("score", "note")}
        for key, value in values.items():
            setattr(existing, key, value)
        existing.version += 1
        existing.updated_at = self.now
        if existing.deleted_by_seq is not None:
            existing.deleted_by_seq = None
            existing.save()
            return {"op": "restore", "entity": "emotion", "id": str(existing.id),
                    "fields": full_fields(spec, existing), "cascade": []}
        existing.save(update_fields=[*values, "version", "updated_at"])
        fields = {k: getattr(existing, k) for k in values}
        fields["version"] = existing.version
        return {"op": "update", "entity": "emotion", "id": str(existing.id), "fields": fields}


def unarchives(op: ParsedOp) -> bool:
    return op.spec.name == "map" and op.fields.get("archived") is False


def new_id() -> str:
    return str(uuid.uuid4())
