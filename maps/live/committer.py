"""Group commit of one process's pushes to one map (``maps.operations.group``).

Every socket's accepted pushes go, one at a time and in the order sent, to the
committer of their map in this process. The committer hands what waits to one
of the process's write threads (``SOCKET_WRITE_THREADS``, ``maps.live.threads``):
a lone batch through ``apply`` as always, several (pushed by different sockets
while the previous group was being written) through ``apply_group``, one
transaction for all of them. A map has one group in flight at a time, so its
batches commit in the order they were pushed, while other maps' groups commit
on the other threads meanwhile (the map's row lock orders a map's commits
across processes). A client's own batches stay in order: its socket sends the
next only once the previous is answered.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError

from maps.live import sockets
from maps.live.threads import socket_writes
from maps.operations import Ack, ParsedOp

logger = logging.getLogger(__name__)


class MapCommitter:
    committers: dict[str, MapCommitter] = {}

    @classmethod
    def for_map(cls, map_id: str) -> MapCommitter:
        committer = cls.committers.get(map_id)
        if committer is None:
            committer = cls.committers[map_id] = cls(map_id)
        return committer

    def __init__(self, map_id: str) -> None:
        self.map_id = map_id
        self.waiting: deque[tuple[sockets.Connection, str, Any, list[ParsedOp], asyncio.Future]] = deque()
        self.task: asyncio.Task | None = None

    async def push(self, conn: sockets.Connection, batch_id: str, ops: Any, parsed: list[ParsedOp]) -> Ack:
        """Commit one batch (with whatever else waits) and return its ack."""
        answer: asyncio.Future = asyncio.get_running_loop().create_future()
        self.waiting.append((conn, batch_id, ops, parsed, answer))
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self.run())
        return await answer

    async def run(self) -> None:
        try:
            while self.waiting:
                count = min(len(self.waiting), max(1, settings.GROUP_COMMIT_MAX_BATCHES))
                group = [self.waiting.popleft() for _ in range(count)]
                items = [(conn, batch_id, ops, parsed) for conn, batch_id, ops, parsed, _ in group]
                try:
                    if len(items) == 1:
                        results: list[Ack | Exception] = [await socket_writes.run(sockets.push, *items[0])]
                    else:
                        results = await socket_writes.run(sockets.push_group, self.map_id, items)
                except Exception as failure:  # the whole transaction failed
                    results = [failure] * len(items)
                for (_, batch_id, _, _, answer), result in zip(group, results, strict=True):
                    if not answer.done():
                        answer.set_result(ack_for(batch_id, result))
        finally:
            if not self.waiting and MapCommitter.committers.get(self.map_id) is self:
                del MapCommitter.committers[self.map_id]


def ack_for(batch_id: str, result: Ack | Exception) -> Ack:
    """The ack of a batch, from what committing it gave (an exception is logged)."""
    if isinstance(result, Ack):
        return result
    if isinstance(result, (OperationalError, InterfaceError)):
        # The database is away for a moment: resending later can succeed.
        logger.warning("push %s failed, the client will retry", batch_id, exc_info=result)
        return sockets.retry_ack(batch_id, 1000)
    if isinstance(result, DataError):
        logger.warning("push %s refused by the database", batch_id, exc_info=result)
        return sockets.invalid_ack(batch_id[:sockets.MAX_BATCH_ID], "holds a value the database refuses", "ops")
    logger.error("push %s failed", batch_id, exc_info=result)
    return sockets.failed_ack(batch_id)
