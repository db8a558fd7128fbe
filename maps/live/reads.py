"""Database reads of the map socket, on threads of their own.

``database_sync_to_async`` runs everything on one thread per process, where the
writes are (``maps.live.committer``). Reads that do not need to be ordered with
those writes — who a new socket is, its welcome, a resync — go to
``SOCKET_READ_THREADS`` threads of their own instead, so a socket connecting or
catching up does not wait behind the queue of commits, and the commits do not
wait behind a snapshot being read. Each thread has its own database connection
(Django's connections are per thread), kept between calls as on the write
thread and closed by ``close_connections``.

What they read is committed data, in one snapshot where it matters
(``snapshot_transaction``: a welcome's ``seq`` and the rows it shows are of one
moment). A batch committed on the write thread meanwhile is not lost for the
socket: its hub keeps what arrives between attaching and the welcome, and a
client drops what its welcome or resync already held (``seq`` at most its own).
With ``SOCKET_READ_THREADS = 0`` reads share the write thread, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from channels.auth import AuthMiddleware, get_user
from channels.db import DatabaseSyncToAsync, database_sync_to_async
from django.conf import settings
from django.db import connections

P = ParamSpec("P")
R = TypeVar("R")


class ReadThreads:
    """One single-thread executor per read thread, so that each thread (and its
    connection) can be reached to close it; a read goes to the least busy one."""

    def __init__(self, count: int) -> None:
        self.executors = [ThreadPoolExecutor(1, thread_name_prefix=f"socket-reads-{i}") for i in range(count)]
        self.busy = [0] * count

    def pick(self) -> int:
        return min(range(len(self.executors)), key=self.busy.__getitem__)

    async def run(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        index = self.pick()
        self.busy[index] += 1
        try:
            call = DatabaseSyncToAsync(func, thread_sensitive=False, executor=self.executors[index])
            return await call(*args, **kwargs)
        finally:
            self.busy[index] -= 1

    def close_connections(self) -> None:
        """Close each thread's database connections (before a test database is
        dropped, say); a later read opens them again."""
        for executor in self.executors:
            executor.submit(connections.close_all).result()


_threads: ReadThreads | None = None
_lock = threading.Lock()


def read_threads() -> ReadThreads | None:
    global _threads
    if settings.SOCKET_READ_THREADS <= 0:
        return None
    with _lock:
        if _threads is None:
            _threads = ReadThreads(settings.SOCKET_READ_THREADS)
        return _threads


def read(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` (a read, synchronous) as a coroutine function that runs it on a
    read thread."""

    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        threads = read_threads()
        if threads is None:
            return await database_sync_to_async(func)(*args, **kwargs)
        return await threads.run(func, *args, **kwargs)

    return call


def close_connections() -> None:
    if _threads is not None:
        _threads.close_connections()



class AuthMiddlewareOnReadThreads(AuthMiddleware):
    """Channels' ``AuthMiddleware`` with the signed-in person (session and user)
    read on a read thread: every handshake resolves it, and on the write thread
    a socket could not even be accepted while commits queue there."""

    async def resolve_scope(self, scope: dict) -> None:
        scope["user"]._wrapped = await read(get_user.func)(scope)
