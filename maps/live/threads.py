"""Database threads of their own for the map socket's reads and commits.

``database_sync_to_async`` runs every call of a process on one thread. The socket
sends two kinds of work elsewhere: reads that need no order with the commits
(``maps.live.reads``) and the commits themselves (``maps.live.committer``), so
that one map's commit waiting on PostgreSQL (its round trips, its ``COMMIT``'s
flush) does not hold up another map's. Each thread keeps its own database
connection between calls (Django's connections are per thread), with its
prepared statements, and ``close_connections`` closes them.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from channels.db import DatabaseSyncToAsync, database_sync_to_async
from django.conf import settings
from django.db import connections

P = ParamSpec("P")
R = TypeVar("R")


class DatabaseThreads:
    """One single-thread executor per thread, so that each thread (and its
    connection) can be reached to close it; a call goes to the least busy one."""

    def __init__(self, name: str, count: int) -> None:
        self.executors = [ThreadPoolExecutor(1, thread_name_prefix=f"{name}-{i}") for i in range(count)]
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
        dropped, say); a later call opens them again."""
        for executor in self.executors:
            executor.submit(connections.close_all).result()


class ThreadsSetting:
    """The threads a setting asks for, made on first use; with 0 (or less) calls
    run where ``database_sync_to_async`` runs them."""

    def __init__(self, setting: str, name: str) -> None:
        self.setting = setting
        self.name = name
        self.threads: DatabaseThreads | None = None
        self.lock = threading.Lock()

    def get(self) -> DatabaseThreads | None:
        if getattr(settings, self.setting) <= 0:
            return None
        with self.lock:
            if self.threads is None:
                self.threads = DatabaseThreads(self.name, getattr(settings, self.setting))
            return self.threads

    async def run(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        threads = self.get()
        if threads is None:
            return await database_sync_to_async(func)(*args, **kwargs)
        return await threads.run(func, *args, **kwargs)

    def wrap(self, func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
        """``func`` (synchronous) as a coroutine function that runs it on these threads."""

        async def call(*args: P.args, **kwargs: P.kwargs) -> R:
            return await self.run(func, *args, **kwargs)

        return call

    def close_connections(self) -> None:
        if self.threads is not None:
            self.threads.close_connections()


socket_reads = ThreadsSetting("SOCKET_READ_THREADS", "socket-reads")
socket_writes = ThreadsSetting("SOCKET_WRITE_THREADS", "socket-writes")


def close_connections() -> None:
    socket_reads.close_connections()
    socket_writes.close_connections()
