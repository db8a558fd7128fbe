"""Shared fixtures: people by role, a map with a small grid, service probes.

Roles, as in every test here:
- owner: created the workspace; may do anything in it.
- editor: a teammate who edits maps.
- viewer: a teammate who may only look.
- outsider: a member of another workspace; must see nothing of this one.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from maps.models import Role
from maps.operations import Ack, actor_for, apply
from tests.factories import MapFactory, MembershipFactory, UserFactory, WorkspaceFactory

REQUIRE_SERVICES = os.environ.get("JOURNEYMAP_REQUIRE_SERVICES") == "1"
# Screenshots and rendered pages that people look at after a run (CI keeps the folder).
ARTIFACTS = Path(os.environ.get("JOURNEYMAP_ARTIFACTS") or Path(__file__).resolve().parent.parent / "test-artifacts")
# Servers started by tests inherit this and hash passwords cheaply too.
os.environ["JOURNEYMAP_TEST_FAST_HASHER"] = "1"


def pytest_configure(config: Any) -> None:
    # Settings were read before this file; apply the same cheap hasher here.
    # Tests run periodic jobs themselves, with the clock they choose.
    settings.PERIODIC_IN_PROCESS = False
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The map socket's read and write threads keep a connection each
    (``maps.live.threads``): closed before the test database is dropped."""
    yield
    from maps.live import threads

    with django_db_blocker.unblock():
        threads.close_connections()


def need_service(name: str, available: bool, why: str = "") -> None:
    """Skip when a service is missing locally; fail under CI (JOURNEYMAP_REQUIRE_SERVICES=1)."""
    if available:
        return
    message = f"{name} is not available{': ' + why if why else ''}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (JOURNEYMAP_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def artifact(name: str) -> str:
    """Path for a file a test saves for people to look at, e.g. artifact("editor/dashboard.png")."""
    path = ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def response_bytes(response: Any) -> bytes:
    """The body of a test-client response, streamed (files) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """A MEDIA_ROOT of the test's own: what it uploads goes away with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def require_postgres() -> None:
    need_service("PostgreSQL", settings.DB_VENDOR == "postgresql", "set DATABASE_URL=postgres://...")


@pytest.fixture
def require_redis() -> None:
    need_service("Redis", bool(settings.REDIS_URL), "set REDIS_URL=redis://...")


@pytest.fixture
def workspace(db):
    return WorkspaceFactory()


@pytest.fixture
def owner(workspace):
    return MembershipFactory(workspace=workspace, role=Role.OWNER).user


@pytest.fixture
def editor(workspace):
    return MembershipFactory(workspace=workspace, role=Role.EDITOR).user


@pytest.fixture
def viewer(workspace):
    return MembershipFactory(workspace=workspace, role=Role.VIEWER).user


@pytest.fixture
def outsider(db):
    return MembershipFactory(role=Role.OWNER).user


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@dataclass
class Grid:
    """A map with three stages and two lanes, ids at hand."""

    map: Any
    stages: list[str]
    lanes: list[str]

    def push(self, user: Any, ops: list[dict[str, Any]], batch_id: str | None = None) -> Ack:
        return apply(
            map_id=self.map.id,
            actor=actor_for(user, self.map.workspace_id),
            batch_id=batch_id or f"t-{uuid.uuid4()}",
            ops=ops,
        )

    def card(self, user: Any, stage: int = 0, lane: int = 0, text: str = "note", **extra: Any) -> str:
        card_id = str(uuid.uuid4())
        ack = self.push(user, [{"op": "create", "entity": "card", "id": card_id,
                                "fields": {"stage": self.stages[stage], "lane": self.lanes[lane], "text": text,
                                           **extra}}])
        assert ack.status in ("ok", "rebased"), ack.error
        return card_id


@pytest.fixture
def grid(workspace, owner) -> Grid:
    journey_map = MapFactory(workspace=workspace, title="Delivery journey")
    stages = [str(uuid.uuid4()) for _ in range(3)]
    lanes = [str(uuid.uuid4()) for _ in range(2)]
    ops = [{"op": "create", "entity": "stage", "id": s, "fields": {"name": f"Stage {i}"}} for i, s in enumerate(stages)]
    ops += [{"op": "create", "entity": "lane", "id": lane, "fields": {"title": f"Lane {i}"}}
            for i, lane in enumerate(lanes)]
    g = Grid(journey_map, stages, lanes)
    ack = g.push(owner, ops)
    assert ack.status == "ok", ack.error
    return g


@pytest.fixture
def user_factory(db):
    return UserFactory
