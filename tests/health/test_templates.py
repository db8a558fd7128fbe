"""The four built-in templates, in English and French, filled in as their
descriptions suggest, come out healthy on the voice check (and on empty cells,
where each kind may leave its own lanes empty)."""

from __future__ import annotations

import pytest
from django.utils import translation

from health.selectors import map_health
from maps.models import Lane, Stage
from templates_lib.models import MapTemplate
from templates_lib.services import map_from_template
from tests.factories import PersonaFactory
from tests.health.conftest import MapBuilder, check

pytestmark = pytest.mark.django_db

# What a workshop writes, in the customer's voice.
WRITING = {
    "en": {"text": "I want it sorted without a fuss", "touchpoints": "Website", "pain_points": "I wait on hold",
           "opportunities": "Call back within the hour", "frontstage": "The adviser answers the chat"},
    "fr": {"text": "Je veux que ce soit réglé sans histoire", "touchpoints": "Site web",
           "pain_points": "J’attends au téléphone", "opportunities": "Rappeler dans l’heure",
           "frontstage": "Le conseiller répond sur le chat"},
}
# Left empty on purpose: what each kind may leave empty.
LEFT_EMPTY = {"service_blueprint": {"backstage", "support"}, "day_in_the_life": {"touchpoints"}}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("key", ["current_state", "future_state", "day_in_the_life", "service_blueprint"])
def test_a_builtin_template_filled_in_is_in_the_customers_voice(workspace, owner, key, language):
    template = MapTemplate.objects.get(key=key, language=language, workspace=None)
    journey_map = map_from_template(template=template, workspace=workspace, title=template.name, actor_user=owner)
    persona = PersonaFactory(workspace=workspace, name="Léa")
    b = MapBuilder(journey_map, owner)
    b.persona(persona)
    words = WRITING[language]
    stages = list(Stage.objects.filter(map=journey_map).values_list("id", flat=True))
    assert len(stages) >= 5
    for lane in Lane.objects.filter(map=journey_map):
        for stage in map(str, stages):
            if lane.kind in LEFT_EMPTY.get(key, set()):
                continue
            if lane.kind == "touchpoints":
                b.touchpoint(stage, str(lane.id), words["touchpoints"])
            elif lane.kind == "emotion":
                b.emotion(stage, 1, persona)
            elif lane.kind in WRITING[language] or lane.kind in ("backstage", "support"):
                b.card(stage, str(lane.id), words.get(lane.kind, words["text"]))
    b.save()
    with translation.override(language):
        health = map_health(journey_map=journey_map)
    voice = check(health, "company_voice")
    assert voice["applies"] and voice["status"] == "ok", voice["items"]
    assert check(health, "empty_cells")["status"] == "ok", check(health, "empty_cells")["items"][:3]
    assert check(health, "emotion_gaps")["status"] == "ok"
    assert check(health, "no_persona")["status"] == "ok"
