"""A clock tests move: every ``timezone.now()`` answers its time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def install(monkeypatch: pytest.MonkeyPatch, start: datetime | None = None) -> Clock:
    from django.utils import timezone

    fake = Clock(start)
    monkeypatch.setattr(timezone, "now", fake)
    return fake
