"""``apply_group``: group commit, several batches of one map in one transaction.

One process's sockets often have several batches for the same map waiting while
the map's previous commit is written. Committed one by one, each pays its own transaction: a
``BEGIN``, the lock, and a ``COMMIT`` that waits for the WAL flush. Committed as a
group they share one transaction, one lock and one flush, and each batch keeps
everything it would have alone: its own ``seq`` (taken by the same
``UPDATE ... RETURNING``), its own op-log row (so its idempotency record and
stored ack) and its own ack and ``ops`` frame (sent on commit, in ``seq`` order).

A group is first written without savepoints (they cost two round trips per
batch under the lock). If a batch fails, that transaction is rolled back and the
group written again with each batch in a savepoint: a batch that is rejected
rolls back alone, its ``seq`` with it, so the others commit and ``seq`` stays
gap-free; a resend of a committed batch gets its stored ack. Only what the whole
transaction meets (the database going away, the commit failing) reaches every
batch of the group: the caller answers them as it would one batch.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, transaction

from maps.errors import OpError
from maps.operations.ack import Ack, Actor
from maps.operations.batch import MAX_BATCH_ID, ParsedOp, parse_batch
from maps.operations.commit import _apply_locked, _stored_ack, batch_hash


@dataclass
class Submitted:
    """One batch of a group, as ``apply`` would take it."""

    actor: Actor
    batch_id: Any
    ops: Any
    parsed: list[ParsedOp] | None = None


def apply_group(*, map_id: Any, batches: list[Submitted]) -> list[Ack | Exception]:
    """Commit ``batches`` (all for ``map_id``) in one transaction, in order; one
    answer per batch: its ack, or the exception that failed it alone (the caller
    turns it into an ack exactly as for a single batch)."""
    answers: list[Ack | Exception | None] = [None] * len(batches)
    ready: list[tuple[int, Submitted, list[ParsedOp], str]] = []
    for index, batch in enumerate(batches):
        try:
            parsed = batch.parsed if batch.parsed is not None else parse_batch(batch.batch_id, batch.ops)
            ready.append((index, batch, parsed, batch_hash(batch.ops)))
        except OpError as error:
            answers[index] = _rejected(batch.batch_id, error)
    try:
        map_uuid = uuid.UUID(str(map_id))
    except ValueError:
        error = OpError("not_found", "no such map")
        return [answer or _rejected(b.batch_id, error) for answer, b in zip(answers, batches, strict=True)]
    try:
        # Most groups commit whole: first without a savepoint per batch (two round
        # trips each, under the lock).
        with transaction.atomic():
            for index, batch, parsed, request_hash in ready:
                answers[index] = _apply_locked(map_uuid, batch.actor, batch.batch_id, parsed, request_hash, None)
        return answers  # type: ignore[return-value]
    except (OperationalError, InterfaceError):
        raise  # the connection is gone: the whole group fails, and is retried
    except Exception:
        pass  # one batch failed and took the transaction with it: again, each in its savepoint
    with transaction.atomic():
        for index, batch, parsed, request_hash in ready:
            answers[index] = _one(map_uuid, batch, parsed, request_hash)
    return answers  # type: ignore[return-value]


def _one(map_id: uuid.UUID, batch: Submitted, parsed: list[ParsedOp], request_hash: str) -> Ack | Exception:
    try:
        with transaction.atomic():  # a savepoint: this batch alone rolls back
            return _apply_locked(map_id, batch.actor, batch.batch_id, parsed, request_hash, None)
    except (OpError, IntegrityError) as failure:
        # A resend of a batch already committed answers with its stored ack (as
        # in ``apply``: looked up only on failure).
        try:
            if batch.actor.user is not None:
                stored = _stored_ack(map_id, batch.actor, batch.batch_id, request_hash)
                if stored is not None:
                    return stored
        except OpError as reused:
            return _rejected(batch.batch_id, reused)
        if isinstance(failure, OpError):
            return _rejected(batch.batch_id, failure)
        return failure
    except (OperationalError, InterfaceError):
        raise  # the connection is gone: the whole group fails, and is retried
    except Exception as failure:
        # Whatever else failed this batch was rolled back with its savepoint.
        return failure


def _rejected(batch_id: Any, error: OpError) -> Ack:
    safe = batch_id if isinstance(batch_id, str) else str(batch_id)[:MAX_BATCH_ID]
    return Ack(batch_id=safe, status="rejected", error=error.as_dict(), http_status=error.http_status)
