"""Fixtures for socket tests: real daphne processes (``tests.servers``)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from tests.servers import daphne_server, redis_server  # noqa: F401  (fixtures)


@pytest.fixture(scope="session", autouse=True)
def close_worker_connections(django_db_setup, django_db_blocker):
    """``database_sync_to_async`` keeps a persistent connection on its worker thread;
    close it before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())


@dataclass
class LiveMap:
    """A map with 4 stages x 3 lanes, an owner, editors, a viewer and API tokens."""

    map_id: str
    workspace: Any
    owner: Any
    editors: list[Any]
    viewer: Any
    outsider: Any
    tokens: dict[Any, str]
    stages: list[str]
    lanes: list[str]

    def token(self, user: Any) -> str:
        return self.tokens[user.pk]


@pytest.fixture
def live_map(transactional_db) -> LiveMap:
    from rest_framework.authtoken.models import Token

    from maps.models import Role
    from maps.selectors import map_document
    from maps.services import map_create
    from tests.factories import MembershipFactory, WorkspaceFactory

    workspace = WorkspaceFactory()
    owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    editors = [MembershipFactory(workspace=workspace, role=Role.EDITOR).user for _ in range(10)]
    viewer = MembershipFactory(workspace=workspace, role=Role.VIEWER).user
    outsider = MembershipFactory(role=Role.OWNER).user
    structure = {"stages": [{"name": f"Stage {i}"} for i in range(4)],
                 "lanes": [{"title": f"Lane {i}"} for i in range(3)]}
    journey_map = map_create(workspace=workspace, title="Live map", structure=structure, actor_user=owner)
    doc = map_document(map_id=journey_map.id)
    tokens = {user.pk: Token.objects.create(user=user).key for user in [owner, *editors, viewer, outsider]}
    return LiveMap(str(journey_map.id), workspace, owner, editors, viewer, outsider, tokens,
                   [s["id"] for s in doc["stages"]], [lane["id"] for lane in doc["lanes"]])


def rest(server: Any, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    """A REST call with token auth (blocking: call it through asyncio.to_thread)."""
    request = urllib.request.Request(
        f"{server.http_url}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else b"",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def services(require_postgres, require_redis) -> None:
    """Tests over several daphne processes need PostgreSQL and Redis."""
