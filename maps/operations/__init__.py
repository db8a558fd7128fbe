"""The single write path: every change to a map goes through ``apply``.

``apply`` (``commit``) checks the shape of a batch of ops (``batch``, no
database), then, in one transaction, takes the map's row lock and its next
``seq`` with a single ``UPDATE ... RETURNING`` (which also reads the actor's
role), authorises the actor under that lock and writes the ops (``writer``,
with ``cascade`` for what deletes and restores take along and ``placement`` for
positions). The lock orders all writers of one map, whichever process they run
in, so ``seq`` is gap-free and each committed batch is exactly one op-log row.
After commit the batch is broadcast once to the map's hubs (``maps.realtime``).
``apply_group`` (``group``) commits several batches of one map in one
transaction, each in its own savepoint with its own ``seq`` and ack (the
sockets' group commit). Callers import from here; the modules are the parts.
"""

from __future__ import annotations

from maps.operations.ack import Ack, Actor, actor_for
from maps.operations.batch import (
    MAX_BATCH_ID,
    MAX_OPS_PER_BATCH,
    MAX_POSITION_INPUT,
    OP_KEYS,
    OP_KINDS,
    PLACEMENT_KEYS,
    SERVICE_FIELDS,
    ParsedOp,
    check_position,
    parse_batch,
    parse_op,
)
from maps.operations.commit import WRITE_ROLES, apply, batch_hash
from maps.operations.group import Submitted, apply_group
from maps.operations.placement import MAX_POSITION_LENGTH
from maps.operations.writer import BatchWriter, new_id, unarchives

__all__ = [
    "MAX_BATCH_ID", "MAX_OPS_PER_BATCH", "MAX_POSITION_INPUT", "MAX_POSITION_LENGTH", "OP_KEYS", "OP_KINDS", "PLACEMENT_KEYS",
    "SERVICE_FIELDS", "WRITE_ROLES", "Ack", "Actor", "BatchWriter", "ParsedOp", "Submitted", "actor_for", "apply",
    "apply_group", "batch_hash",
    "check_position", "new_id", "parse_batch", "parse_op", "unarchives",
]
