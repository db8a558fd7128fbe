"""The Redis clients of the live wing (tickets and presence), made one way.

A plain client is shared by the whole process. A ``redis.asyncio`` client is
bound to the event loop that opened its connections, so each loop gets its own
(daphne runs one; tests run several in one process). Clients are keyed by the
loop object itself, held weakly: a loop that is gone takes its client with it
and a later loop can never be handed a client of a dead one.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

import redis
import redis.asyncio as aioredis
from django.conf import settings

SOCKET_TIMEOUT_SECONDS = 5

_sync_client: redis.Redis | None = None
_sync_lock = threading.Lock()
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = weakref.WeakKeyDictionary()


def sync_redis() -> redis.Redis:
    """The process's client for code running outside an event loop."""
    global _sync_client
    with _sync_lock:
        if _sync_client is None:
            _sync_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=SOCKET_TIMEOUT_SECONDS)
        return _sync_client


def async_redis() -> aioredis.Redis:
    """The client of the running event loop."""
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = _async_clients[loop] = aioredis.Redis.from_url(settings.REDIS_URL,
                                                                  socket_timeout=SOCKET_TIMEOUT_SECONDS)
    return client
