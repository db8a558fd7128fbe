"""Maps built for the health checks: a healthy current-state map to start from,
and a builder that writes any map through the write path in one batch."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from maps.models import JourneyMap
from maps.operations import actor_for, apply
from tests.factories import MapFactory, PersonaFactory, TeamFactory


class MapBuilder:
    """Collects ops and writes them as one batch, as the editor would."""

    def __init__(self, journey_map: JourneyMap, user: Any) -> None:
        self.map = journey_map
        self.user = user
        self.ops: list[dict[str, Any]] = []

    def _create(self, entity: str, **fields: Any) -> str:
        item_id = str(uuid.uuid4())
        self.ops.append({"op": "create", "entity": entity, "id": item_id,
                         "fields": {k: v for k, v in fields.items() if v is not None}})
        return item_id

    def phase(self, title: str) -> str:
        return self._create("phase", title=title)

    def stage(self, name: str, phase: str | None = None) -> str:
        return self._create("stage", name=name, phase=phase)

    def lane(self, kind: str, title: str) -> str:
        return self._create("lane", kind=kind, title=title)

    def card(self, stage: str, lane: str, text: str, team: Any = None, addresses: str | None = None) -> str:
        return self._create("card", stage=stage, lane=lane, text=text, team=str(team.id) if team else None,
                            addresses=addresses)

    def touchpoint(self, stage: str, lane: str, title: str, evaluation: str = "", evidence: bool = True,
                   team: Any = None) -> str:
        return self._create("touchpoint", stage=stage, lane=lane, title=title, evaluation=evaluation,
                            evidence=[{"url": "https://example.org/survey", "label": "Survey"}] if evidence else None,
                            owner_team=str(team.id) if team else None)

    def moment(self, stage: str, title: str) -> str:
        return self._create("moment", stage=stage, title=title)

    def persona(self, persona: Any) -> str:
        return self._create("persona_link", persona=str(persona.id))

    def emotion(self, stage: str, score: int, persona: Any = None) -> str:
        return self._create("emotion", stage=stage, score=score, persona=str(persona.id) if persona else None)

    def save(self) -> JourneyMap:
        ack = apply(map_id=self.map.id, actor=actor_for(self.user, self.map.workspace_id),
                    batch_id=f"health-{uuid.uuid4()}", ops=self.ops)
        assert ack.status in ("ok", "rebased"), ack.error
        self.ops = []
        self.map.refresh_from_db()
        return self.map


# A current-state map in the customer's words, per language: phases, stages,
# what a workshop writes in each lane.
HEALTHY = {
    "en": {
        "phases": ["Before purchase", "Purchase", "After purchase"],
        "stages": [("Become aware of a need", 0), ("Compare options", 0), ("Buy or sign up", 1),
                   ("Get help", 2), ("Decide to stay or leave", 2), ("Recommend", 2)],
        "lanes": [("text", "Thinks & feels"), ("text", "Actions"), ("touchpoints", "Touchpoints"),
                  ("emotion", "Emotions"), ("pain_points", "Pain points"), ("opportunities", "Opportunities")],
        "thought": "I wonder whether this is for me",
        "action": "I read reviews on my phone",
        "touchpoint": "Website",
        "pain": "I wait too long on the phone https://example.org/calls",
        "change": "Call back within the hour",
    },
    "fr": {
        "phases": ["Avant l’achat", "Achat", "Après l’achat"],
        "stages": [("Prendre conscience d’un besoin", 0), ("Comparer les offres", 0), ("Acheter ou souscrire", 1),
                   ("Obtenir de l’aide", 2), ("Décider de rester ou de partir", 2), ("Recommander", 2)],
        "lanes": [("text", "Pensées et ressentis"), ("text", "Actions"), ("touchpoints", "Points de contact"),
                  ("emotion", "Émotions"), ("pain_points", "Irritants"), ("opportunities", "Opportunités")],
        "thought": "Je me demande si c’est pour moi",
        "action": "Je lis les avis sur mon téléphone",
        "touchpoint": "Site web",
        "pain": "J’attends trop longtemps au téléphone https://example.org/appels",
        "change": "Rappeler dans l’heure",
    },
}


class HealthyMap:
    """A map every check is happy with, and the ids to spoil it."""

    def __init__(self, workspace: Any, user: Any, language: str = "en", kind: str = "current_state") -> None:
        text = HEALTHY[language]
        self.map = MapFactory(workspace=workspace, title="Delivery", kind=kind, language=language)
        self.persona = PersonaFactory(workspace=workspace, name="Camille")
        self.teams = [TeamFactory(workspace=workspace, name=f"Support {uuid.uuid4().hex[:4]}"),
                      TeamFactory(workspace=workspace, name=f"Sales {uuid.uuid4().hex[:4]}")]
        self.user = user
        b = self.builder = MapBuilder(self.map, user)
        phases = [b.phase(title) for title in text["phases"]]
        self.stages = [b.stage(name, phases[phase]) for name, phase in text["stages"]]
        self.lanes = {title: (kind_, b.lane(kind_, title)) for kind_, title in text["lanes"]}
        b.persona(self.persona)
        self.cards: dict[str, list[str]] = {"pain": [], "text": [], "change": []}
        self.touchpoints: list[str] = []
        for i, stage in enumerate(self.stages):
            team = self.teams[i % 2]
            for kind_, lane in self.lanes.values():
                if kind_ == "text":
                    self.cards["text"].append(b.card(stage, lane, text["thought"], team=team))
                elif kind_ == "touchpoints":
                    self.touchpoints.append(b.touchpoint(stage, lane, text["touchpoint"], "neutral", team=team))
                elif kind_ == "emotion":
                    b.emotion(stage, 1, self.persona)
            pain = b.card(stage, self.lane_of("pain_points"), text["pain"], team=team)
            self.cards["pain"].append(pain)
            self.cards["change"].append(b.card(stage, self.lane_of("opportunities"), text["change"], team=team,
                                               addresses=pain))
        b.moment(self.stages[2], "The first invoice")
        b.save()

    def lane_of(self, kind: str) -> str:
        return next(lane for kind_, lane in self.lanes.values() if kind_ == kind)

    def push(self, *ops: dict[str, Any]) -> None:
        ack = apply(map_id=self.map.id, actor=actor_for(self.user, self.map.workspace_id),
                    batch_id=f"health-{uuid.uuid4()}", ops=list(ops))
        assert ack.status in ("ok", "rebased"), ack.error
        self.map.refresh_from_db()


@pytest.fixture
def healthy(workspace, owner):
    def make(language: str = "en", kind: str = "current_state") -> HealthyMap:
        return HealthyMap(workspace, owner, language, kind)
    return make


def check(health: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in health["checks"] if c["code"] == code)
