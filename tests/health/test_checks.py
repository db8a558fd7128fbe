"""Each check, on a map that trips it and on one that does not, in English and
French: the healthy map passes everything, then one thing is spoiled at a time."""

from __future__ import annotations

import pytest
from django.utils import translation

from health.selectors import map_health
from maps.models import EmotionPoint, MapPersona, Stage
from tests.health.conftest import MapBuilder, check
from touchpoints.models import MomentOfTruth

LANGUAGES = ["en", "fr"]
pytestmark = pytest.mark.django_db


def health_of(journey_map, language):
    with translation.override(language):
        return map_health(journey_map=journey_map)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_healthy_map_passes_every_check_and_scores_100(healthy, language):
    m = healthy(language)
    health = health_of(m.map, language)
    assert {c["code"]: c["status"] for c in health["checks"] if c["status"] != "ok"} == {}
    assert health["score"] == 100
    assert all(c["applies"] for c in health["checks"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stage_in_company_jargon_trips_company_voice(healthy, language):
    m = healthy(language)
    name = {"en": "Lead qualification in CRM", "fr": "Traitement du dossier"}[language]
    m.push({"op": "update", "entity": "stage", "id": m.stages[1], "fields": {"name": name}})
    voice = check(health_of(m.map, language), "company_voice")
    assert voice["status"] == "warn"
    assert [(i["entity"], i["id"]) for i in voice["items"]] == [("stage", m.stages[1])]
    note = voice["items"][0]["note"]
    if language == "en":
        assert note == "Company words: “Lead”, “qualification”, “CRM”"
        assert "1 stage is named in the company’s words" in voice["message"]
    else:
        assert note == "Mots de l’entreprise\u00a0: «\u00a0Traitement\u00a0», «\u00a0dossier\u00a0»"
        assert "1 étape porte un nom de l’entreprise" in voice["message"]


@pytest.mark.parametrize(("language", "name"), [("en", "Qualification"), ("en", "Activation"),
                                                ("fr", "Facturation"), ("fr", "Paiement")])
def test_a_stage_named_by_a_lone_abstract_noun_trips_company_voice(healthy, language, name):
    m = healthy(language)
    m.push({"op": "update", "entity": "stage", "id": m.stages[0], "fields": {"name": name}},
           {"op": "update", "entity": "stage", "id": m.stages[3], "fields": {"name": name + "s"}})
    voice = check(health_of(m.map, language), "company_voice")
    assert {i["id"] for i in voice["items"]} == {m.stages[0], m.stages[3]}
    # Two stages of six: a third of the map speaks the company's language.
    assert voice["status"] == "fail"


def test_a_day_in_the_life_may_name_its_stages_by_times_of_day(workspace, owner):
    from tests.factories import MapFactory

    journey_map = MapFactory(workspace=workspace, kind="day_in_the_life")
    b = MapBuilder(journey_map, owner)
    for name in ("Early morning", "Afternoon", "Night", "Après-midi", "Nuit"):
        b.stage(name)
    b.save()
    assert check(health_of(journey_map, "en"), "company_voice")["status"] == "ok"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_map_without_persona_fails_no_persona(healthy, language):
    m = healthy(language)
    link = str(MapPersona.objects.get(map=m.map).id)
    m.push({"op": "delete", "entity": "persona_link", "id": link})
    found = check(health_of(m.map, language), "no_persona")
    assert found["status"] == "fail" and found["items"][0]["entity"] == "map"
    assert ("Personas" if language == "en" else "Personas") in found["message"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stage_without_a_score_for_the_persona_trips_emotion_gaps(healthy, language):
    m = healthy(language)
    point = EmotionPoint.objects.get(map=m.map, stage_id=m.stages[4])
    m.push({"op": "delete", "entity": "emotion", "id": str(point.id)})
    gaps = check(health_of(m.map, language), "emotion_gaps")
    assert gaps["status"] == "warn"
    assert [i["id"] for i in gaps["items"]] == [m.stages[4]]
    assert "Camille" in gaps["items"][0]["note"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_touchpoints_and_pain_points_without_evidence_trip_no_evidence(healthy, language):
    m = healthy(language)
    m.push({"op": "update", "entity": "touchpoint", "id": m.touchpoints[0], "fields": {"evidence": []}},
           {"op": "update", "entity": "card", "id": m.cards["pain"][0], "fields": {"text": "Too slow"}})
    found = check(health_of(m.map, language), "no_evidence")
    assert found["status"] == "warn"
    assert {(i["entity"], i["id"]) for i in found["items"]} == {("touchpoint", m.touchpoints[0]),
                                                               ("card", m.cards["pain"][0])}


def test_a_future_state_needs_no_evidence(healthy):
    m = healthy("en", kind="future_state")
    m.push({"op": "update", "entity": "touchpoint", "id": m.touchpoints[0], "fields": {"evidence": []}})
    found = check(health_of(m.map, "fr"), "no_evidence")
    assert found["applies"] is False and found["status"] == "ok"
    assert "futur" in found["message"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_map_without_moments_of_truth_trips_the_check_but_a_day_in_the_life_does_not(healthy, language):
    m = healthy(language)
    moment = MomentOfTruth.objects.get(map=m.map)
    m.push({"op": "delete", "entity": "moment", "id": str(moment.id)})
    assert check(health_of(m.map, language), "no_moments_of_truth")["status"] == "warn"
    day = healthy(language, kind="day_in_the_life")
    MomentOfTruth.objects.filter(map=day.map).delete()
    assert check(health_of(day.map, language), "no_moments_of_truth")["applies"] is False


@pytest.mark.parametrize("language", LANGUAGES)
def test_pain_points_and_irritants_without_a_change_trip_irritants_unaddressed(healthy, language):
    m = healthy(language)
    m.push({"op": "update", "entity": "card", "id": m.cards["change"][0], "fields": {"addresses": None}})
    found = check(health_of(m.map, language), "irritants_unaddressed")
    assert found["status"] == "warn" and [i["id"] for i in found["items"]] == [m.cards["pain"][0]]
    # An irritant touchpoint counts as taken up by an opportunity at its stage, not elsewhere.
    m.push({"op": "update", "entity": "touchpoint", "id": m.touchpoints[1], "fields": {"evaluation": "irritant"}})
    assert m.touchpoints[1] not in {i["id"] for i in check(health_of(m.map, language), "irritants_unaddressed")["items"]}
    m.push({"op": "delete", "entity": "card", "id": m.cards["change"][1]})
    ids = {i["id"] for i in check(health_of(m.map, language), "irritants_unaddressed")["items"]}
    assert m.touchpoints[1] in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_map_written_by_one_team_trips_single_team(healthy, language):
    m = healthy(language)
    ops = [{"op": "update", "entity": "card", "id": c, "fields": {"team": str(m.teams[0].id)}}
           for group in m.cards.values() for c in group]
    ops += [{"op": "update", "entity": "touchpoint", "id": t, "fields": {"owner_team": str(m.teams[0].id)}}
            for t in m.touchpoints]
    m.push(*ops)
    found = check(health_of(m.map, language), "single_team")
    assert found["status"] == "warn"
    assert m.teams[0].name in found["message"]


def test_single_team_counts_the_teams_of_the_people_who_wrote(workspace, owner, editor):
    from maps.models import Membership
    from tests.factories import MapFactory, TeamFactory

    sales, support = TeamFactory(workspace=workspace, name="Sales"), TeamFactory(workspace=workspace, name="Help")
    Membership.objects.filter(user=owner).update(team=sales)
    Membership.objects.filter(user=editor).update(team=support)
    journey_map = MapFactory(workspace=workspace)
    b = MapBuilder(journey_map, owner)
    stage, lane = b.stage("Compare options"), b.lane("text", "Actions")
    for text in ("a", "b", "c"):
        b.card(stage, lane, text)
    b.save()
    assert check(health_of(journey_map, "en"), "single_team")["status"] == "warn"
    b2 = MapBuilder(journey_map, editor)
    b2.card(stage, lane, "d")
    b2.save()
    assert check(health_of(journey_map, "en"), "single_team")["status"] == "ok"


@pytest.mark.parametrize("language", LANGUAGES)
def test_empty_cells_are_listed_and_half_empty_fails(healthy, language):
    m = healthy(language)
    actions = m.lanes[list(m.lanes)[1]][1]
    m.push({"op": "delete", "entity": "card", "id": m.cards["text"][1]})
    found = check(health_of(m.map, language), "empty_cells")
    assert found["status"] == "warn"
    assert found["items"] == [{"entity": "cell", "id": f"{m.stages[0]}:{actions}", "stage": m.stages[0],
                               "lane": actions, "label": found["items"][0]["label"], "note": found["items"][0]["note"]}]
    ops = [{"op": "delete", "entity": "card", "id": c} for c in m.cards["text"][2:] + m.cards["pain"]]
    m.push(*ops)
    assert check(health_of(m.map, language), "empty_cells")["status"] == "fail"


def test_a_blueprint_may_leave_backstage_and_support_cells_empty(workspace, owner):
    from tests.factories import MapFactory

    journey_map = MapFactory(workspace=workspace, kind="service_blueprint")
    b = MapBuilder(journey_map, owner)
    stage = b.stage("Asks for help, contacts support")
    front = b.lane("frontstage", "How do we communicate?")
    b.lane("line_of_visibility", "Line of visibility")
    b.lane("backstage", "Backstage")
    b.lane("support", "Support processes")
    b.card(stage, front, "The agent answers the chat")
    b.save()
    assert check(health_of(journey_map, "en"), "empty_cells")["status"] == "ok"
    journey_map.kind = "current_state"
    journey_map.save(update_fields=["kind"])
    b.stage("Gets an answer")
    b.save()
    # The same lanes on a current-state map must be filled in.
    assert check(health_of(journey_map, "en"), "empty_cells")["count"] == 5


@pytest.mark.parametrize("language", LANGUAGES)
def test_more_than_twelve_stages_outside_phases_trip_too_many_stages(workspace, owner, language):
    from tests.factories import MapFactory

    journey_map = MapFactory(workspace=workspace, language=language)
    b = MapBuilder(journey_map, owner)
    for i in range(12):
        b.stage(f"Compare options {i}")
    b.save()
    assert check(health_of(journey_map, language), "too_many_stages")["status"] == "ok"
    b.stage("Recommend")
    b.save()
    found = check(health_of(journey_map, language), "too_many_stages")
    assert found["status"] == "warn" and "13" in found["message"]
    phase = b.phase("Before")
    b.save()
    for stage in Stage.objects.filter(map=journey_map)[:3]:
        b.ops.append({"op": "move", "entity": "stage", "id": str(stage.id), "fields": {"phase": phase}})
    b.save()
    assert check(health_of(journey_map, language), "too_many_stages")["status"] == "ok"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_map_past_its_review_date_trips_stale_and_fails_a_whole_interval_later(healthy, language):
    from datetime import timedelta

    from django.utils import timezone

    m = healthy(language)
    now = timezone.now()
    m.map.reviewed_at, m.map.review_every_months = now - timedelta(days=20), 1
    m.map.save(update_fields=["reviewed_at", "review_every_months"])
    with translation.override(language):
        fresh = check(map_health(journey_map=m.map, now=now), "stale")
        due = check(map_health(journey_map=m.map, now=now + timedelta(days=15)), "stale")
        late = map_health(journey_map=m.map, now=now + timedelta(days=50))
    assert fresh["status"] == "ok"
    assert due["status"] == "warn" and due["items"][0]["entity"] == "map"
    assert check(late, "stale")["status"] == "fail" and late["score"] < 100
    assert ("mark it reviewed" if language == "en" else "marquez-la comme revue") in due["message"]


def test_a_map_never_reviewed_is_due_its_interval_after_creation(healthy):
    from datetime import timedelta

    m = healthy("en")
    later = m.map.created_at + timedelta(days=4 * 31 + 1)
    stale = check(map_health(journey_map=m.map, now=later), "stale")
    assert stale["status"] == "warn" and stale["message"].startswith("Never reviewed")


def test_the_one_statement_facts_of_postgresql_equal_the_portable_ones(require_postgres, healthy, editor):
    from health.facts import map_facts_orm
    from health.facts_pg import map_facts_pg
    from maps.models import Membership
    from tests.factories import TeamFactory

    m = healthy("fr")
    Membership.objects.filter(user=editor).update(team=TeamFactory(workspace=m.map.workspace, name="Ventes"))
    b = MapBuilder(m.map, editor)
    b.stage("Sans phase")
    b.card(m.stages[0], m.lane_of("pain_points"), "Trop lent", addresses=None)
    b.save()
    m.push({"op": "update", "entity": "touchpoint", "id": m.touchpoints[0], "fields": {"evidence": []}},
           {"op": "delete", "entity": "card", "id": m.cards["text"][0]})
    portable = map_facts_orm(journey_map=m.map, extra_words=["zénith"])
    single = map_facts_pg(journey_map=m.map, extra_words=["zénith"])
    assert single == portable
    assert len(single.writers) == 2
    assert {tp["id"]: tp["evidenced"] for tp in single.touchpoints}[m.touchpoints[0]] is False
