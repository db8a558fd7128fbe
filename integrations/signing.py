"""The signature every delivery carries (README, "Webhooks"):
``Journeymap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``.
During a secret rotation's overlap there is one ``v1`` per live secret, the new
one first (``t=…,v1=<new>,v1=<old>``): a receiver accepts any that matches."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str | list[str], body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    keys = [secret] if isinstance(secret, str) else secret
    macs = [hmac.new(key.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest() for key in keys]
    return ",".join([f"t={t}", *(f"v1={mac}" for mac in macs)])
