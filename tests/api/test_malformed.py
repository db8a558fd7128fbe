"""Bad input gets the documented 4xx JSON error, never a 500."""

from __future__ import annotations

import json
import uuid

import pytest

MEGABYTE_STRING = "x" * 1_000_000


def url(world, path: str) -> str:
    return path.format(map=world.map.id, ws=world.workspace.id, **world.ids)


def check(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


BAD_WRITES = [
    # (path, method, body, status, code, field)
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{lane}", "text": 42}, 400, "invalid", "text"),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{lane}", "colour": "#fff"}, 400, "invalid",
     "colour"),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{lane}", "text": MEGABYTE_STRING}, 400,
     "invalid", "text"),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "not-a-uuid", "lane": "{lane}"}, 400, "invalid", "stage"),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{lane}", "id": "nope"}, 400, "invalid", "id"),
    ("/api/v1/maps/{map}/cards/", "post", {"lane": "{lane}"}, 400, "invalid", "stage"),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{lane}", "position": ["a0"]}, 400,
     "invalid", "position"),
    ("/api/v1/maps/{map}/cards/{card}/", "patch", {"text": None}, 400, "invalid", "text"),
    ("/api/v1/maps/{map}/cards/{card}/", "patch", {"version": 3}, 400, "invalid", "version"),
    ("/api/v1/maps/{map}/stages/{stage}/", "patch", {"name": MEGABYTE_STRING}, 400, "invalid", "name"),
    ("/api/v1/maps/{map}/stages/", "post", {"name": ""}, 400, "invalid", "name"),
    ("/api/v1/maps/{map}/lanes/", "post", {"title": "T", "kind": "spreadsheet"}, 400, "invalid", "kind"),
    ("/api/v1/maps/{map}/emotions/", "post", {"stage": "{stage}", "score": 9}, 400, "invalid", "score"),
    ("/api/v1/maps/{map}/emotions/", "post", {"stage": "{stage}", "score": "3"}, 400, "invalid", "score"),
    ("/api/v1/maps/{map}/emotions/{emotion}/", "patch", {"stage": "{stage2}"}, 400, "invalid", None),
    ("/api/v1/maps/{map}/touchpoints/", "post", {"stage": "{stage}", "lane": "{tp_lane}", "title": "T", "nps": 1e9},
     400, "invalid", "nps"),
    ("/api/v1/maps/{map}/touchpoints/", "post",
     {"stage": "{stage}", "lane": "{tp_lane}", "title": "T", "evidence": [{"url": "javascript:alert(1)"}]},
     400, "invalid", "evidence"),
    ("/api/v1/maps/{map}/", "patch", {"title": 12}, 400, "invalid", "title"),
    ("/api/v1/maps/{map}/", "patch", {"seq": 12}, 400, "invalid", "seq"),
    ("/api/v1/maps/{map}/", "patch", {"title": MEGABYTE_STRING}, 400, "invalid", "title"),
    ("/api/v1/maps/", "post", {"workspace": "{ws}", "title": "T", "template": "x"}, 400, "invalid", "template"),
    ("/api/v1/maps/", "post", {"workspace": "{ws}", "title": "T", "language": "de"}, 400, "invalid", "language"),
    ("/api/v1/maps/", "post", {"workspace": "{ws}"}, 400, "invalid", "title"),
    ("/api/v1/maps/", "post", {"workspace": "{ws}", "title": "T", "owner": 1}, 400, "invalid", "owner"),
    ("/api/v1/workspaces/", "post", {"name": ["a"]}, 400, "invalid", "name"),
    ("/api/v1/workspaces/{ws}/personas/", "post", {"name": "P", "demographics": {"age": {"n": 1}}}, 400, "invalid",
     "demographics"),
    ("/api/v1/workspaces/{ws}/personas/", "post", {"name": "P", "colour": "#000000"}, 400, "invalid", "colour"),
    ("/api/v1/workspaces/{ws}/personas/{persona}/", "patch", {"quote": MEGABYTE_STRING}, 400, "invalid", "quote"),
    ("/api/v1/workspaces/{ws}/teams/", "post", {"name": "Support"}, 400, "invalid", "name"),
    ("/api/v1/workspaces/{ws}/teams/", "post", {"name": "X", "color": "red"}, 400, "invalid", "color"),
    ("/api/v1/workspaces/{ws}/channels/", "post", {"name": "X", "kind": "telepathy"}, 400, "invalid", "kind"),
    ("/api/v1/workspaces/{ws}/members/", "post", {"username": "nobody-here"}, 400, "invalid", "username"),
    ("/api/v1/workspaces/{ws}/members/{viewer_member}/", "patch", {"role": "admin"}, 400, "invalid", "role"),
    ("/api/v1/maps/{map}/save-as-template/", "post", {"name": "N", "include_cards": "maybe"}, 400, "invalid",
     "include_cards"),
    ("/api/v1/auth/token/", "post", {"username": "a"}, 400, "invalid", "password"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "body", "status", "code", "field"), BAD_WRITES,
                         ids=[f"{b[1]} {b[0]} {sorted(b[2])}" for b in BAD_WRITES])
def test_a_malformed_body_is_refused_with_the_documented_error(world, path, method, body, status, code, field):
    filled = {k: (v.format(map=world.map.id, ws=world.workspace.id, **world.ids) if isinstance(v, str)
                  and v.startswith("{") and len(v) < 40 else v) for k, v in body.items()}
    response = getattr(world.client("owner"), method)(url(world, path), filled, format="json")
    body = check(response, status, code)
    if field:
        assert field in body["fields"], body


@pytest.mark.django_db
@pytest.mark.parametrize("payload", ["[1, 2]", "\"text\"", "{not json", "null", "42"])
def test_a_body_that_is_not_a_json_object_is_refused(world, payload):
    client = world.client("owner")
    for path in ("/api/v1/maps/{map}/cards/", "/api/v1/maps/{map}/operations/", "/api/v1/maps/",
                 "/api/v1/workspaces/{ws}/personas/", "/api/v1/maps/{map}/cards/{card}/"):
        method = "patch" if path.endswith("{card}/") else "post"
        response = getattr(client, method)(url(world, path), payload, content_type="application/json")
        assert response.status_code == 400, (path, payload, response.status_code, response.content[:300])
        assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_a_body_over_the_cap_is_refused_as_too_large(world):
    big = json.dumps({"batch_id": "b", "ops": [], "pad": "y" * (3 * 1024 * 1024)})
    response = world.client("owner").post(url(world, "/api/v1/maps/{map}/operations/"), big,
                                          content_type="application/json")
    check(response, 413, "too_large")


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/api/v1/maps/not-a-uuid/", "/api/v1/maps/123/document/", "/api/v1/maps/{map}/cards/zzz/",
    "/api/v1/workspaces/%00/personas/", "/api/v1/maps/{map}/stages/{map}x/",
    "/api/v1/workspaces/{ws}/members/abc/", "/api/v1/workspaces/{ws}/teams/-1/",
])
def test_a_malformed_id_in_the_path_is_a_json_404(world, path):
    check(world.client("owner").get(url(world, path)), 404, "not_found")


OTHER = [
    # Another map's (and another workspace's) ids used on our map or workspace.
    ("/api/v1/maps/{map}/cards/{o_card}/", "get", None),
    ("/api/v1/maps/{map}/cards/{o_card}/", "patch", {"text": "hijack"}),
    ("/api/v1/maps/{map}/cards/{o_card}/", "delete", None),
    ("/api/v1/maps/{map}/stages/{o_stage}/", "patch", {"name": "hijack"}),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{o_stage}", "lane": "{lane}"}),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{o_lane}"}),
    ("/api/v1/maps/{map}/cards/{card}/", "patch", {"stage": "{o_stage}"}),
    ("/api/v1/maps/{map}/cards/", "post", {"stage": "{stage}", "lane": "{lane}", "team": "{o_team}"}),
    ("/api/v1/maps/{map}/moments/", "post", {"stage": "{stage}", "title": "M", "touchpoint": "{o_touchpoint}"}),
    ("/api/v1/maps/{map}/emotions/", "post", {"stage": "{stage2}", "score": 1, "persona": "{o_persona}"}),
    ("/api/v1/workspaces/{ws}/personas/{o_persona}/", "get", None),
    ("/api/v1/workspaces/{ws}/personas/{o_persona}/", "patch", {"name": "hijack"}),
    ("/api/v1/workspaces/{ws}/teams/{o_team}/", "patch", {"name": "hijack"}),
    ("/api/v1/workspaces/{o_workspace}/personas/", "get", None),
    ("/api/v1/maps/{o_map}/document/", "get", None),
    ("/api/v1/maps/{o_map}/cards/{o_card}/", "patch", {"text": "hijack"}),
    ("/api/v1/maps/", "post", {"workspace": "{o_workspace}", "title": "Into theirs"}),
    ("/api/v1/maps/", "post", {"workspace": "{ws}", "title": "T", "based_on": "{o_map}"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "method", "body"), OTHER, ids=[f"{o[1]} {o[0]} {o[2]}" for o in OTHER])
def test_ids_from_another_map_or_workspace_are_not_found(world, path, method, body):
    names = {**world.ids, **{f"o_{k}": v for k, v in world.other.items()}}

    def fill(value: str) -> str:
        return value.format(map=world.map.id, ws=world.workspace.id, **names)

    data = {k: fill(v) if isinstance(v, str) else v for k, v in (body or {}).items()}
    response = getattr(world.client("owner"), method)(fill(path), data or None, format="json")
    # A persona of another workspace is not followed by this map: "invalid" is the
    # apply rule for an unlinked persona; everything else is plainly not found.
    if "o_persona" in json.dumps(body) and "emotions" in path:
        check(response, 400, "invalid")
    else:
        check(response, 404, "not_found")
    from maps.models import Card

    assert not Card.objects.filter(text="hijack").exists()


@pytest.mark.django_db
def test_a_template_of_another_workspace_cannot_be_used(world):
    from maps.models import JourneyMap
    from templates_lib.services import template_from_map

    theirs = template_from_map(journey_map=JourneyMap.objects.get(id=world.other["map"]), name="Theirs")
    response = world.client("owner").post("/api/v1/maps/", {"workspace": str(world.workspace.id), "title": "T",
                                                            "template": str(theirs.id)}, format="json")
    check(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "status"), [
    ("since=abc", 400), ("", 400), ("since=-1", 400), ("since=0&limit=0", 400), ("since=0&limit=100000", 400),
    ("since=0&limit=x", 400), ("since=99999999999999999999999", 400),
])
def test_bad_operations_paging_parameters_are_refused(world, query, status):
    response = world.client("owner").get(url(world, "/api/v1/maps/{map}/operations/") + "?" + query)
    check(response, status, "invalid")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["workspace=nope", "kind=weird", "archived=perhaps"])
def test_bad_map_list_filters_are_refused(world, query):
    check(world.client("owner").get(f"/api/v1/maps/?{query}"), 400, "invalid")


@pytest.mark.django_db
@pytest.mark.parametrize("ops", [
    "not a list", [], [1], [{"op": "explode", "entity": "card", "id": str(uuid.uuid4())}],
    [{"op": "update", "entity": "card", "id": "nope", "fields": {"text": "x"}}],
    [{"op": "update", "entity": "card", "id": str(uuid.uuid4()), "fields": {"text": "x"}}],
    [{"op": "update", "entity": "card", "id": "{card}", "fields": {"text": "x" * 10_001}}],
    [{"op": "create", "entity": "card", "id": str(uuid.uuid4()), "fields": {"stage": "{stage}", "lane": "{lane}"},
      "extra": 1}],
])
def test_bad_batches_are_rejected_acks_with_the_status_of_the_table(world, ops):
    if isinstance(ops, list):
        ops = json.loads(json.dumps(ops).replace("{card}", world.ids["card"]).replace("{stage}", world.ids["stage"])
                         .replace("{lane}", world.ids["lane"]))
    response = world.client("owner").post(url(world, "/api/v1/maps/{map}/operations/"),
                                          {"batch_id": "bad", "ops": ops}, format="json")
    assert response.status_code in (400, 404), response.content
    frame = response.json()
    assert frame["type"] == "ack" and frame["status"] == "rejected"
    assert frame["error"]["code"] == {400: "invalid", 404: "not_found"}[response.status_code]


@pytest.mark.django_db
def test_conflicts_answer_409(world):
    client = world.client("owner")
    stale = client.patch(url(world, "/api/v1/maps/{map}/cards/{card}/"), {"text": "v", "if_version": 99},
                         format="json")
    check(stale, 409, "version_conflict")
    assert client.delete(url(world, "/api/v1/maps/{map}/cards/{card}/")).status_code == 204
    check(client.patch(url(world, "/api/v1/maps/{map}/cards/{card}/"), {"text": "late"}, format="json"), 409,
          "gone")
    assert client.delete(url(world, "/api/v1/maps/{map}/stages/{stage2}/")).status_code == 204
    gone = client.post(url(world, "/api/v1/maps/{map}/cards/"), {"stage": world.ids["stage2"],
                                                                 "lane": world.ids["lane"]}, format="json")
    check(gone, 409, "parent_deleted")
    first = client.post(url(world, "/api/v1/maps/{map}/operations/"),
                        {"batch_id": "same", "ops": [{"op": "update", "entity": "lane", "id": world.ids["lane"],
                                                      "fields": {"title": "A"}}]}, format="json")
    assert first.status_code == 200
    reused = client.post(url(world, "/api/v1/maps/{map}/operations/"),
                         {"batch_id": "same", "ops": [{"op": "update", "entity": "lane", "id": world.ids["lane"],
                                                       "fields": {"title": "B"}}]}, format="json")
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "batch_id_reused"
    # A moment's id used as a card's is simply not found.
    check(client.patch(url(world, "/api/v1/maps/{map}/cards/{moment}/"), {"text": "a"}, format="json"), 404,
          "not_found")


@pytest.mark.django_db
def test_an_archived_map_refuses_content_writes_with_409(world):
    client = world.client("owner")
    assert client.delete(url(world, "/api/v1/maps/{map}/")).status_code == 204
    check(client.patch(url(world, "/api/v1/maps/{map}/cards/{card}/"), {"text": "x"}, format="json"), 409, "gone")
    restored = client.patch(url(world, "/api/v1/maps/{map}/"), {"archived": False}, format="json")
    assert restored.status_code == 200 and restored.json()["archived"] is False
