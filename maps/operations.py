"""The single write path: every change to a map goes through ``apply``.

``apply`` checks the shape of a batch of ops, then, in one transaction, takes the
map's row lock and its next ``seq`` with a single ``UPDATE ... RETURNING`` (which
also reads the actor's role), authorises the actor under that lock and writes the
ops. The lock orders all writers of one map, whichever process they run in, so
``seq`` is gap-free and each committed batch is exactly one op-log row. After commit the
batch is broadcast once to the map's channel-layer group (``maps.realtime``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from fractional_indexing import FIError, generate_key_between, validate_order_key

from journeymap import strict
from maps import realtime
from maps.bulk import CreateRun
from maps.entities import CASCADES, ENTITIES, EntitySpec, serialize
from maps.errors import FieldInvalid, OpError
from maps.models import JourneyMap, MapPersona, Membership, Operation, Role, Team
from maps.rows import exists, rows_for, statement_cursor
from maps.validators import Flag, Validator, uuid_string
from personas.models import Persona
from touchpoints.entries import check_place
from touchpoints.models import Channel

OP_KINDS = ("create", "update", "move", "delete", "restore")
OP_KEYS = {"op", "entity", "id", "fields", "if_version"}
PLACEMENT_KEYS = ("after", "before", "position")
MAX_OPS_PER_BATCH = 500
MAX_BATCH_ID = 100
# Keys longer than this are replaced by a fresh, shorter one (``rebased``).
MAX_POSITION_LENGTH = 48
WRITE_ROLES = {Role.OWNER, Role.EDITOR}


# Fields only services write (``service_fields=True``), never a client's batch:
# archiving a map also ends its share links, which ``maps.services.map_update``
# arranges around the op.
SERVICE_FIELDS: dict[str, dict[str, Validator]] = {"map": {"archived": Flag()}}


@dataclass
class Ack:
    batch_id: str
    status: str  # ok | rebased | rejected | retry
    seq: int | None = None
    ops: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    retry_after_ms: int | None = None
    http_status: int = 200

    def as_frame(self) -> dict[str, Any]:
        return {
            "type": "ack",
            "batch_id": self.batch_id,
            "seq": self.seq,
            "status": self.status,
            "ops": self.ops,
            "error": self.error,
            "retry_after_ms": self.retry_after_ms,
        }


@dataclass
class Actor:
    """Who writes. ``user=None`` is the system (template instantiation, imports)."""

    user: Any = None
    name: str = ""
    team: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        return {"id": self.user.pk if self.user else None, "name": self.name, "team": self.team}


def actor_for(user: Any, workspace_id: Any = None) -> Actor:
    if user is None:
        return Actor(None, "Journeymap", "")
    name = (user.get_full_name() or user.get_username()) if hasattr(user, "get_full_name") else str(user)
    team = ""
    if workspace_id is not None:
        membership = Membership.objects.filter(workspace_id=workspace_id, user=user).select_related("team").first()
        if membership and membership.team:
            team = membership.team.name
    return Actor(user, name, team)


def batch_hash(ops: Any) -> str:
    return hashlib.sha256(json.dumps(ops, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


# --- validation of the shape of a batch (no database) -------------------------------


@dataclass
class ParsedOp:
    index: int
    op: str
    spec: EntitySpec
    id: str
    fields: dict[str, Any]
    placement: dict[str, Any]
    if_version: int | None


def parse_batch(batch_id: Any, ops: Any, *, max_ops: int | None = MAX_OPS_PER_BATCH,
                service_fields: bool = False) -> list[ParsedOp]:
    if not isinstance(batch_id, str) or not batch_id or len(batch_id) > MAX_BATCH_ID:
        raise OpError("invalid", f"batch_id must be a non-empty string of at most {MAX_BATCH_ID} characters",
                      field="batch_id")
    if (problem := strict.bad_text(batch_id)) is not None:
        raise OpError("invalid", f"batch_id {problem}", field="batch_id")
    if not isinstance(ops, list) or not ops:
        raise OpError("invalid", "ops must be a non-empty list", field="ops")
    if max_ops is not None and len(ops) > max_ops:
        raise OpError("invalid", f"a batch holds at most {max_ops} ops", field="ops")
    return [parse_op(index, raw, service_fields=service_fields) for index, raw in enumerate(ops)]


def parse_op(index: int, raw: Any, *, service_fields: bool = False) -> ParsedOp:
    def fail(message: str, field_name: str | None = None) -> OpError:
        return OpError("invalid", message, field=field_name, op_index=index)

    if not isinstance(raw, dict):
        raise fail("each op must be an object")
    unknown = set(raw) - OP_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r}", sorted(unknown)[0])
    kind = raw.get("op")
    if kind not in OP_KINDS:
        raise fail(f"op must be one of {', '.join(OP_KINDS)}", "op")
    spec = ENTITIES.get(raw.get("entity"))  # type: ignore[arg-type]
    if spec is None:
        raise fail(f"entity must be one of {', '.join(ENTITIES)}", "entity")
    try:
        entity_id = uuid_string(raw.get("id"))
    except FieldInvalid as exc:
        raise fail(f"id {exc}", "id") from None
    fields = raw.get("fields", {})
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise fail("fields must be an object", "fields")
    if_version = raw.get("if_version")
    if if_version is not None and (isinstance(if_version, bool) or not isinstance(if_version, int)):
        raise fail("if_version must be an integer", "if_version")

    if spec.name == "map" and kind != "update":
        raise fail("a map can only be updated through ops", "op")
    if spec.name == "persona_link" and kind in ("update", "move"):
        raise fail("a persona link can only be created, deleted or restored", "op")
    if spec.name == "emotion" and kind == "move":
        raise fail("an emotion point is not moved: update its score", "op")

    validators = {**spec.fields, **SERVICE_FIELDS.get(spec.name, {})} if service_fields else spec.fields
    allowed: set[str]
    if kind == "create":
        allowed = set(spec.fields) | (set(PLACEMENT_KEYS) if spec.ordered else set())
    elif kind == "update":
        allowed = set(validators) - set(spec.container)
    elif kind == "move":
        allowed = set(spec.container) | set(PLACEMENT_KEYS)
    else:
        allowed = set()
    for key in fields:
        if key not in allowed:
            if kind == "update" and key in spec.container:
                raise fail(f"{key} changes with a move op, not an update", key)
            raise fail(f"unknown field {key!r} for {kind} {spec.name}", key)

    clean: dict[str, Any] = {}
    placement: dict[str, Any] = {}
    for key, value in fields.items():
        try:
            if key in ("after", "before"):
                placement[key] = None if value is None else uuid_string(value)
            elif key == "position":
                placement[key] = check_position(value)
            else:
                clean[key] = validators[key](value)
        except FieldInvalid as exc:
            raise fail(f"{key} {exc}", key) from None
    if kind == "create":
        for key in spec.required:
            if key not in clean:
                raise fail(f"{key} is required to create a {spec.name}", key)
    if kind == "update" and not clean:
        raise fail("an update needs at least one field", "fields")
    return ParsedOp(index, kind, spec, entity_id, clean, placement, if_version)


def check_position(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise FieldInvalid("must be a fractional index string")
    try:
        validate_order_key(value)
    except (FIError, Exception):
        raise FieldInvalid("is not a valid fractional index") from None
    return value


# --- apply ----------------------------------------------------------------------------


def apply(*, map_id: Any, actor: Actor, batch_id: Any, ops: Any, role: str | None = None,
          max_ops: int | None = MAX_OPS_PER_BATCH, parsed: list[ParsedOp] | None = None,
          service_fields: bool = False, bulk: bool = False) -> Ack:
    """Validate, authorise and commit one batch; return its ack.

    Locking: the map row is locked (``UPDATE ... RETURNING seq``) for the whole transaction, so
    batches of one map commit one at a time in ``seq`` order across processes. The
    ``ops`` frame is handed to the channel layer on commit, never before.
    ``role`` may be given by a caller that already checked membership (the socket
    re-checks on connect and when memberships change); otherwise it is read here.
    ``max_ops=None`` is for internal callers only (copying a whole map in one batch);
    so is ``service_fields=True`` (the map's ``archived``, see ``SERVICE_FIELDS``).
    ``parsed`` is ``parse_batch(batch_id, ops)`` when the caller already ran it (the
    socket does, to refuse a batch that can never succeed before it spends a token).
    ``bulk=True`` (internal callers writing whole maps: imports) writes runs of
    creates together (``maps.bulk``): the same checks and answers, far fewer
    round trips under the lock.
    """
    safe_batch_id = batch_id if isinstance(batch_id, str) else str(batch_id)[:MAX_BATCH_ID]
    try:
        if parsed is None:
            parsed = parse_batch(batch_id, ops, max_ops=max_ops, service_fields=service_fields)
        request_hash = batch_hash(ops)
        try:
            map_id = uuid.UUID(str(map_id))
        except ValueError:
            raise OpError("not_found", "no such map") from None
        try:
            with transaction.atomic():
                return _apply_locked(map_id, actor, batch_id, parsed, request_hash, role, bulk=bulk)
        except (OpError, IntegrityError):
            # A batch already committed under this (actor, batch_id) -- a client's
            # resend after a lost ack -- answers with its stored ack. It is looked up
            # only on failure (a resend's creates already exist, or its op-log row
            # collides), so the common path pays no query for it.
            if actor.user is not None:
                stored = _stored_ack(map_id, actor, batch_id, request_hash)
                if stored is not None:
                    return stored
            raise
    except OpError as error:
        return Ack(batch_id=safe_batch_id, status="rejected", error=error.as_dict(), http_status=error.http_status)


def _authorise(actor: Actor, role: str | None) -> None:
    """``role`` is the actor's role in the map's workspace, or None for a non-member."""
    if actor.user is None:
        return
    if role is None:
        raise OpError("not_found", "no such map")
    if role not in WRITE_ROLES:
        raise OpError("forbidden", "viewers cannot change this map")


def _stored_ack(map_id: Any, actor: Actor, batch_id: str, request_hash: str) -> Ack | None:
    """The ack of an already committed batch with this (map, actor, batch_id), if any."""
    previous = (
        Operation.objects.filter(map_id=map_id, actor=actor.user, batch_id=batch_id)
        .values("request_hash", "status", "seq", "ops")
        .first()
    )
    if previous is None:
        return None
    if previous["request_hash"] != request_hash:
        raise OpError("batch_id_reused", "this batch_id was already used for different ops", field="batch_id")
    return Ack(batch_id=batch_id, status=previous["status"], seq=previous["seq"], ops=previous["ops"])


def _lock_next_seq(map_id: Any, actor: Actor, now: Any) -> tuple[int, bool, Any, str | None]:
    """Take the map's row lock and the next seq in one statement.

    ``UPDATE ... RETURNING`` both locks the row until commit and increments
    ``seq``; a rejected batch rolls it back, so seq stays gap-free. The same
    statement reads the actor's role in the map's workspace: one round trip fewer
    under the lock. That role is as of the moment the statement started (before any
    wait for the lock), which is as fresh as a read before the lock would be.
    """
    table = JourneyMap._meta.db_table
    members = Membership._meta.db_table
    user_id = actor.user.pk if actor.user else None
    with statement_cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "seq" = "seq" + 1, "last_edited_by_id" = %s, "updated_at" = %s '
            f'WHERE "id" = %s RETURNING "seq", "archived", "workspace_id", '
            f'(SELECT "role" FROM "{members}" WHERE "{members}"."workspace_id" = "{table}"."workspace_id" '
            f'AND "{members}"."user_id" = %s)',
            [user_id, now, JourneyMap._meta.pk.get_db_prep_value(map_id, connection), user_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise OpError("not_found", "no such map")
    workspace_id = row[2] if isinstance(row[2], uuid.UUID) else uuid.UUID(str(row[2]))
    return row[0], bool(row[1]), workspace_id, row[3]


def _apply_locked(map_id: Any, actor: Actor, batch_id: str, parsed: list[ParsedOp], request_hash: str,
                  role: str | None, *, bulk: bool = False) -> Ack:
    now = timezone.now()
    seq, archived, workspace_id, member_role = _lock_next_seq(map_id, actor, now)
    # A caller that checked membership itself passes the role; otherwise the one
    # read by the locking statement counts.
    _authorise(actor, role if role is not None else member_role)
    writer = BatchWriter(JourneyMap(id=map_id, workspace_id=workspace_id, seq=seq), seq, actor, now,
                         archived=archived)
    canonical: list[dict[str, Any]] = []
    rebased = False
    run = CreateRun(writer, parsed) if bulk else None
    for op in parsed:
        # An archived map takes no op but the one that brings it back (a refusal of
        # the map, not of an op: no op_index).
        if writer.archived and not unarchives(op):
            raise OpError("gone", "this map is archived")
        try:
            if run is not None and run.takes(op):
                committed, op_rebased = run.create(op), False
            else:
                if run is not None:
                    run.flush()  # what this op reads must be in the database
                committed, op_rebased = writer.apply(op)
        except OpError as error:
            if error.op_index is None:
                error.op_index = op.index
            raise
        canonical.append(committed)
        rebased = rebased or op_rebased
    if run is not None:
        run.flush()
    status = "rebased" if rebased else "ok"
    rows_for(Operation).insert(Operation(
        map_id=map_id,
        seq=seq,
        batch_id=batch_id,
        actor_id=actor.user.pk if actor.user is not None else None,
        actor_name=actor.name,
        actor_team=actor.team,
        ops=canonical,
        request_hash=request_hash,
        status=status,
    ))
    frame = {"type": "ops", "seq": seq, "batch_id": batch_id, "actor": actor.summary, "ops": canonical}
    transaction.on_commit(lambda: realtime.broadcast_ops(map_id, frame))
    return Ack(batch_id=batch_id, status=status, seq=seq, ops=canonical)


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
            obj.position, rebased = self.place(spec, obj, op)
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
        obj.position, rebased = self.place(spec, obj, op)
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
        cascade = self.tombstone_children(spec, obj.id)
        if spec.name == "persona_link":
            cascade += self.tombstone(ENTITIES["emotion"], {"persona_id": obj.persona_id})
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
        restored = self.restore_children(spec, obj, deleted_by)
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

    def tombstone(self, spec: EntitySpec, where: dict[str, Any]) -> list[tuple[str, str]]:
        rows = spec.model.objects.filter(map_id=self.map.id, deleted_by_seq__isnull=True, **where)
        ids = [str(pk) for pk in rows.values_list("id", flat=True)]
        if ids:
            spec.model.objects.filter(id__in=ids).update(
                deleted_by_seq=self.seq, version=F("version") + 1, updated_at=self.now
            )
        return [(spec.name, item_id) for item_id in ids]

    def tombstone_children(self, spec: EntitySpec, parent_id: Any) -> list[tuple[str, str]]:
        done: list[tuple[str, str]] = []
        for child, key in CASCADES.get(spec.name, []):
            child_spec = ENTITIES[child]
            if child in CASCADES:
                # A phase's stages cascade further to what the stages hold.
                for (name, child_id) in self.tombstone(child_spec, {f"{key}_id": parent_id}):
                    done.append((name, child_id))
                    done.extend(self.tombstone_children(child_spec, child_id))
            else:
                done.extend(self.tombstone(child_spec, {f"{key}_id": parent_id}))
        return done

    def restore_children(self, spec: EntitySpec, parent: Any, deleted_by: int) -> list[dict[str, Any]]:
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
                map_id=self.map.id, deleted_by_seq=deleted_by, **{f"{key}_id": parent_value}
            )
            for row in rows:
                if not self.parents_live(child_spec, row, skip=key):
                    continue
                row.deleted_by_seq = None
                row.version += 1
                row.updated_at = self.now
                row.save(update_fields=["deleted_by_seq", "version", "updated_at"])
                restored.append({"entity": child_spec.name, "id": str(row.id), "fields": full_fields(child_spec, row)})
                if child_spec.name in CASCADES:
                    restored.extend(self.restore_children(child_spec, row, deleted_by))
        return restored

    def parents_live(self, spec: EntitySpec, row: Any, *, skip: str) -> bool:
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
                    map_id=self.map.id, persona_id=value, deleted_by_seq__isnull=False).exists():
                return False
        return True

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

    def place(self, spec: EntitySpec, obj: Any, op: ParsedOp) -> tuple[str, bool]:
        """Choose the fractional key of ``obj`` among its live siblings.

        Only the server computes keys: the client names neighbours (after/before)
        or, rarely, an explicit position. An explicit position that collides with
        a sibling or is over-long is replaced (the op is then ``rebased``);
        siblings never move.
        """
        group = {f"{key}_id": getattr(obj, spec.attname(key)) for key in spec.container}
        siblings = rows_for(spec.model).live_siblings(self.map.id, group, obj.id)
        positions = [pos for _, pos in siblings]
        index_of = {pk: i for i, (pk, _) in enumerate(siblings)}

        def between(lo: str | None, hi: str | None) -> str:
            if lo is not None and hi is not None and lo >= hi:
                # Equal keys (a collision left by old data): go after every copy.
                greater = [p for p in positions if p > lo]
                hi = greater[0] if greater else None
            return generate_key_between(lo, hi)

        def sibling(key: str) -> int:
            ref = op.placement[key]
            if ref not in index_of:
                raise OpError("invalid", f"{key} must name a live sibling in the same place", field=key)
            return index_of[ref]

        wanted = op.placement.get("position")
        if wanted is not None:
            if wanted not in positions and len(wanted) <= MAX_POSITION_LENGTH:
                return wanted, False
            lower = [p for p in positions if p <= wanted]
            upper = [p for p in positions if p > wanted]
            return between(lower[-1] if lower else None, upper[0] if upper else None), True
        after = op.placement.get("after")
        before = op.placement.get("before")
        if after is not None:
            i = sibling("after")
            hi = positions[i + 1] if i + 1 < len(positions) else None
            if before is not None:
                j = sibling("before")
                if j > i:
                    hi = positions[j] if j == i + 1 else positions[i + 1]
            return between(positions[i], hi), False
        if before is not None:
            j = sibling("before")
            return between(positions[j - 1] if j > 0 else None, positions[j]), False
        return between(positions[-1] if positions else None, None), False


def unarchives(op: ParsedOp) -> bool:
    return op.spec.name == "map" and op.fields.get("archived") is False


def full_fields(spec: EntitySpec, obj: Any) -> dict[str, Any]:
    item = serialize(spec, obj)
    item.pop("id")
    return item


def new_id() -> str:
    return str(uuid.uuid4())
