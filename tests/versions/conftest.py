from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    """The time every ``timezone.now()`` answers while a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    return fake
