"""The rich lanes over REST: derived emotion curve, priorities, the personas a map
follows, persona pictures, and their place in the OpenAPI schema.

People: owner, editor, viewer of one workspace; outsider: a member of another.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from maps.models import EmotionPoint
from tests.conftest import response_bytes
from tests.factories import PersonaFactory
from tests.touchpoints import samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def touchpoints(grid: Any, owner: Any, *specs: tuple[int, str, dict[str, Any]]) -> list[str]:
    ids, ops = [], []
    for stage, evaluation, extra in specs:
        tp = str(uuid.uuid4())
        ids.append(tp)
        ops.append({"op": "create", "entity": "touchpoint", "id": tp, "fields": {
            "stage": grid.stages[stage], "lane": grid.lanes[1], "title": f"TP {len(ids)}", "evaluation": evaluation,
            **extra}})
    assert grid.push(owner, ops).status in ("ok", "rebased")
    return ids


def test_the_derived_curve_is_proposed_over_rest_and_applies_as_one_batch(grid: Any, owner: Any, editor: Any,
                                                                          viewer: Any) -> None:
    touchpoints(grid, owner, (0, "delight", {"volume_share": 80}), (0, "irritant", {"volume_share": 20}),
                (2, "irritant", {}))
    response = api(viewer).get(f"/api/v1/maps/{grid.map.id}/emotions/derive/")
    assert response.status_code == 200, response.content
    data = response.json()
    # (80 x 3 + 20 x -3) / 100 = 1.8 -> 2 for the first stage; -3 where only an irritant is.
    assert [(p["stage"], p["score"], p["current"]) for p in data["proposals"]] == [
        (grid.stages[0], 2, None), (grid.stages[2], -3, None)]
    applied = api(editor).post(f"/api/v1/maps/{grid.map.id}/operations/",
                               {"batch_id": "derive-1", "ops": data["ops"]}, format="json")
    assert applied.status_code == 200, applied.content
    scores = {str(e.stage_id): e.score for e in EmotionPoint.objects.filter(map=grid.map)}
    assert scores == {grid.stages[0]: 2, grid.stages[2]: -3}
    # Nothing left to change; a persona the map does not follow names nothing.
    again = api(viewer).get(f"/api/v1/maps/{grid.map.id}/emotions/derive/").json()
    assert again["ops"] == [] and again["seq"] == data["seq"] + 1
    assert api(viewer).get(f"/api/v1/maps/{grid.map.id}/emotions/derive/?persona={uuid.uuid4()}").status_code == 404
    assert api(viewer).get(f"/api/v1/maps/{grid.map.id}/emotions/derive/?persona=nope").status_code == 404


def test_priorities_rank_moments_and_irritants_by_weight_or_volume(grid: Any, owner: Any, viewer: Any,
                                                                   outsider: Any) -> None:
    busy, quiet = touchpoints(grid, owner, (0, "irritant", {"volume_share": 90}), (1, "irritant", {"volume_share": 5}))
    moment = str(uuid.uuid4())
    assert grid.push(owner, [{"op": "create", "entity": "moment", "id": moment, "fields": {
        "stage": grid.stages[1], "touchpoint": quiet, "title": "Refund call", "importance": 5, "impact": 4}}]).status \
        in ("ok", "rebased")
    url = f"/api/v1/maps/{grid.map.id}/priorities/"
    by_weight = api(viewer).get(url).json()
    assert [(e["kind"], e["id"], e["weight"]) for e in by_weight["entries"]] == [
        ("moment", moment, 20), ("touchpoint", busy, 0)]
    by_volume = api(viewer).get(f"{url}?by=volume").json()
    assert [e["id"] for e in by_volume["entries"]] == [busy, moment]
    assert [e["rank"] for e in by_volume["entries"]] == [1, 2]
    refused = api(viewer).get(f"{url}?by=mood")
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["by"])
    assert api(outsider).get(url).status_code == 404


def test_a_map_attaches_and_detaches_personas_through_the_write_path(grid: Any, owner: Any, editor: Any,
                                                                     viewer: Any, workspace: Any) -> None:
    first, second = PersonaFactory(workspace=workspace, name="Ana"), PersonaFactory(workspace=workspace, name="Bo")
    foreign = PersonaFactory(name="Elsewhere")
    url = f"/api/v1/maps/{grid.map.id}/personas/"
    created = api(editor).post(url, {"persona": str(first.id)}, format="json")
    assert created.status_code == 201, created.content
    link = created.json()["link"]
    assert created.json()["name"] == "Ana"
    assert api(editor).post(url, {"persona": str(second.id), "after": link}, format="json").status_code == 201
    assert [p["name"] for p in api(viewer).get(url).json()] == ["Ana", "Bo"]

    twice = api(editor).post(url, {"persona": str(first.id)}, format="json")
    assert (twice.status_code, list(twice.json()["fields"])) == (400, ["persona"])
    other = api(editor).post(url, {"persona": str(foreign.id)}, format="json")
    assert (other.status_code, list(other.json()["fields"])) == (404, ["persona"])
    assert api(viewer).post(url, {"persona": str(second.id)}, format="json").status_code == 403

    # Detaching hides the persona's curve; attaching again brings back the same link and its points.
    point = str(uuid.uuid4())
    assert grid.push(editor, [{"op": "create", "entity": "emotion", "id": point, "fields": {
        "stage": grid.stages[0], "persona": str(first.id), "score": -2}}]).status == "ok"
    assert api(editor).delete(f"{url}{first.id}/").status_code == 204
    doc = api(viewer).get(f"/api/v1/maps/{grid.map.id}/document/").json()
    assert [p["name"] for p in doc["personas"]] == ["Bo"] and doc["emotions"] == []
    assert api(editor).delete(f"{url}{first.id}/").status_code == 404
    back = api(editor).post(url, {"persona": str(first.id)}, format="json")
    assert back.status_code == 201 and back.json()["link"] == link
    doc = api(viewer).get(f"/api/v1/maps/{grid.map.id}/document/").json()
    assert [(e["id"], e["score"]) for e in doc["emotions"]] == [(point, -2)]


def test_a_persona_picture_is_uploaded_checked_served_and_removed(owner: Any, editor: Any, viewer: Any,
                                                                  outsider: Any, workspace: Any) -> None:
    persona = PersonaFactory(workspace=workspace)
    url = f"/api/v1/workspaces/{workspace.id}/personas/{persona.id}/avatar/"
    assert api(viewer).get(url).status_code == 404  # none yet
    picture = samples.png()
    response = api(editor).put(url, {"avatar": SimpleUploadedFile("me.png", picture, content_type="image/png")},
                               format="multipart")
    assert response.status_code == 200, response.content
    served = api(viewer).get(url)
    assert (served.status_code, served["Content-Type"], served["X-Content-Type-Options"]) == (200, "image/png",
                                                                                              "nosniff")
    assert response_bytes(served) == picture
    assert api(outsider).get(url).status_code == 404

    wrong = api(editor).put(url, {"avatar": SimpleUploadedFile("me.png", samples.jpeg(), content_type="image/png")},
                            format="multipart")
    assert (wrong.status_code, list(wrong.json()["fields"])) == (400, ["avatar"])
    missing = api(editor).put(url, {}, format="multipart")
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["avatar"])
    assert api(viewer).put(url, {"avatar": SimpleUploadedFile("me.png", picture, content_type="image/png")},
                           format="multipart").status_code == 403
    assert api(editor).delete(url).status_code == 204
    assert api(viewer).get(url).status_code == 404


def test_every_rich_lane_call_is_in_the_openapi_schema(owner: Any) -> None:
    schema = api(owner).get("/api/v1/schema/?format=json").json()
    calls = {(path, method) for path, item in schema["paths"].items() for method in item}
    for call in [
        ("/api/v1/maps/{map_id}/emotions/derive/", "get"),
        ("/api/v1/maps/{map_id}/priorities/", "get"),
        ("/api/v1/maps/{map_id}/moments/", "post"),
        ("/api/v1/maps/{map_id}/moments/{item_id}/", "patch"),
        ("/api/v1/maps/{map_id}/personas/", "post"),
        ("/api/v1/maps/{map_id}/personas/{persona_id}/", "delete"),
        ("/api/v1/workspaces/{workspace_id}/personas/{persona_id}/avatar/", "put"),
        ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/", "post"),
        ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/{attachment_id}/", "delete"),
        ("/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/{attachment_id}/download/", "get"),
    ]:
        assert call in calls, call
    upload = schema["paths"]["/api/v1/maps/{map_id}/touchpoints/{touchpoint_id}/attachments/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    components = schema["components"]["schemas"]
    # Links and priorities on cards, attachments on touchpoints.
    assert {"priority", "addresses"} <= set(components["Card"]["properties"])
    assert "attachments" in components["Touchpoint"]["properties"]
