"""Fixed-window rate limits keyed by client address (login, API token, share tokens).

The client address is ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` reverse
proxies sit in front of us: then it is the address that many hops from the right
of ``X-Forwarded-For``. Entries further left are written by the client and must
never be trusted, or anyone could pick a fresh address per request.

Counters live in Redis when ``REDIS_URL`` is set (shared by every process),
otherwise in this process.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from typing import Any

from django.conf import settings

PREFIX = "jm:rl:"

_memory: dict[str, tuple[float, int]] = {}
_lock = threading.Lock()
_client: Any = None


def client_address(meta: dict[str, Any]) -> str:
    """The address of the client as far as our trusted proxies vouch for it."""
    remote = str(meta.get("REMOTE_ADDR") or "")
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return remote or "unknown"
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through them all.
        return remote or "unknown"
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote or "unknown"


def scope_address(scope: dict[str, Any]) -> str:
    """``client_address`` for an ASGI scope (websocket handshakes)."""
    meta: dict[str, Any] = {"REMOTE_ADDR": (scope.get("client") or ["", 0])[0]}
    for key, value in scope.get("headers", []):
        if key.lower() == b"x-forwarded-for":
            meta["HTTP_X_FORWARDED_FOR"] = value.decode("latin-1")
    return client_address(meta)


def _redis() -> Any:
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    return _client


def _bucket(key: str, window: int) -> str:
    # RATELIMIT_NAMESPACE keeps separate runs (tests) sharing one Redis apart.
    namespace = getattr(settings, "RATELIMIT_NAMESPACE", "")
    return f"{PREFIX}{namespace}{key}:{int(time.time()) // window}"


def count(key: str, window: int) -> int:
    """Hits in the current window."""
    bucket = _bucket(key, window)
    if settings.REDIS_URL:
        try:
            value = _redis().get(bucket)
        except Exception:  # a limiter that fails open beats a site that is down
            return 0
        return int(value or 0)
    with _lock:
        entry = _memory.get(bucket)
        return entry[1] if entry and entry[0] > time.time() else 0


def add(key: str, window: int) -> int:
    """Record one hit; the count in the current window."""
    bucket = _bucket(key, window)
    if settings.REDIS_URL:
        try:
            pipe = _redis().pipeline()
            pipe.incr(bucket)
            pipe.expire(bucket, window + 1)
            return int(pipe.execute()[0])
        except Exception:
            return 0
    now = time.time()
    with _lock:
        if len(_memory) > 10000:
            for stale in [k for k, (expires, _) in _memory.items() if expires < now]:
                del _memory[stale]
        expires, hits = _memory.get(bucket, (now + window, 0))
        _memory[bucket] = (expires, hits + 1)
        return hits + 1


def retry_after(window: int) -> int:
    return max(1, window - int(time.time()) % window)


def blocked(key: str, limit: int, window: int) -> int | None:
    """Seconds to wait when ``key`` used up its ``limit`` in this window, else None."""
    if count(key, window) >= limit:
        return retry_after(window)
    return None


def reset() -> None:
    """Forget every in-process counter (tests)."""
    with _lock:
        _memory.clear()
