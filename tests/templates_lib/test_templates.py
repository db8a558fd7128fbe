"""The four templates, in English and French, as the API serves and instantiates them;
future state from current state; maps saved as workspace templates."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from templates_lib.builtin import BUILTIN_TEMPLATES
from templates_lib.models import MapTemplate

KEYS = ("current_state", "future_state", "day_in_the_life", "service_blueprint")

# DOMAIN.md's wording, checked verbatim in English and by a phrase in French.
DOMAIN_STAGES_EN = {
    "current_state": ["Become aware of a need", "Compare options", "Buy or sign up", "Get help",
                      "Decide to stay or leave", "Recommend"],
    "day_in_the_life": ["Early morning", "Late morning", "Afternoon", "Early evening", "Night"],
}
DOMAIN_LANES_EN = {
    "current_state": ["What does the customer think or feel?", "What does the customer do?", "Where do they meet us?",
                      "How do they feel?", "What do we want to change at this stage?",
                      "How and why will we make this change?"],
    "future_state": ["What will the customer think or feel?"],
}
SERVICE_BLUEPRINT_KINDS = ["text", "text", "text", "text", "line_of_interaction", "frontstage", "line_of_visibility",
                           "backstage", "line_of_internal_interaction", "support"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(owner) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.mark.django_db
def test_after_migrate_there_are_four_templates_in_two_languages():
    builtin = MapTemplate.objects.filter(workspace__isnull=True)
    assert builtin.count() == 8
    assert {(t.key, t.language) for t in builtin} == {(k, lang) for k in KEYS for lang in ("en", "fr")}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_template_list_is_filtered_by_language(api, language):
    response = api.get(f"/api/v1/templates/?language={language}")
    assert response.status_code == 200
    items = response.json()
    assert {t["key"] for t in items} == set(KEYS)
    assert {t["language"] for t in items} == {language}
    for item in items:
        assert item["builtin"] is True and item["workspace"] is None
        assert item["name"] and item["stages"] and item["lanes"]
        assert all(lane["prompt"] for lane in item["lanes"] if not lane["kind"].startswith("line_of_"))


def display_stages(document: dict) -> list[dict]:
    """Stages as shown: stage positions are kept within a phase, so phases order them first."""
    phase_rank = {p["id"]: i for i, p in enumerate(document["phases"])}
    return sorted(document["stages"],
                  key=lambda s: (phase_rank.get(s["phase"], len(phase_rank)), s["position"], s["id"]))


def _expected(key: str, language: str) -> dict:
    return next(t for t in BUILTIN_TEMPLATES if t["key"] == key and t["language"] == language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("key", KEYS)
def test_a_map_from_each_template_has_its_stages_and_lanes_in_its_language(api, workspace, key, language):
    template = MapTemplate.objects.get(workspace__isnull=True, key=key, language=language)
    created = api.post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "From template",
                                         "template": str(template.id)}, format="json")
    assert created.status_code == 201, created.content
    journey_map = created.json()
    assert journey_map["language"] == language and journey_map["kind"] == key
    document = api.get(f"/api/v1/maps/{journey_map['id']}/document/").json()
    expected = _expected(key, language)["structure"]
    document["stages"] = display_stages(document)
    assert [s["name"] for s in document["stages"]] == [s["name"] for s in expected["stages"]]
    assert [(la["kind"], la["title"], la["prompt"]) for la in document["lanes"]] == [
        (la["kind"], la["title"], la.get("prompt", "")) for la in expected["lanes"]]
    assert [p["title"] for p in document["phases"]] == [p["title"] for p in expected["phases"]]
    phase_titles = {p["id"]: p["title"] for p in document["phases"]}
    assert [phase_titles.get(s["phase"]) for s in document["stages"]] == [
        expected["phases"][s["phase"]]["title"] if s["phase"] is not None else None for s in expected["stages"]]
    if language == "en":
        if key in DOMAIN_STAGES_EN:
            assert [s["name"] for s in document["stages"]] == DOMAIN_STAGES_EN[key]
        if key in DOMAIN_LANES_EN:
            prompts = [la["prompt"] for la in document["lanes"]]
            assert prompts[: len(DOMAIN_LANES_EN[key])] == DOMAIN_LANES_EN[key]
    else:
        english = _expected(key, "en")["structure"]
        # Same shape as English, different words.
        assert len(document["stages"]) == len(english["stages"])
        assert [s["name"] for s in document["stages"]] != [s["name"] for s in english["stages"]]
        assert any("\u202f?" in la["prompt"] for la in document["lanes"])
    if key == "service_blueprint":
        assert [la["kind"] for la in document["lanes"]] == SERVICE_BLUEPRINT_KINDS


@pytest.mark.django_db
def test_a_future_state_asked_to_copy_everything_keeps_every_card(api, workspace, owner):
    from maps.operations import actor_for, apply
    from tests.factories import PersonaFactory, TeamFactory

    template = MapTemplate.objects.get(workspace__isnull=True, key="current_state", language="fr")
    current = api.post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Aujourd’hui",
                                         "template": str(template.id)}, format="json").json()
    doc = api.get(f"/api/v1/maps/{current['id']}/document/").json()
    persona = PersonaFactory(workspace=workspace)
    team = TeamFactory(workspace=workspace)
    stages, lanes = [s["id"] for s in doc["stages"]], [la["id"] for la in doc["lanes"]]
    tp_lane = next(la["id"] for la in doc["lanes"] if la["kind"] == "touchpoints")
    ops = [{"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()), "fields": {"persona": str(persona.id)}}]
    card_ids = []
    for i in range(40):
        card_ids.append(str(uuid.uuid4()))
        ops.append({"op": "create", "entity": "card", "id": card_ids[-1],
                    "fields": {"stage": stages[i % len(stages)], "lane": lanes[i % len(lanes)], "text": f"carte {i}",
                               "team": str(team.id) if i % 3 == 0 else None}})
    ops.append({"op": "update", "entity": "card", "id": card_ids[1], "fields": {"addresses": card_ids[0]}})
    touchpoint = str(uuid.uuid4())
    ops.append({"op": "create", "entity": "touchpoint", "id": touchpoint,
                "fields": {"stage": stages[0], "lane": tp_lane, "title": "Site web", "csat": 72.5}})
    ops.append({"op": "create", "entity": "moment", "id": str(uuid.uuid4()),
                "fields": {"stage": stages[0], "title": "Premier contact", "touchpoint": touchpoint}})
    ops += [{"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
             "fields": {"stage": s, "persona": str(persona.id), "score": (i % 7) - 3}} for i, s in enumerate(stages)]
    ops.append({"op": "delete", "entity": "card", "id": card_ids[-1]})  # deleted cards are not copied
    ack = apply(map_id=current["id"], actor=actor_for(owner, workspace.id), batch_id="fill", ops=ops)
    assert ack.status in ("ok", "rebased"), ack.error
    source = api.get(f"/api/v1/maps/{current['id']}/document/").json()

    future = api.post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Demain",
                                        "based_on": current["id"], "copy": "everything"}, format="json")
    assert future.status_code == 201, future.content
    assert future.json()["based_on"] == current["id"] and future.json()["kind"] == "future_state"
    assert future.json()["language"] == "fr"
    copy = api.get(f"/api/v1/maps/{future.json()['id']}/document/").json()

    def shape(document: dict) -> dict:
        stage_name = {s["id"]: s["name"] for s in document["stages"]}
        lane_title = {la["id"]: la["title"] for la in document["lanes"]}
        card_text = {c["id"]: c["text"] for c in document["cards"]}
        return {
            "stages": [s["name"] for s in display_stages(document)],
            "lanes": [(la["title"], la["prompt"]) for la in document["lanes"]],
            "phases": [p["title"] for p in document["phases"]],
            # Card positions are kept within a cell: compare cell by cell.
            "cards": sorted((stage_name[c["stage"]], lane_title[c["lane"]], c["position"], c["text"], c["team"],
                             card_text.get(c["addresses"])) for c in document["cards"]),
            "touchpoints": [(t["title"], t["csat"]) for t in document["touchpoints"]],
            "moments": [(m["title"], bool(m["touchpoint"])) for m in document["moments"]],
            "emotions": sorted((stage_name[e["stage"]], e["persona"], e["score"]) for e in document["emotions"]),
            "personas": [p["id"] for p in document["personas"]],
        }

    assert len(copy["cards"]) == 39
    assert shape(copy) == shape(source)
    assert not {c["id"] for c in copy["cards"]} & {c["id"] for c in source["cards"]}
    # The copy's op log rebuilds it, like any map.
    from maps.document import apply_ops, comparable, empty_document
    from maps.models import Operation

    rebuilt = empty_document()
    for row in Operation.objects.filter(map_id=future.json()["id"]).order_by("seq"):
        apply_ops(rebuilt, row.ops, row.seq)
    assert comparable(rebuilt) == comparable(copy)


@pytest.mark.django_db
def test_a_map_saved_as_a_template_is_listed_beside_the_built_in_ones(api, workspace, outsider):
    template = MapTemplate.objects.get(workspace__isnull=True, key="service_blueprint", language="en")
    made = api.post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Support", "template": str(template.id)},
                    format="json").json()
    lane = api.get(f"/api/v1/maps/{made['id']}/lanes/").json()[0]
    stage = api.get(f"/api/v1/maps/{made['id']}/stages/").json()[0]
    api.post(f"/api/v1/maps/{made['id']}/cards/", {"stage": stage["id"], "lane": lane["id"], "text": "Example"},
             format="json")
    api.patch(f"/api/v1/maps/{made['id']}/lanes/{lane['id']}/", {"prompt": "Our own question?"}, format="json")
    saved = api.post(f"/api/v1/maps/{made['id']}/save-as-template/", {"name": "Our support blueprint",
                                                                     "include_cards": True}, format="json")
    assert saved.status_code == 201
    listed = api.get("/api/v1/templates/?language=en").json()
    ours = [t for t in listed if not t["builtin"]]
    assert [t["name"] for t in ours] == ["Our support blueprint"]
    assert ours[0]["workspace"] == str(workspace.id) and ours[0]["card_count"] == 1
    assert ours[0]["lanes"][0]["prompt"] == "Our own question?"
    assert len([t for t in listed if t["builtin"]]) == 4
    # A new map from it carries the guiding questions and the example card.
    again = api.post("/api/v1/maps/", {"workspace": str(workspace.id), "title": "Again",
                                       "template": saved.json()["id"]}, format="json").json()
    doc = api.get(f"/api/v1/maps/{again['id']}/document/").json()
    assert doc["lanes"][0]["prompt"] == "Our own question?" and [c["text"] for c in doc["cards"]] == ["Example"]
    # Other workspaces do not see it.
    other = APIClient()
    other.force_authenticate(outsider)
    assert all(t["builtin"] for t in other.get("/api/v1/templates/").json())


@pytest.mark.django_db
def test_duplicating_a_map_copies_its_content_under_new_ids(api, world_map):
    response = api.post(f"/api/v1/maps/{world_map.id}/duplicate/", {"title": "Copy"}, format="json")
    assert response.status_code == 201 and response.json()["title"] == "Copy"
    source = api.get(f"/api/v1/maps/{world_map.id}/document/").json()
    copy = api.get(f"/api/v1/maps/{response.json()['id']}/document/").json()
    def cells(document: dict) -> list:
        return sorted((c["stage"] in {s["id"] for s in document["stages"]}, c["position"], c["text"])
                      for c in document["cards"])

    assert cells(copy) == cells(source) and len(copy["cards"]) == 5
    assert copy["map"]["based_on"] is None


@pytest.fixture
def world_map(grid, owner):
    for i in range(5):
        grid.card(owner, stage=i % 3, lane=i % 2, text=f"c{i}")
    return grid.map
