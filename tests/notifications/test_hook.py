"""Notifications from real comments: the discussion app's REST API writes, its hook
tells ``notifications``.

People as in conftest: Ana (an owner who writes threads), Ben (an editor), Chloé (a
viewer), Omar (a member of another workspace only).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def comments_url(room) -> str:
    return f"/api/v1/maps/{room.map.id}/comments/"


def inbox(user) -> list[tuple[str, str]]:
    return [(n["kind"], n["excerpt"]) for n in api(user).get("/api/v1/notifications/").json()["notifications"]]


def test_a_thread_its_replies_and_its_resolution_notify_the_right_people(room):
    created = api(room.ana).post(comments_url(room), {"anchor": {"type": "map"}, "body": "@ben @omar @ana check"},
                                 format="json")
    assert created.status_code == 201, created.content
    thread = created.json()["id"]
    assert inbox(room.ben) == [("mention", "@ben @omar @ana check")]
    assert inbox(room.omar) == [] and inbox(room.ana) == []  # outside the workspace; the author

    reply = api(room.chloe).post(comments_url(room), {"body": "A viewer agrees", "parent": thread}, format="json")
    assert reply.status_code == 201, reply.content
    assert inbox(room.ana) == [("reply", "A viewer agrees")]

    resolved = api(room.ben).patch(f"{comments_url(room)}{thread}/", {"status": "resolved"}, format="json")
    assert resolved.status_code == 200, resolved.content
    assert inbox(room.ana)[0] == ("resolved", "@ben @omar @ana check")
    first = api(room.ana).get("/api/v1/notifications/").json()["notifications"][0]
    assert first["thread"] == thread and first["anchor"]["type"] == "map"
    assert first["url"] == f"/maps/{room.map.id}/?comment={thread}#comment-{thread}"


def test_a_refused_comment_notifies_nobody(room):
    answer = api(room.ana).post(comments_url(room), {"anchor": {"type": "map"}, "body": "@ben " + "x" * 10_000},
                                format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"
    assert Notification.objects.count() == 0


def test_deleting_a_comment_takes_its_notifications_back(room):
    created = api(room.ben).post(comments_url(room), {"anchor": {"type": "map"}, "body": "@ana oops"},
                                 format="json").json()
    assert inbox(room.ana) == [("mention", "@ana oops")]
    assert api(room.ben).delete(f"{comments_url(room)}{created['id']}/").status_code in (200, 204)
    assert inbox(room.ana) == []
