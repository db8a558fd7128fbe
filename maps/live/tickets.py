"""One-use websocket tickets.

A ticket is a random string that stands for a small payload
``{"user_id", "map_id", "share_link_id", "role", "hidden_lanes"}`` for 60 seconds
and works once. API clients (which send no Origin header and no session cookie)
fetch one over REST and put it in the socket URL; the share page gets one per
(re)connect from its own endpoint, so the share token never travels in a URL.

Storage: Redis when ``REDIS_URL`` is set (``SET EX`` to issue, ``GETDEL`` to
consume, so two daphne processes can never both accept one ticket); otherwise a
dictionary in this process, which is enough for the embedded single-process mode.
Nothing here touches the database.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any

from django.conf import settings

from maps.live.redis_clients import async_redis, sync_redis

PREFIX = "jm:ws-ticket:"

_memory: dict[str, tuple[float, str]] = {}
_memory_lock = threading.Lock()


def ttl_seconds() -> int:
    return int(getattr(settings, "WS_TICKET_TTL_SECONDS", 60))


def make_payload(*, map_id: Any, user_id: Any = None, share_link_id: Any = None, role: str | None = None,
                 hidden_lanes: list[str] | None = None, show_presence: bool = False) -> dict[str, Any]:
    """The one shape every ticket carries; a share-link ticket has ``user_id=None``,
    a ``share_link_id``, ``role="viewer"`` and possibly hidden lanes."""
    return {
        "user_id": user_id,
        "map_id": str(map_id),
        "share_link_id": str(share_link_id) if share_link_id is not None else None,
        "role": role,
        "hidden_lanes": sorted(str(lane) for lane in (hidden_lanes or [])),
        "show_presence": bool(show_presence),
    }


def issue(payload: dict[str, Any]) -> str:
    """Store ``payload`` under a fresh ticket for ``WS_TICKET_TTL_SECONDS``."""
    ticket = secrets.token_urlsafe(32)
    data = json.dumps(payload, separators=(",", ":"))
    if settings.REDIS_URL:
        sync_redis().set(PREFIX + ticket, data, ex=ttl_seconds())
    else:
        now = time.monotonic()
        with _memory_lock:
            # Sweep expired tickets now and then so the dictionary stays small.
            if len(_memory) > 1000:
                for key in [k for k, (expires, _) in _memory.items() if expires < now]:
                    del _memory[key]
            _memory[ticket] = (now + ttl_seconds(), data)
    return ticket


def _consume_memory(ticket: str) -> dict[str, Any] | None:
    with _memory_lock:
        entry = _memory.pop(ticket, None)
    if entry is None or entry[0] < time.monotonic():
        return None
    return json.loads(entry[1])


async def consume(ticket: str) -> dict[str, Any] | None:
    """The payload of a live ticket, which is spent by this call; None otherwise."""
    if not isinstance(ticket, str) or not ticket or len(ticket) > 200:
        return None
    if not settings.REDIS_URL:
        return _consume_memory(ticket)
    data = await async_redis().getdel(PREFIX + ticket)
    return json.loads(data) if data else None


def consume_sync(ticket: str) -> dict[str, Any] | None:
    if not isinstance(ticket, str) or not ticket:
        return None
    if not settings.REDIS_URL:
        return _consume_memory(ticket)
    data = sync_redis().getdel(PREFIX + ticket)
    return json.loads(data) if data else None
