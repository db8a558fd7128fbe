"""``apply``: one batch, validated, authorised and committed under the map's lock
(the locking is described on the package, ``maps.operations``)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from maps import realtime
from maps.bulk import CreateRun
from maps.errors import OpError
from maps.models import JourneyMap, Membership, Operation, Role
from maps.operations.ack import Ack, Actor
from maps.operations.batch import MAX_BATCH_ID, MAX_OPS_PER_BATCH, ParsedOp, parse_batch
from maps.operations.writer import BatchWriter, unarchives
from maps.rows import deferred_writes, rows_for, statement_cursor
from maps.signals import batch_committed

WRITE_ROLES = {Role.OWNER, Role.EDITOR}


def batch_hash(ops: Any) -> str:
    return hashlib.sha256(json.dumps(ops, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


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
    with statement_cursor(first=True) as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "seq" = "seq" + 1, "last_edited_by_id" = %s, "updated_at" = %s '
            f'WHERE "id" = %s RETURNING "seq", "archived", "workspace_id", '
            f'(SELECT "role" FROM "{members}" WHERE "{members}"."workspace_id" = "{table}"."workspace_id" '
            f'AND "{members}"."user_id" = %s)',
            # The time as the ORM would store it: SQLite keeps text, and a raw aware
            # datetime there ("...+00:00") would not compare with the ORM's own values.
            [user_id, connection.ops.adapt_datetimefield_value(now),
             JourneyMap._meta.pk.get_db_prep_value(map_id, connection), user_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise OpError("not_found", "no such map")
    workspace_id = row[2] if isinstance(row[2], uuid.UUID) else uuid.UUID(str(row[2]))
    return row[0], bool(row[1]), workspace_id, row[3]


def _apply_locked(map_id: Any, actor: Actor, batch_id: str, parsed: list[ParsedOp], request_hash: str,
                  role: str | None, *, bulk: bool = False) -> Ack:
    with deferred_writes():
        return _write_batch(map_id, actor, batch_id, parsed, request_hash, role, bulk=bulk)


def _write_batch(map_id: Any, actor: Actor, batch_id: str, parsed: list[ParsedOp], request_hash: str,
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
    batch_committed.send(sender=JourneyMap, map_id=map_id, workspace_id=workspace_id, seq=seq, actor=actor,
                         ops=canonical, was_archived=archived, archived=writer.archived)
    frame = {"type": "ops", "seq": seq, "batch_id": batch_id, "actor": actor.summary, "ops": canonical}
    transaction.on_commit(lambda: realtime.broadcast_ops(map_id, frame))
    return Ack(batch_id=batch_id, status=status, seq=seq, ops=canonical)
