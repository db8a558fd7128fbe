from __future__ import annotations

import pytest

from tests.versions.clock import install


@pytest.fixture
def clock(monkeypatch):
    return install(monkeypatch)
