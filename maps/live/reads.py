"""Database reads of the map socket, on threads of their own.

Reads that do not need to be ordered with the commits — who a new socket is, its
welcome, a resync — go to ``SOCKET_READ_THREADS`` threads (``maps.live.threads``),
so a socket connecting or catching up does not wait behind the queue of commits,
and the commits do not wait behind a snapshot being read.

What they read is committed data, in one snapshot where it matters
(``snapshot_transaction``: a welcome's ``seq`` and the rows it shows are of one
moment). A batch committed meanwhile is not lost for the socket: its hub keeps
what arrives between attaching and the welcome, and a client drops what its
welcome or resync already held (``seq`` at most its own). With
``SOCKET_READ_THREADS = 0`` reads run on ``database_sync_to_async``'s thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from channels.auth import AuthMiddleware, get_user

from maps.live import threads

P = ParamSpec("P")
R = TypeVar("R")


def read(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` (a read, synchronous) as a coroutine function that runs it on a
    read thread."""
    return threads.socket_reads.wrap(func)


class AuthMiddlewareOnReadThreads(AuthMiddleware):
    """Channels' ``AuthMiddleware`` with the signed-in person (session and user)
    read on a read thread: every handshake resolves it, and behind the commits
    a socket could not even be accepted while they queue."""

    async def resolve_scope(self, scope: dict) -> None:
        scope["user"]._wrapped = await read(get_user.func)(scope)
