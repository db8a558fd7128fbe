"""The receiver's side, exactly as the README documents it (a test copies the
README's recipe here and checks the two stay the same)."""

import hashlib
import hmac
import time


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    items = [item.split("=", 1) for item in header.split(",")]
    t = next(value for key, value in items if key == "t")
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    # During a secret rotation there is one v1 per secret: any that matches will do.
    matched = any(hmac.compare_digest(expected, value) for key, value in items if key == "v1")
    return matched and abs(time.time() - int(t)) <= tolerance
