"""Every endpoint, for every role: owner, editor, viewer, outsider, anonymous.

Outsiders learn nothing (404), viewers may read but not write (403), anonymous
callers are asked to authenticate (401).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

ROLES = ("owner", "editor", "viewer", "outsider", "anonymous")


def expect(kind: str, ok: int) -> dict[str, int]:
    table = {
        # a map's or workspace's content: members read, outsiders see nothing
        "read": {"owner": ok, "editor": ok, "viewer": ok, "outsider": 404, "anonymous": 401},
        "write": {"owner": ok, "editor": ok, "viewer": 403, "outsider": 404, "anonymous": 401},
        "owner": {"owner": ok, "editor": 403, "viewer": 403, "outsider": 404, "anonymous": 401},
        # the caller's own lists: anyone signed in
        "own": {"owner": ok, "editor": ok, "viewer": ok, "outsider": ok, "anonymous": 401},
    }
    return table[kind]


def new() -> str:
    return str(uuid.uuid4())


Body = Callable[[Any], Any]
M = "/api/v1/maps/{map}/"
W = "/api/v1/workspaces/{ws}/"

CASES: list[tuple[str, str, str, Body | str | None, str, int]] = [
    ("token", "post", "/api/v1/auth/token/", None, "special", 0),
    ("workspaces list", "get", "/api/v1/workspaces/", None, "own", 200),
    ("workspaces create", "post", "/api/v1/workspaces/", lambda w: {"name": "New"}, "own", 201),
    ("workspace get", "get", W, None, "read", 200),
    ("workspace rename", "patch", W, lambda w: {"name": "Renamed"}, "owner", 200),
    ("templates list", "get", "/api/v1/templates/?language=fr", None, "own", 200),
    ("maps list", "get", "/api/v1/maps/", None, "own", 200),
    ("maps create", "post", "/api/v1/maps/", lambda w: {"workspace": str(w.workspace.id), "title": "T"}, "write", 201),
    ("map get", "get", M, None, "read", 200),
    ("map patch", "patch", M, lambda w: {"title": "Renamed"}, "write", 200),
    ("map review settings", "patch", M, lambda w: {"review_every_months": 6}, "write", 200),
    ("map review", "post", M + "review/", lambda w: {"note": "Checked with Support"}, "write", 201),
    ("map archive", "delete", M, None, "write", 204),
    ("map duplicate", "post", M + "duplicate/", lambda w: {}, "write", 201),
    ("map document", "get", M + "document/", None, "read", 200),
    ("map operations list", "get", M + "operations/?since=0", None, "read", 200),
    ("map save as template", "post", M + "save-as-template/", lambda w: {"name": "Ours"}, "write", 201),
    ("map export json", "get", M + "export.json", None, "read", 200),
    ("map export bundle", "get", M + "export.json?bundle=1", None, "read", 200),
    ("map export mermaid", "get", M + "export.mmd", None, "read", 200),
    ("map import touchpoints", "post", M + "imports/", "multipart:stage,name\nStage 0,Kiosk\n", "write", 200),
    ("workspace import", "post", W + "imports/", "multipart:journey\n  section S\n    Task: 3\n", "write", 201),
    ("stages list", "get", M + "stages/", None, "read", 200),
    ("stage create", "post", M + "stages/", lambda w: {"name": "New stage"}, "write", 201),
    ("stage get", "get", M + "stages/{stage}/", None, "read", 200),
    ("stage patch", "patch", M + "stages/{stage}/", lambda w: {"name": "Renamed"}, "write", 200),
    ("stage delete", "delete", M + "stages/{stage2}/", None, "write", 204),
    ("lanes list", "get", M + "lanes/", None, "read", 200),
    ("lane create", "post", M + "lanes/", lambda w: {"title": "Feels", "kind": "emotion"}, "write", 201),
    ("lane get", "get", M + "lanes/{lane}/", None, "read", 200),
    ("lane patch", "patch", M + "lanes/{lane}/", lambda w: {"prompt": "Why?"}, "write", 200),
    ("lane delete", "delete", M + "lanes/{lane2}/", None, "write", 204),
    ("phases list", "get", M + "phases/", None, "read", 200),
    ("phase create", "post", M + "phases/", lambda w: {"title": "After"}, "write", 201),
    ("phase get", "get", M + "phases/{phase}/", None, "read", 200),
    ("phase patch", "patch", M + "phases/{phase}/", lambda w: {"color": "#aabbcc"}, "write", 200),
    ("phase delete", "delete", M + "phases/{phase}/", None, "write", 204),
    ("cards list", "get", M + "cards/", None, "read", 200),
    ("card create", "post", M + "cards/",
     lambda w: {"stage": w.ids["stage"], "lane": w.ids["lane"], "text": "Hi"}, "write", 201),
    ("card get", "get", M + "cards/{card}/", None, "read", 200),
    ("card patch", "patch", M + "cards/{card}/", lambda w: {"text": "Edited", "lane": w.ids["lane2"]}, "write", 200),
    ("card delete", "delete", M + "cards/{card}/", None, "write", 204),
    ("touchpoints list", "get", M + "touchpoints/", None, "read", 200),
    ("touchpoint create", "post", M + "touchpoints/",
     lambda w: {"stage": w.ids["stage"], "lane": w.ids["tp_lane"], "title": "Call", "channel": w.ids["channel"]},
     "write", 201),
    ("touchpoint get", "get", M + "touchpoints/{touchpoint}/", None, "read", 200),
    ("touchpoint patch", "patch", M + "touchpoints/{touchpoint}/", lambda w: {"csat": 80}, "write", 200),
    ("touchpoint delete", "delete", M + "touchpoints/{touchpoint}/", None, "write", 204),
    ("moments list", "get", M + "moments/", None, "read", 200),
    ("moment create", "post", M + "moments/", lambda w: {"stage": w.ids["stage"], "title": "Tipping"}, "write", 201),
    ("moment get", "get", M + "moments/{moment}/", None, "read", 200),
    ("moment patch", "patch", M + "moments/{moment}/", lambda w: {"importance": 5}, "write", 200),
    ("moment delete", "delete", M + "moments/{moment}/", None, "write", 204),
    ("emotions list", "get", M + "emotions/", None, "read", 200),
    ("emotion create", "post", M + "emotions/", lambda w: {"stage": w.ids["stage2"], "score": 2}, "write", 201),
    ("emotion get", "get", M + "emotions/{emotion}/", None, "read", 200),
    ("emotion patch", "patch", M + "emotions/{emotion}/", lambda w: {"score": 3}, "write", 200),
    ("emotion delete", "delete", M + "emotions/{emotion}/", None, "write", 204),
    ("personas list", "get", W + "personas/", None, "read", 200),
    ("persona create", "post", W + "personas/", lambda w: {"name": "Léa"}, "write", 201),
    ("persona get", "get", W + "personas/{persona}/", None, "read", 200),
    ("persona patch", "patch", W + "personas/{persona}/", lambda w: {"quote": "Fast, please"}, "write", 200),
    ("persona archive", "delete", W + "personas/{persona}/", None, "write", 204),
    ("channels list", "get", W + "channels/", None, "read", 200),
    ("channel create", "post", W + "channels/", lambda w: {"name": "Chatbot"}, "write", 201),
    ("channel get", "get", W + "channels/{channel}/", None, "read", 200),
    ("channel patch", "patch", W + "channels/{channel}/", lambda w: {"name": "Kiosk 2"}, "write", 200),
    ("channel archive", "delete", W + "channels/{channel}/", None, "write", 204),
    ("teams list", "get", W + "teams/", None, "read", 200),
    ("team create", "post", W + "teams/", lambda w: {"name": "Sales"}, "write", 201),
    ("team get", "get", W + "teams/{team}/", None, "read", 200),
    ("team patch", "patch", W + "teams/{team}/", lambda w: {"color": "#112233"}, "write", 200),
    ("team delete", "delete", W + "teams/{team}/", None, "write", 204),
    ("members list", "get", W + "members/", None, "read", 200),
    ("member add", "post", W + "members/", lambda w: {"username": w.extra_user, "role": "viewer"}, "owner", 201),
    ("member get", "get", W + "members/{viewer_member}/", None, "read", 200),
    ("member change", "patch", W + "members/{viewer_member}/", lambda w: {"role": "editor"}, "owner", 200),
    ("member remove", "delete", W + "members/{viewer_member}/", None, "owner", 204),
    ("map health", "get", M + "health/", None, "read", 200),
    ("map health accept", "post", M + "health/accept/",
     lambda w: {"code": "empty_cells", "entity": "cell", "id": f"{w.ids['stage2']}:{w.ids['lane2']}",
                "reason": "Nothing happens here"}, "write", 201),
    ("map health unaccept", "delete", M + "health/accept/{acceptance}/", lambda w: _accepted_finding(w), "write",
     204),
    ("workspace health words", "get", W + "health-words/", None, "read", 200),
    ("workspace health words update", "put", W + "health-words/", lambda w: {"en": ["Widget"], "fr": ["Bidule"]},
     "owner", 200),
]


def _accepted_finding(world: Any) -> None:
    """An accepted finding to undo (its id goes into the path, which is built after the body)."""
    from health.models import Acceptance

    row = Acceptance.objects.create(map=world.map, code="empty_cells", entity="cell",
                                    item_id=f"{world.ids['stage2']}:{world.ids['lane2']}", reason="Quiet stage")
    world.ids["acceptance"] = str(row.id)


def url_for(template: str, world: Any) -> str:
    return template.format(map=world.map.id, ws=world.workspace.id, **world.ids)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "kind", "ok"),
                         [c for c in CASES if c[4] != "special"], ids=[c[0] for c in CASES if c[4] != "special"])
def test_each_endpoint_answers_each_role_as_documented(world, user_factory, role, name, method, path, body, kind,
                                                       ok):
    world.extra_user = user_factory().username
    if isinstance(body, str):
        # A file upload: multipart, with the file's text after the prefix.
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("file", body.removeprefix("multipart:").encode())
        response = getattr(world.client(role), method)(url_for(path, world), {"file": upload}, format="multipart")
    else:
        data = body(world) if body else None
        response = getattr(world.client(role), method)(url_for(path, world), data, format="json")
    wanted = expect(kind, ok)[role]
    assert response.status_code == wanted, (name, role, response.status_code, getattr(response, "data", None))
    if response.status_code >= 400:
        assert set(response.json()) >= {"code", "message", "fields"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ("owner", "editor", "viewer", "outsider", "anonymous"))
def test_posting_operations_answers_with_the_ack_and_the_status_of_the_error_table(world, role):
    op = {"op": "update", "entity": "card", "id": world.ids["card"], "fields": {"text": "Via ops"}}
    response = world.client(role).post(url_for(M + "operations/", world), {"batch_id": "b-1", "ops": [op]},
                                       format="json")
    wanted = {"owner": 200, "editor": 200, "viewer": 403, "outsider": 404, "anonymous": 401}[role]
    assert response.status_code == wanted, response.content
    if role in ("owner", "editor", "viewer"):
        frame = response.json()
        assert frame["type"] == "ack" and frame["batch_id"] == "b-1"
        assert frame["status"] == ("rejected" if role == "viewer" else "ok")


@pytest.mark.django_db
def test_a_token_is_issued_for_good_credentials_and_authenticates_later_calls(owner, workspace):
    from rest_framework.test import APIClient

    client = APIClient()
    bad = client.post("/api/v1/auth/token/", {"username": owner.username, "password": "nope"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    good = client.post("/api/v1/auth/token/", {"username": owner.username, "password": "correct horse battery"},
                       format="json")
    assert good.status_code == 200
    token = good.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/workspaces/")
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json()] == [str(workspace.id)]
    assert listed.json()[0]["role"] == "owner"
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/workspaces/").status_code == 401


@pytest.mark.django_db
def test_session_authentication_works_too(client, owner, workspace):
    client.force_login(owner)
    assert client.get("/api/v1/workspaces/").status_code == 200


@pytest.mark.django_db
def test_the_creator_of_a_workspace_becomes_its_owner(world):
    client = world.client("viewer")
    created = client.post("/api/v1/workspaces/", {"name": "Mine"}, format="json")
    assert created.status_code == 201 and created.json()["role"] == "owner"
    members = client.get(f"/api/v1/workspaces/{created.json()['id']}/members/").json()
    assert [(m["user"]["username"], m["role"]) for m in members] == [(world.users["viewer"].username, "owner")]


@pytest.mark.django_db
def test_outsiders_do_not_see_other_workspaces_in_lists(world):
    client = world.client("outsider")
    maps = client.get("/api/v1/maps/").json()["results"]
    assert str(world.map.id) not in {m["id"] for m in maps}
    assert {m["id"] for m in maps} == {world.other["map"]}
    templates = client.get("/api/v1/templates/").json()
    assert all(t["workspace"] in (None, world.other["workspace"]) for t in templates)


@pytest.mark.django_db
def test_the_last_owner_cannot_leave_or_be_demoted(world):
    from maps.models import Membership

    owner_member = Membership.objects.get(workspace=world.workspace, user=world.users["owner"])
    client = world.client("owner")
    url = f"/api/v1/workspaces/{world.workspace.id}/members/{owner_member.id}/"
    assert client.patch(url, {"role": "viewer"}, format="json").status_code == 400
    assert client.delete(url).status_code == 400
