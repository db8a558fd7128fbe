"""Hooks other apps attach to (webhooks), so the write path never imports them.

``batch_committed`` is sent by ``maps.operations.apply`` *inside* the batch's
transaction, under the map's lock, after the op log row is written: a receiver's
rows (an outbox entry) commit or roll back with the batch, and receivers run in
seq order per map. Anything that leaves the process must wait for
``transaction.on_commit``. Keyword arguments: ``map_id``, ``workspace_id``,
``seq``, ``actor`` (a ``maps.operations.Actor``), ``ops`` (the canonical ops),
``was_archived`` and ``archived`` (the map's flag before and after the batch).
"""

from __future__ import annotations

from django.dispatch import Signal

batch_committed = Signal()
