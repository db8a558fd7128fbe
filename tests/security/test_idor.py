"""Another workspace's ids, in URLs and in bodies, are refused as not found and
never echoed back."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from exports.models import Export
from maps.models import Role
from maps.operations import actor_for, apply
from sharing import links as sharing
from tests.factories import MapFactory, MembershipFactory, PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(db):
    """Another workspace with a map, a card, a persona, an export and a share link."""
    owner = MembershipFactory(role=Role.OWNER).user
    workspace = owner.memberships.first().workspace
    journey_map = MapFactory(workspace=workspace, title="Their confidential map")
    stage, lane, card = (str(uuid.uuid4()) for _ in range(3))
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id="seed", ops=[
        {"op": "create", "entity": "stage", "id": stage, "fields": {"name": "theirs"}},
        {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "theirs"}},
        {"op": "create", "entity": "card", "id": card, "fields": {"stage": stage, "lane": lane, "text": "their secret"}},
    ])
    assert ack.status == "ok", ack.error
    persona = PersonaFactory(workspace=workspace, name="Their persona")
    export = Export.objects.create(map=journey_map, workspace=workspace, requested_by=owner, format="pdf",
                                   content_hash="1" * 64)
    link = sharing.share_link_create(map=journey_map, created_by=owner, label="theirs")
    return {"map": str(journey_map.id), "workspace": str(workspace.id), "stage": stage, "lane": lane, "card": card,
            "persona": str(persona.id), "export": str(export.id), "link": str(link.link.id)}


@pytest.fixture
def api(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


def test_their_ids_in_urls_answer_404(api, grid, theirs):
    mine = grid.map.id
    urls = [
        ("get", f"/api/v1/maps/{theirs['map']}/"),
        ("get", f"/api/v1/maps/{theirs['map']}/document/"),
        ("patch", f"/api/v1/maps/{theirs['map']}/"),
        ("get", f"/api/v1/maps/{mine}/cards/{theirs['card']}/"),
        ("patch", f"/api/v1/maps/{mine}/cards/{theirs['card']}/"),
        ("delete", f"/api/v1/maps/{mine}/cards/{theirs['card']}/"),
        ("get", f"/api/v1/maps/{theirs['map']}/cards/{theirs['card']}/"),
        ("get", f"/api/v1/workspaces/{theirs['workspace']}/personas/{theirs['persona']}/"),
        ("delete", f"/api/v1/workspaces/{theirs['workspace']}/personas/{theirs['persona']}/"),
        ("get", f"/api/v1/exports/{theirs['export']}/"),
        ("get", f"/api/v1/exports/{theirs['export']}/download/"),
        ("get", f"/api/v1/maps/{theirs['map']}/share-links/"),
        ("delete", f"/api/v1/maps/{mine}/share-links/{theirs['link']}/"),
        ("delete", f"/api/v1/maps/{theirs['map']}/share-links/{theirs['link']}/"),
        ("post", f"/api/v1/maps/{theirs['map']}/ws-ticket/"),
        ("post", f"/api/v1/maps/{theirs['map']}/exports/"),
    ]
    for method, url in urls:
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"their secret" not in response.content and b"Their confidential" not in response.content


def test_their_ids_in_bodies_are_refused(api, grid, theirs):
    mine = grid.map.id
    attempts = [
        (f"/api/v1/maps/{mine}/operations/", {"batch_id": "idor-1", "ops": [
            {"op": "update", "entity": "card", "id": theirs["card"], "fields": {"text": "mine"}}]}),
        (f"/api/v1/maps/{mine}/operations/", {"batch_id": "idor-2", "ops": [
            {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": theirs["stage"], "lane": grid.lanes[0], "text": "x"}}]}),
        (f"/api/v1/maps/{mine}/operations/", {"batch_id": "idor-3", "ops": [
            {"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()), "fields": {"persona": theirs["persona"]}}]}),
        (f"/api/v1/maps/{mine}/cards/", {"stage": grid.stages[0], "lane": theirs["lane"], "text": "x"}),
        (f"/api/v1/maps/{mine}/share-links/", {"label": "x", "hidden_lanes": [theirs["lane"]]}),
    ]
    for url, body in attempts:
        response = api.post(url, body, format="json")
        assert response.status_code in (400, 404), (url, body, response.status_code, response.content)
        assert b"their secret" not in response.content
    # An export's lane choice ignores lanes it does not know (by design, so nobody can
    # probe for hidden lanes): the foreign id is dropped, never used or echoed.
    response = api.post(f"/api/v1/maps/{mine}/exports/", {"format": "pdf", "lanes": [theirs["lane"]]}, format="json")
    assert response.status_code in (200, 202, 400, 404)
    assert theirs["lane"].encode() not in response.content
