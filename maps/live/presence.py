"""Who is looking at a map: the shared roster.

Presence is ephemeral and never written to PostgreSQL. With ``REDIS_URL`` the
roster of each map is one Redis hash (client id -> entry with the time of the
client's last frame) with a TTL, so a newcomer on any daphne process gets it in
its ``welcome``; without Redis it lives in this process, which is then the only
one. An entry is gone ``PRESENCE_EXPIRY_SECONDS`` after its client's last frame.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from journeymap import strict
from maps import realtime
from maps.live.redis_clients import async_redis

KEY = "jm:presence:{}"
EXPIRY_SECONDS = 30.0
# The hash outlives its entries a little so a quiet map's key disappears by itself.
KEY_TTL_SECONDS = 120

_memory: dict[str, dict[str, dict[str, Any]]] = {}


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
    pipe = async_redis().pipeline(transaction=False)
    if entries:
        # Stored with the serialiser that later sends it: an entry that could not
        # be sent fails here, once, rather than in every welcome that reads it.
        pipe.hset(key, mapping={e["client_id"]: realtime.dumps(e) for e in entries})
    if gone:
        pipe.hdel(key, *gone)
    pipe.expire(key, KEY_TTL_SECONDS)
    await pipe.execute()


def acceptable(entry: Any) -> bool:
    """An entry a welcome may carry: an object of valid text, as frames are read."""
    if not isinstance(entry, dict) or not isinstance(entry.get("client_id"), str):
        return False
    try:
        strict.check_tree(entry)
    except strict.InvalidInput:
        return False
    return True


async def load(map_id: str) -> list[dict[str, Any]]:
    """Entries whose client sent a frame within the expiry window. The store is
    read as strictly as a frame: an entry that is not valid is skipped, so nothing
    stored can break the welcome of everyone who joins."""
    horizon = time.time() - expiry_seconds()
    if not settings.REDIS_URL:
        values = list(_memory.get(map_id, {}).values())
    else:
        raw = await async_redis().hgetall(KEY.format(map_id))
        values = []
        for data in raw.values():
            try:
                values.append(strict.loads(data))
            except strict.InvalidInput:
                continue
    return [entry for entry in values if acceptable(entry) and _number(entry.get("ts")) >= horizon]


def _number(value: Any) -> float:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
