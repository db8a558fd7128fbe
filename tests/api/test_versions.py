"""Versions and compare over REST: each call for each role, bad input, the shapes.

Viewers list, open and compare; editors (and owners) save, rename, restore and
undo a restore; outsiders learn nothing (404); anonymous callers get 401.
"""

from __future__ import annotations

import uuid

import pytest

from maps.services.copy import map_future_state
from tests.api.test_permissions import expect
from versions.models import Version
from versions.services import version_create

ROLES = ("owner", "editor", "viewer", "outsider", "anonymous")


@pytest.fixture
def saved(world):
    first = version_create(journey_map=world.map, user=world.users["owner"], name="Workshop", note="After day 1")
    return first


def url(world, rest=""):
    return f"/api/v1/maps/{world.map.id}/{rest}"


CALLS = [
    ("list", "get", lambda w, v: url(w, "versions/"), None, "read", 200),
    ("create", "post", lambda w, v: url(w, "versions/"), {"name": "Before the review"}, "write", 201),
    ("get", "get", lambda w, v: url(w, f"versions/{v.id}/"), None, "read", 200),
    ("rename", "patch", lambda w, v: url(w, f"versions/{v.id}/"), {"name": "Renamed"}, "write", 200),
    ("document", "get", lambda w, v: url(w, f"versions/{v.id}/document/"), None, "read", 200),
    ("restore", "post", lambda w, v: url(w, f"versions/{v.id}/restore/"), None, "write", 200),
    ("compare", "get", lambda w, v: url(w, f"compare/?from={v.id}&to=current"), None, "read", 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "kind", "ok"), CALLS, ids=[c[0] for c in CALLS])
def test_each_versions_call_answers_each_role_as_documented(world, saved, role, name, method, path, body, kind, ok):
    response = getattr(world.client(role), method)(path(world, saved), body, format="json")
    assert response.status_code == expect(kind, ok)[role], (name, role, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()) >= {"code", "message", "fields"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_undo_restore_is_for_editors(world, saved, role):
    world.client("owner").post(url(world, f"versions/{saved.id}/restore/"))
    response = world.client(role).post(url(world, "versions/undo-restore/"))
    assert response.status_code == expect("write", 200)[role]


@pytest.mark.django_db
def test_a_named_version_is_listed_and_opens_as_the_map_was(world, saved):
    client = world.client("editor")
    client.patch(url(world, f"cards/{world.ids['card']}/"), {"text": "Changed since"}, format="json")
    listed = client.get(url(world, "versions/")).json()
    assert [(v["name"], v["note"], v["auto"], v["reason"]) for v in listed] == [
        ("Workshop", "After day 1", False, "named")]
    assert listed[0]["created_by"]["id"] == world.users["owner"].id
    doc = client.get(url(world, f"versions/{saved.id}/document/")).json()
    card = next(c for c in doc["cards"] if c["id"] == world.ids["card"])
    assert card["text"] == "Is this for me?"
    assert set(doc) >= {"map", "phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions",
                        "personas"}
    assert doc["map"]["id"] == str(world.map.id) and doc["map"]["seq"] == saved.seq


@pytest.mark.django_db
def test_restore_answers_the_ack_and_undo_brings_the_edit_back(world, saved):
    client = world.client("editor")
    client.patch(url(world, f"cards/{world.ids['card']}/"), {"text": "Changed since"}, format="json")
    restored = client.post(url(world, f"versions/{saved.id}/restore/")).json()
    assert restored["type"] == "ack" and restored["status"] in ("ok", "rebased")
    assert restored["before"]["reason"] == "restore" and restored["before"]["restored_version"] == str(saved.id)
    assert restored["ops"] == [{"op": "update", "entity": "card", "id": world.ids["card"],
                                "fields": {"text": "Is this for me?", "version": restored["ops"][0]["fields"]
                                           ["version"]}}]
    undone = client.post(url(world, "versions/undo-restore/")).json()
    assert undone["changed_since"] is False
    card = client.get(url(world, f"cards/{world.ids['card']}/")).json()
    assert card["text"] == "Changed since"


@pytest.mark.django_db
def test_compare_a_version_with_now(world, saved):
    client = world.client("viewer")
    world.client("editor").patch(url(world, f"touchpoints/{world.ids['touchpoint']}/"),
                                 {"evaluation": "irritant"}, format="json")
    world.client("editor").delete(url(world, f"cards/{world.ids['card']}/"))
    result = client.get(url(world, f"compare/?from={saved.id}&to=current")).json()
    assert [(r["entity"], r["id"]) for r in result["removed"]] == [("card", world.ids["card"])]
    assert result["changed"] == [{"entity": "touchpoint", "id": world.ids["touchpoint"], "label": "Website",
                                  "fields": {"evaluation": {"from": "", "to": "irritant"}}}]
    assert result["counts"]["changes"] == 2 and result["counts"]["irritants_added"] == 1
    assert result["sides"]["from"]["kind"] == "version" and result["sides"]["to"]["kind"] == "current"


@pytest.mark.django_db
def test_compare_with_the_future_state_made_from_the_map(world):
    future = map_future_state(source=world.map, actor_user=world.users["owner"], content="everything")
    result = world.client("viewer").get(url(world, f"compare/?from=current&to=map:{future.id}")).json()
    assert result["counts"]["changes"] == 0
    assert result["matching"]["origin"] > 0 and result["matching"]["approximate"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "", "?from=current", "?from=nope&to=current", "?from=map:nope&to=current",
    f"?from=map:{uuid.uuid4()}&to=current", "?from=current&to=\x00",
])
def test_compare_refuses_sides_that_name_nothing_with_400(world, query):
    response = world.client("viewer").get(url(world, f"compare/{query}"))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_another_maps_versions_and_maps_are_not_found(world, saved):
    other = world.other["map"]
    theirs = version_create(journey_map=world.map.__class__.objects.get(id=other), name="Theirs")
    client = world.client("owner")
    assert client.get(url(world, f"versions/{theirs.id}/document/")).status_code == 404
    assert client.get(url(world, f"compare/?from={theirs.id}&to=current")).status_code == 404
    assert client.get(url(world, f"compare/?from=map:{other}&to=current")).status_code == 400
    assert client.get(url(world, "versions/not-a-uuid/")).status_code == 404
    assert Version.objects.filter(map=world.map).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 201}, {"name": 3}, ["name"], {"name": "A", "colour": 1}])
def test_creating_a_version_refuses_bad_bodies(world, body):
    response = world.client("editor").post(url(world, "versions/"), body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_undo_restore_without_a_restore_is_not_found(world):
    assert world.client("editor").post(url(world, "versions/undo-restore/")).status_code == 404
