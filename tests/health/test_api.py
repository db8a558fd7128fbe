"""The health API: reading in both languages, accepting and undoing, the
workspace's own words, the cache per ``seq`` and a constant number of queries.

Roles: the owner and editor may accept findings; a viewer reads the health but
accepts nothing; an outsider (another workspace) learns nothing (404).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from health.models import Acceptance, MapHealth
from tests.factories import MapFactory
from tests.health.conftest import MapBuilder, check

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def health(user, journey_map, language="en"):
    response = client_for(user).get(f"/api/v1/maps/{journey_map.id}/health/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    return response.json()


def accept(user, journey_map, body):
    return client_for(user).post(f"/api/v1/maps/{journey_map.id}/health/accept/", body, format="json")


def test_health_answers_in_the_readers_language(healthy, viewer):
    m = healthy("en")
    m.push({"op": "update", "entity": "stage", "id": m.stages[0], "fields": {"name": "Onboarding"}})
    english = check(health(viewer, m.map, "en"), "company_voice")
    french = check(health(viewer, m.map, "fr"), "company_voice")
    assert english["title"] == "Stages in the customer’s words"
    assert french["title"] == "Des étapes dans les mots du client"
    assert french["items"][0]["note"] == "Mot de l’entreprise\u00a0: «\u00a0Onboarding\u00a0»"


def test_an_editor_accepts_a_finding_with_a_reason_and_undoes_it(healthy, editor):
    m = healthy("en")
    m.push({"op": "update", "entity": "stage", "id": m.stages[0], "fields": {"name": "Onboarding"}})
    before = health(editor, m.map)
    assert check(before, "company_voice")["status"] == "warn" and before["score"] < 100
    response = accept(editor, m.map, {"code": "company_voice", "entity": "stage", "id": m.stages[0],
                                      "reason": "Our customers call it onboarding"})
    assert response.status_code == 201, response.content
    after = health(editor, m.map)
    voice = check(after, "company_voice")
    assert voice["status"] == "ok" and voice["items"] == []
    assert [(a["id"], a["reason"], a["accepted_by"]) for a in voice["accepted"]] == [
        (m.stages[0], "Our customers call it onboarding", editor.get_full_name() or editor.username)]
    assert after["score"] == 100
    # The dashboard's stored statuses follow the acceptance.
    assert MapHealth.objects.get(map=m.map).statuses["company_voice"] == "ok"
    undo = client_for(editor).delete(f"/api/v1/maps/{m.map.id}/health/accept/{voice['accepted'][0]['acceptance']}/")
    assert undo.status_code == 204
    again = health(editor, m.map)
    assert check(again, "company_voice")["status"] == "warn" and again["score"] == before["score"]
    assert MapHealth.objects.get(map=m.map).statuses["company_voice"] == "warn"


def test_only_current_findings_with_a_reason_can_be_accepted(healthy, editor):
    m = healthy("en")
    body = {"code": "company_voice", "entity": "stage", "id": m.stages[1], "reason": "Fine"}
    refused = accept(editor, m.map, body)
    assert refused.status_code == 400 and refused.json()["fields"] == {"id": [refused.json()["fields"]["id"][0]]}
    m.push({"op": "update", "entity": "stage", "id": m.stages[1], "fields": {"name": "Ticket"}})
    assert set(accept(editor, m.map, {**body, "reason": "   "}).json()["fields"]) == {"reason"}
    assert accept(editor, m.map, {**body, "code": "nope"}).status_code == 400
    assert accept(editor, m.map, {**body, "extra": 1}).status_code == 400
    assert accept(editor, m.map, [body]).status_code == 400
    assert accept(editor, m.map, {**body, "reason": "x" * 1001}).status_code == 400
    assert accept(editor, m.map, body).status_code == 201


def test_a_viewer_reads_health_but_cannot_accept_and_outsiders_see_nothing(healthy, viewer, outsider, editor):
    m = healthy("en")
    m.push({"op": "update", "entity": "stage", "id": m.stages[1], "fields": {"name": "Ticket"}})
    body = {"code": "company_voice", "entity": "stage", "id": m.stages[1], "reason": "Fine"}
    assert accept(viewer, m.map, body).status_code == 403
    assert client_for(outsider).get(f"/api/v1/maps/{m.map.id}/health/").status_code == 404
    assert accept(outsider, m.map, body).status_code == 404
    # An acceptance of one map cannot be undone through another.
    accepted = accept(editor, m.map, body).json()["acceptance"]
    other = MapFactory(workspace=m.map.workspace)
    assert client_for(editor).delete(f"/api/v1/maps/{other.id}/health/accept/{accepted}/").status_code == 404
    assert Acceptance.objects.filter(id=accepted).exists()


def test_share_visitors_get_no_health(healthy, client):
    m = healthy("en")
    assert client.get(f"/api/v1/maps/{m.map.id}/health/").status_code == 401


def test_owners_extend_the_company_words_of_their_workspace(healthy, owner, editor):
    m = healthy("fr")
    m.push({"op": "update", "entity": "stage", "id": m.stages[1], "fields": {"name": "Comparer les offres Zénith"}})
    assert check(health(owner, m.map), "company_voice")["status"] == "ok"
    url = f"/api/v1/workspaces/{m.map.workspace_id}/health-words/"
    assert client_for(editor).put(url, {"en": [], "fr": ["zenith"]}, format="json").status_code == 403
    saved = client_for(owner).put(url, {"en": ["Widget"], "fr": [" zénith ", "Zenith"]}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["fr"] == ["zénith"] and "traitement" in saved.json()["builtin_fr"]
    voice = check(health(owner, m.map), "company_voice")
    assert [i["id"] for i in voice["items"]] == [m.stages[1]]
    assert client_for(editor).get(url).json()["en"] == ["Widget"]
    too_many = client_for(owner).put(url, {"en": ["w"] * 301, "fr": []}, format="json")
    assert too_many.status_code == 400


def _queries(user, journey_map) -> int:
    with CaptureQueriesContext(connection) as queries:
        health(user, journey_map)
    return len(queries)


def test_health_costs_the_same_number_of_queries_on_a_small_and_a_large_map(healthy, owner, workspace):
    small = healthy("en")
    large = MapFactory(workspace=workspace, title="Large")
    b = MapBuilder(large, owner)
    stages = [b.stage(f"Compare options {i}") for i in range(20)]
    lanes = [b.lane(kind, kind) for kind in ("text", "pain_points", "opportunities", "touchpoints", "emotion")]
    for stage in stages:
        for lane in lanes[:3]:
            for n in range(4):
                b.card(stage, lane, f"I do thing {n}")
        b.touchpoint(stage, lanes[3], "Shop", "irritant", evidence=False)
        b.emotion(stage, -1)
    b.save()
    cold = (_queries(owner, small.map), _queries(owner, large))
    warm = (_queries(owner, small.map), _queries(owner, large))
    assert cold[0] == cold[1] and warm[0] == warm[1], (cold, warm)
    assert warm[0] < cold[0]


def test_findings_are_computed_once_per_seq(healthy, owner):
    m = healthy("en")
    health(owner, m.map)
    first = MapHealth.objects.get(map=m.map)
    health(owner, m.map)
    assert MapHealth.objects.get(map=m.map).computed_at == first.computed_at
    m.push({"op": "update", "entity": "stage", "id": m.stages[0], "fields": {"name": "Provisioning"}})
    fresh = health(owner, m.map)
    assert fresh["seq"] == m.map.seq and check(fresh, "company_voice")["status"] == "warn"
    assert MapHealth.objects.get(map=m.map).seq == m.map.seq


def test_the_schema_documents_the_health_calls(client):
    text = client.get("/api/v1/schema/").content.decode()
    for operation in ("maps_health_retrieve", "maps_health_accept", "maps_health_unaccept",
                      "workspaces_health_words_retrieve", "workspaces_health_words_update"):
        assert f"operationId: {operation}" in text


def test_the_share_page_carries_no_health_and_the_editor_does(client, healthy, owner, viewer):
    from sharing.links import share_link_create

    m = healthy("en")
    link = share_link_create(map=m.map, created_by=owner, label="for Support")
    shared = client.get(link.path)
    assert shared.status_code == 200
    assert b"health-settings" not in shared.content and b"health-button" not in shared.content
    client.force_login(viewer)
    editor = client.get(f"/maps/{m.map.id}/").content.decode()
    assert 'id="health-button"' in editor and '"canAccept": false' in editor
