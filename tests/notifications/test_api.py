"""``/api/v1/notifications/`` over REST: mine only, newest first, marking read,
the mail setting; bad input answers ``invalid``.

People as in conftest: Ana, Ben (mentioned), Chloé (a viewer), Omar (an outsider).
"""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from maps.models import Membership
from notifications.models import NotificationSettings

pytestmark = pytest.mark.django_db


def client(user) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_my_notifications_newest_first_with_the_unread_count_and_a_link_to_the_thread(room):
    room.comment("created", room.ana, mentions=(room.ben,), body="First")
    thread = uuid.uuid4()
    room.comment("created", room.chloe, mentions=(room.ben,), body="Second", thread_id=thread, comment_id=thread)

    body = client(room.ben).get("/api/v1/notifications/").json()
    assert body["unread"] == 2 and body["next"] is None
    first = body["notifications"][0]
    assert [n["excerpt"] for n in body["notifications"]] == ["Second", "First"]
    assert first["summary"] == "Chloé Dubois mentioned you on « Delivery journey »"
    assert first["url"] == f"/maps/{room.map.id}/?comment={thread}#comment-{thread}"
    assert first["map"] == {"id": str(room.map.id), "title": "Delivery journey"}
    assert first["kind"] == "mention" and first["read"] is False and first["anchor"]["type"] == "card"
    assert client(room.ana).get("/api/v1/notifications/").json() == {"unread": 0, "notifications": [],
                                                                     "next": None}


def test_the_list_reads_in_the_readers_language(room):
    room.comment("replied", room.ben, thread_author=room.ana)
    body = client(room.ana).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["notifications"][0]["summary"] == "Ben Martin a répondu à votre fil sur « Delivery journey »"
    # ... and mails will be written in it.
    assert NotificationSettings.objects.get(user=room.ana).language == "fr"


def test_marking_read_by_ids_or_all_and_nobody_elses(room):
    made = room.comment("created", room.ana, mentions=(room.ben, room.chloe))
    mine = next(n for n in made if n.recipient == room.ben)
    theirs = next(n for n in made if n.recipient == room.chloe)
    answer = client(room.ben).post("/api/v1/notifications/read/", {"ids": [str(mine.id), str(theirs.id)]},
                                   format="json")
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 0}
    assert client(room.chloe).get("/api/v1/notifications/").json()["unread"] == 1

    room.comment("created", room.ana, mentions=(room.chloe,))
    answer = client(room.chloe).post("/api/v1/notifications/read/", {"all": True}, format="json")
    assert answer.json() == {"marked": 2, "unread": 0}


@pytest.mark.parametrize("body", [{}, {"ids": "x"}, {"ids": ["not-a-uuid"]}, {"all": "maybe"},
                                  {"ids": [], "other": 1}, [1, 2], {"ids": [str(uuid.uuid4())] * 501}])
def test_marking_read_refuses_bad_bodies(room, body):
    answer = client(room.ben).post("/api/v1/notifications/read/", body, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "offset=-1"])
def test_listing_refuses_bad_paging(room, query):
    answer = client(room.ben).get(f"/api/v1/notifications/?{query}")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"


def test_pages(room):
    for _ in range(5):
        room.comment("created", room.ana, mentions=(room.ben,))
    first = client(room.ben).get("/api/v1/notifications/?limit=3").json()
    second = client(room.ben).get(f"/api/v1/notifications/?limit=3&offset={first['next']}").json()
    assert len(first["notifications"]) == 3 and len(second["notifications"]) == 2 and second["next"] is None
    assert client(room.ben).get("/api/v1/notifications/?unread=1&limit=100").json()["unread"] == 5


def test_someone_who_left_the_workspace_no_longer_sees_its_notifications(room):
    room.comment("created", room.ana, mentions=(room.ben,), body="Secret plans")
    Membership.objects.filter(user=room.ben, workspace=room.workspace).delete()
    assert client(room.ben).get("/api/v1/notifications/").json() == {"unread": 0, "notifications": [],
                                                                     "next": None}


def test_the_mail_setting(room):
    assert client(room.ben).get("/api/v1/notifications/settings/").json()["email"] == "digest"
    answer = client(room.ben).patch("/api/v1/notifications/settings/", {"email": "instant"}, format="json")
    assert answer.status_code == 200 and answer.json()["email"] == "instant"
    for bad in ({"email": "weekly"}, {"email": "off", "language": "fr"}, {}):
        answer = client(room.ben).patch("/api/v1/notifications/settings/", bad, format="json")
        assert answer.status_code == 400 and answer.json()["code"] == "invalid", bad


def test_anonymous_callers_have_no_inbox(room):
    assert client(None).get("/api/v1/notifications/").status_code == 401
    assert client(None).post("/api/v1/notifications/read/", {"all": True}, format="json").status_code == 401
