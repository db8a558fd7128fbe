"""Creates written together: the write path's fast lane for whole-map batches.

An import or a copy is one batch of hundreds or thousands of ``create`` ops. One
at a time, each costs a handful of round trips under the map's lock (is the id
taken, are its references live, who are its siblings, the INSERT), which for a
1,500-card file is seconds of lock. ``CreateRun`` applies a run of consecutive
creates with the same rules and answers, but checks what the batch itself made
in memory, asks the database once per sibling group and once per model for taken
ids, and writes each model's rows with one multi-row INSERT when the run ends.

Only creates that go last in their group (no ``after``, ``before`` or
``position``) take this lane, and emotion points only on a stage the run made
(so the upsert rule cannot apply); any other op ends the run first, so what it
reads is in the database. ``apply(..., bulk=True)`` turns it on: for internal
callers that write whole maps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fractional_indexing import generate_key_between

from maps.entities import EntitySpec, serialize
from maps.errors import OpError
from maps.rows import rows_for

if TYPE_CHECKING:
    from maps.operations import BatchWriter, ParsedOp


class CreateRun:
    def __init__(self, writer: BatchWriter, parsed: list[ParsedOp]) -> None:
        self.writer = writer
        # Ids the batch's creates would take that some row already has: asked
        # once per model for the whole batch, so a create is refused at the same
        # op as one at a time would be.
        wanted: dict[Any, list[str]] = {}
        for op in parsed:
            if op.op == "create" and op.spec.name != "map":
                wanted.setdefault(op.spec.model, []).append(op.id)
        self.taken = {(model, str(pk)) for model, ids in wanted.items()
                      for pk in model.objects.filter(id__in=ids).values_list("id", flat=True)}
        self.reset()

    def reset(self) -> None:
        # id -> entity name of what this run created (live, on this map).
        self.created: dict[str, str] = {}
        self.pending: dict[Any, list[tuple[Any, int]]] = {}
        # (entity, container values) -> the last position key of that group.
        self.last_key: dict[tuple[str, tuple[Any, ...]], str | None] = {}
        self.linked: set[str] = set()
        self.emotion_pairs: set[tuple[str, str | None]] = set()
        self.refs_ok: set[tuple[str, str]] = set()

    def takes(self, op: ParsedOp) -> bool:
        if op.op != "create" or op.placement or op.spec.name == "map":
            return False
        if op.spec.name == "emotion":
            pair = (op.fields["stage"], op.fields.get("persona"))
            return op.fields["stage"] in self.created and pair not in self.emotion_pairs
        return True

    def create(self, op: ParsedOp) -> dict[str, Any]:
        spec = op.spec
        writer = self.writer
        if op.id in self.created or (spec.model, op.id) in self.taken:
            # One answer wherever the row is (this map or another workspace's), as
            # ``op_create`` gives: a writer learns nothing about other maps.
            raise OpError("invalid", f"id {op.id} is already taken", field="id")
        for key, value in op.fields.items():
            if key in spec.refs:
                self._live_ref(spec, key, value)
        writer.check_addresses(op)
        writer.check_attachments(op)
        obj = spec.model(id=op.id, map_id=writer.map.id)
        for key, value in op.fields.items():
            setattr(obj, spec.attname(key), value)
        if spec.name == "card" and writer.actor.user is not None:
            obj.author_id = writer.actor.user.pk
        if spec.ordered:
            obj.position = self._next_key(spec, obj)
        if spec.name == "persona_link":
            self.linked.add(op.fields["persona"])
        if spec.name == "emotion":
            self.emotion_pairs.add((op.fields["stage"], op.fields.get("persona")))
        self.created[op.id] = spec.name
        self.pending.setdefault(spec.model, []).append((obj, op.index))
        fields = serialize(spec, obj)
        fields.pop("id")
        return {"op": "create", "entity": spec.name, "id": op.id, "fields": fields}

    def _live_ref(self, spec: EntitySpec, key: str, value: str | None) -> None:
        if value is None:
            return
        target = spec.refs[key].target
        if value in self.created:
            if self.created[value] != target:
                raise OpError("not_found", f"no {target} {value} on this map", field=key)
            return
        if target == "persona":
            if spec.name == "persona_link":
                if value in self.linked:
                    raise OpError("invalid", "this persona is already linked to the map", field=key)
            elif value in self.linked:
                return
        cached = (target, value)
        if cached in self.refs_ok and not (target == "persona" and spec.name == "persona_link"):
            return
        self.writer.live_ref(spec, key, value)
        self.refs_ok.add(cached)

    def _next_key(self, spec: EntitySpec, obj: Any) -> str:
        group = tuple(getattr(obj, spec.attname(key)) for key in spec.container)
        marker = (spec.name, group)
        if marker not in self.last_key:
            values = [str(v) if v is not None else None for v in group]
            if values and all(v is not None and v in self.created for v in values):
                # Every parent is new in this run: the group has no row in the database.
                self.last_key[marker] = None
            else:
                where = {f"{key}_id": value for key, value in zip(spec.container, group, strict=True)}
                siblings = rows_for(spec.model).live_siblings(self.writer.map.id, where, obj.id)
                self.last_key[marker] = siblings[-1][1] if siblings else None
        key = generate_key_between(self.last_key[marker], None)
        self.last_key[marker] = key
        return key

    def flush(self) -> None:
        """Write what the run holds, then start afresh."""
        for model, rows in self.pending.items():
            model.objects.bulk_create([obj for obj, _ in rows], batch_size=500)
        self.reset()
