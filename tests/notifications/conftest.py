"""People for notification tests, and comment events made through the service.

People: Ana (writes threads), Ben (an editor Ana mentions and who replies), Chloé
(a viewer: viewers comment too), Omar (an outsider: a member of another workspace
only, whom nobody here may notify).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from maps.models import Role
from notifications.services import CommentEvent, comment_notify
from tests.factories import MapFactory, MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture(scope="session", autouse=True)
def close_worker_connections(django_db_setup, django_db_blocker):
    """``database_sync_to_async`` keeps a connection on its worker thread; close it
    before the test database is dropped."""
    yield
    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())


@dataclass
class Room:
    workspace: Any
    map: Any
    ana: Any
    ben: Any
    chloe: Any
    omar: Any

    def comment(self, event: str, actor: Any, *, thread_author: Any = None, mentions: tuple = (),
                body: str = "Can you check this?", thread_id: Any = None, comment_id: Any = None) -> list:
        """A comment write as the discussion app reports it; returns the notifications made."""
        comment_id = comment_id or uuid.uuid4()
        return comment_notify(CommentEvent(
            event=event, map_id=self.map.id, comment_id=comment_id, thread_id=thread_id or comment_id,
            thread_author_id=(thread_author or actor).pk, actor=actor, body=body,
            anchor={"type": "card", "id": str(uuid.uuid4())}, mentioned_user_ids=[u.pk for u in mentions],
        ))


def make_room() -> Room:
    workspace = WorkspaceFactory(name="Acme CX")
    ana = UserFactory(username="ana", first_name="Ana", last_name="Lopez", email="ana@example.org")
    ben = UserFactory(username="ben", first_name="Ben", last_name="Martin", email="ben@example.org")
    chloe = UserFactory(username="chloe", first_name="Chloé", last_name="Dubois", email="chloe@example.org")
    omar = UserFactory(username="omar", first_name="Omar", last_name="Haddad", email="omar@example.org")
    MembershipFactory(workspace=workspace, user=ana, role=Role.OWNER)
    MembershipFactory(workspace=workspace, user=ben, role=Role.EDITOR)
    MembershipFactory(workspace=workspace, user=chloe, role=Role.VIEWER)
    MembershipFactory(user=omar, role=Role.OWNER)
    journey_map = MapFactory(workspace=workspace, title="Delivery journey")
    return Room(workspace, journey_map, ana, ben, chloe, omar)


@pytest.fixture
def room(db) -> Room:
    return make_room()
