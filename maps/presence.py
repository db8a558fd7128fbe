"""Who is looking at a map: the shared roster.

Presence is ephemeral and never written to PostgreSQL. With ``REDIS_URL`` the
roster of each map is one Redis hash (client id -> entry with the time of the
client's last frame) with a TTL, so a newcomer on any daphne process gets it in
its ``welcome``; without Redis it lives in this process, which is then the only
one. An entry is gone ``PRESENCE_EXPIRY_SECONDS`` after its client's last frame.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from django.conf import settings

KEY = "jm:presence:{}"
EXPIRY_SECONDS = 30.0
# The hash outlives its entries a little so a quiet map's key disappears by itself.
KEY_TTL_SECONDS = 120

_memory: dict[str, dict[str, dict[str, Any]]] = {}
_clients: dict[int, Any] = {}


def _redis() -> Any:
    import redis.asyncio as aioredis

    loop_id = id(asyncio.get_running_loop())
    client = _clients.get(loop_id)
    if client is None:
        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
        _clients[loop_id] = client
    return client


def expiry_seconds() -> float:
    return float(getattr(settings, "PRESENCE_EXPIRY_SECONDS", EXPIRY_SECONDS))


def public(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as clients see it (without the bookkeeping timestamp)."""
    return {key: value for key, value in entry.items() if key != "ts"}


async def save(map_id: str, entries: list[dict[str, Any]], gone: list[str]) -> None:
    """Write changed entries (each with its ``ts``) and drop the ones that left."""
    if not entries and not gone:
        return
    if not settings.REDIS_URL:
        roster = _memory.setdefault(map_id, {})
        for entry in entries:
            roster[entry["client_id"]] = entry
        for client_id in gone:
            roster.pop(client_id, None)
        if not roster:
            _memory.pop(map_id, None)
        return
    key = KEY.format(map_id)
    pipe = _redis().pipeline(transaction=False)
    if entries:
        pipe.hset(key, mapping={e["client_id"]: json.dumps(e, separators=(",", ":")) for e in entries})
    if gone:
        pipe.hdel(key, *gone)
    pipe.expire(key, KEY_TTL_SECONDS)
    await pipe.execute()


async def load(map_id: str) -> list[dict[str, Any]]:
    """Entries whose client sent a frame within the expiry window."""
    horizon = time.time() - expiry_seconds()
    if not settings.REDIS_URL:
        values = list(_memory.get(map_id, {}).values())
    else:
        raw = await _redis().hgetall(KEY.format(map_id))
        values = []
        for data in raw.values():
            try:
                values.append(json.loads(data))
            except ValueError:
                continue
    return [entry for entry in values if entry.get("ts", 0) >= horizon]
