"""A future state from a current-state map takes what the person asks for:
the structure only, the structure and personas (the default), or everything."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from maps.models import JourneyMap
from maps.operations import actor_for, apply
from maps.selectors import map_document
from templates_lib.models import MapTemplate
from templates_lib.services import map_from_template
from tests.factories import PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(workspace, owner):
    """A current-state map with a persona, cards, a touchpoint, a moment and a curve."""
    template = MapTemplate.objects.get(workspace=None, key="current_state", language="en")
    journey_map = map_from_template(template=template, workspace=workspace, title="Online order", actor_user=owner)
    doc = map_document(map_id=journey_map.id)
    persona = PersonaFactory(workspace=workspace)
    stages = [s["id"] for s in doc["stages"]]
    text_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "text")
    tp_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints")
    touchpoint = str(uuid.uuid4())
    ops = [{"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()), "fields": {"persona": str(persona.id)}},
           {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": stages[0], "lane": text_lane, "text": "Three sites, three prices"}},
           {"op": "create", "entity": "touchpoint", "id": touchpoint,
            "fields": {"stage": stages[1], "lane": tp_lane, "title": "Checkout"}},
           {"op": "create", "entity": "moment", "id": str(uuid.uuid4()),
            "fields": {"stage": stages[1], "title": "Paying", "touchpoint": touchpoint}},
           {"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
            "fields": {"stage": stages[0], "persona": str(persona.id), "score": -2}}]
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id="fill", ops=ops)
    assert ack.status in ("ok", "rebased"), ack.error
    return journey_map


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def content(map_id) -> dict[str, int | list[str]]:
    doc = map_document(map_id=map_id)
    return {"stages": [s["name"] for s in doc["stages"]], "lanes": [lane["title"] for lane in doc["lanes"]],
            "personas": len(doc["persona_links"]), "cards": len(doc["cards"]), "touchpoints": len(doc["touchpoints"]),
            "moments": len(doc["moments"]), "emotions": len(doc["emotions"])}


def create_future(owner, workspace, current, **extra):
    return api(owner).post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Tomorrow",
                                             "based_on": str(current.id), **extra}, format="json")


def test_by_default_the_future_state_takes_the_structure_and_the_personas(owner, workspace, current):
    response = create_future(owner, workspace, current)
    assert response.status_code == 201, response.content
    source, future = content(current.id), content(response.json()["id"])
    assert future["stages"] == source["stages"] and future["lanes"] == source["lanes"]
    assert future["personas"] == 1
    assert (future["cards"], future["touchpoints"], future["moments"], future["emotions"]) == (0, 0, 0, 0)
    assert response.json()["based_on"] == str(current.id) and response.json()["kind"] == "future_state"


def test_structure_only_leaves_the_personas_out(owner, workspace, current):
    response = create_future(owner, workspace, current, copy="structure")
    assert response.status_code == 201, response.content
    future = content(response.json()["id"])
    assert future["stages"] == content(current.id)["stages"] and future["personas"] == 0 and future["cards"] == 0


def test_everything_copies_every_card_touchpoint_moment_and_curve(owner, workspace, current):
    response = create_future(owner, workspace, current, copy="everything")
    assert response.status_code == 201, response.content
    source, future = content(current.id), content(response.json()["id"])
    assert future == source


def test_an_unknown_choice_or_a_choice_without_a_source_is_refused_naming_the_field(owner, workspace, current):
    wrong = create_future(owner, workspace, current, copy="cards")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid" and "copy" in wrong.json()["fields"]
    alone = api(owner).post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "T", "copy": "structure"},
                            format="json")
    assert alone.status_code == 400 and "copy" in alone.json()["fields"]
    assert not JourneyMap.objects.filter(kind="future_state").exists()


def test_the_dashboard_form_sends_the_choice(owner, workspace, current):
    client = Client()
    client.force_login(owner)
    response = client.post(f"/maps/{current.id}/future-state/", {"copy": "everything"})
    future = JourneyMap.objects.get(kind="future_state")
    assert response["Location"] == f"/maps/{future.id}/"
    assert content(future.id)["cards"] == 1
    refused = client.post(f"/maps/{current.id}/future-state/", {"copy": "nonsense"})
    assert refused.status_code == 302 and JourneyMap.objects.filter(kind="future_state").count() == 1
