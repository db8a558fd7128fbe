"""Micro-benchmark of reading one client frame (``maps.live.sockets.parse_frame``).

Every push and presence frame goes through it, so its cost is paid per frame on
the event loop. No database: only parsing and checking.

    .venv/bin/python bench/frames.py
"""

from __future__ import annotations

import json
import os
import sys
import timeit
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")

import django  # noqa: E402

django.setup()

from maps.live.sockets import parse_frame  # noqa: E402


def card(text: str) -> dict:
    return {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": str(uuid.uuid4()), "lane": str(uuid.uuid4()), "text": text,
                       "after": str(uuid.uuid4())}}


FRAMES = {
    "push, one update (typical)": {"type": "push", "batch_id": "c-3f2a:42", "ops": [
        {"op": "update", "entity": "card", "id": str(uuid.uuid4()), "fields": {"text": "Waits for the courier"}}]},
    "push, one create": {"type": "push", "batch_id": "c-3f2a:43", "ops": [card("Calls the support line")]},
    "push, French text": {"type": "push", "batch_id": "c-3f2a:44", "ops": [card("Le client hésite à rappeler")]},
    "push, 100 creates": {"type": "push", "batch_id": "c-3f2a:45", "ops": [card(f"note {i}") for i in range(100)]},
    "presence": {"type": "presence", "focus": {"entity": "card", "id": str(uuid.uuid4()), "field": "text"},
                 "cursor": {"stage": str(uuid.uuid4()), "lane": str(uuid.uuid4())}},
}


def main() -> None:
    for name, frame in FRAMES.items():
        raw = json.dumps(frame, ensure_ascii=False)
        escaped = json.dumps(frame)  # non-ASCII as \u escapes, as some clients send it
        for label, text in (("", raw), (", \\u-escaped", escaped)):
            if label and text == raw:
                continue
            parsed, error = parse_frame(text, None)
            assert error is None, error
            runs = 2000 if len(text) < 2000 else 200
            best = min(timeit.repeat(lambda t=text: parse_frame(t, None), number=runs, repeat=5)) / runs
            print(f"{name + label:32} {len(text):6} bytes  {best * 1e6:8.2f} us per frame")


if __name__ == "__main__":
    main()
