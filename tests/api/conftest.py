"""A populated workspace for API tests: one map with every kind of content, and
clients for each role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from maps.models import Membership
from tests.factories import MapFactory, PersonaFactory, TeamFactory
from touchpoints.models import Channel


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 takes about half a second per user: far too slow for a table of tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    workspace: Any
    map: Any
    users: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)
    other: dict[str, str] = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(self.users[role])
        return client


def _push(journey_map: Any, user: Any, ops: list[dict[str, Any]]) -> None:
    from maps.operations import actor_for, apply

    ack = apply(map_id=journey_map.id, actor=actor_for(user, journey_map.workspace_id),
                batch_id=f"setup-{uuid.uuid4()}", ops=ops)
    assert ack.status in ("ok", "rebased"), ack.error


def populate(journey_map: Any, user: Any, persona: Any, team: Any = None) -> dict[str, str]:
    """A phase, two stages, three lanes, a card, a touchpoint, a moment, an emotion."""
    ids = {name: str(uuid.uuid4()) for name in
           ("phase", "stage", "stage2", "lane", "lane2", "tp_lane", "card", "touchpoint", "moment", "emotion",
            "persona_link")}
    _push(journey_map, user, [
        {"op": "create", "entity": "phase", "id": ids["phase"], "fields": {"title": "Before"}},
        {"op": "create", "entity": "stage", "id": ids["stage"], "fields": {"name": "Discover", "phase": ids["phase"]}},
        {"op": "create", "entity": "stage", "id": ids["stage2"], "fields": {"name": "Buy"}},
        {"op": "create", "entity": "lane", "id": ids["lane"], "fields": {"title": "Thinks"}},
        {"op": "create", "entity": "lane", "id": ids["lane2"], "fields": {"title": "Does"}},
        {"op": "create", "entity": "lane", "id": ids["tp_lane"], "fields": {"title": "Where", "kind": "touchpoints"}},
        {"op": "create", "entity": "card", "id": ids["card"],
         "fields": {"stage": ids["stage"], "lane": ids["lane"], "text": "Is this for me?",
                    **({"team": str(team.id)} if team else {})}},
        {"op": "create", "entity": "touchpoint", "id": ids["touchpoint"],
         "fields": {"stage": ids["stage"], "lane": ids["tp_lane"], "title": "Website"}},
        {"op": "create", "entity": "moment", "id": ids["moment"],
         "fields": {"stage": ids["stage"], "title": "First impression", "touchpoint": ids["touchpoint"]}},
        {"op": "create", "entity": "persona_link", "id": ids["persona_link"], "fields": {"persona": str(persona.id)}},
        {"op": "create", "entity": "emotion", "id": ids["emotion"],
         "fields": {"stage": ids["stage"], "persona": str(persona.id), "score": -1}},
    ])
    return ids


@pytest.fixture
def world(workspace, owner, editor, viewer, outsider) -> World:
    journey_map = MapFactory(workspace=workspace, title="Onboarding")
    persona = PersonaFactory(workspace=workspace, name="Camille")
    team = TeamFactory(workspace=workspace, name="Support")
    channel = Channel.objects.create(workspace=workspace, key="kiosk", name="Kiosk")
    ids = populate(journey_map, owner, persona, team)
    ids.update(persona=str(persona.id), team=str(team.id), channel=str(channel.id),
               viewer_member=str(Membership.objects.get(workspace=workspace, user=viewer).id))
    # Another workspace (the outsider's) with its own map and things, for cross-workspace ids.
    other_ws = Membership.objects.get(user=outsider).workspace
    other_map = MapFactory(workspace=other_ws, title="Theirs")
    other_persona = PersonaFactory(workspace=other_ws)
    other_team = TeamFactory(workspace=other_ws)
    other_ids = populate(other_map, outsider, other_persona, other_team)
    other_ids.update(map=str(other_map.id), workspace=str(other_ws.id), persona=str(other_persona.id),
                     team=str(other_team.id))
    return World(workspace=workspace, map=journey_map,
                 users={"owner": owner, "editor": editor, "viewer": viewer, "outsider": outsider},
                 ids=ids, other=other_ids)
