from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from journeymap import ratelimit
from maps.models import Team
from sharing import links as sharing
from tests.factories import PersonaFactory


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    # Counters of this test only (the in-process ones are cleared, Redis ones namespaced).
    settings.RATELIMIT_NAMESPACE = f"test-{uuid.uuid4().hex}:"
    ratelimit.reset()
    yield
    ratelimit.reset()


@dataclass
class World:
    """One workspace with one of everything, ids at hand for URLs and bodies."""

    grid: Any
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(grid, owner, editor, viewer, workspace) -> World:
    from discussion.services import comment_create
    from exports.models import Export
    from maps.models import Membership
    from touchpoints.models import Channel

    w = World(grid)
    team = Team.objects.create(workspace=workspace, name="Support", color="#0f766e")
    persona = PersonaFactory(workspace=workspace)
    phase, touchpoint, moment, emotion, link = (str(uuid.uuid4()) for _ in range(5))
    card = grid.card(owner, text="A card")
    ack = grid.push(owner, [
        {"op": "create", "entity": "phase", "id": phase, "fields": {"title": "Before"}},
        {"op": "create", "entity": "touchpoint", "id": touchpoint,
         "fields": {"stage": grid.stages[0], "lane": grid.lanes[1], "title": "Website"}},
        {"op": "create", "entity": "moment", "id": moment,
         "fields": {"stage": grid.stages[0], "lane": grid.lanes[1], "title": "First call"}},
        {"op": "create", "entity": "persona_link", "id": link, "fields": {"persona": str(persona.id)}},
        {"op": "create", "entity": "emotion", "id": emotion, "fields": {"stage": grid.stages[0], "score": 1}},
    ])
    assert ack.status in ("ok", "rebased"), ack.error
    channel = Channel.objects.create(workspace=workspace, key="kiosk", name="Kiosk")
    export = Export.objects.create(map=grid.map, workspace=workspace, requested_by=owner, format="pdf",
                                   content_hash="0" * 64)
    share = sharing.share_link_create(map=grid.map, created_by=owner, label="for Support")
    comment = comment_create(journey_map=grid.map, user=owner, anchor={"type": "card", "id": card},
                             body="Is this still true?")
    w.ids = {
        "map_id": str(grid.map.id), "workspace_id": str(workspace.id), "team_id": str(team.id),
        "member_id": str(Membership.objects.get(workspace=workspace, user=editor).id),
        "persona_id": str(persona.id), "channel_id": str(channel.id), "export_id": str(export.id),
        "link_id": str(share.link.id), "comment_id": str(comment.id),
        "stages": grid.stages[1], "lanes": grid.lanes[0], "phases": phase, "cards": card,
        "touchpoints": touchpoint, "moments": moment, "emotions": emotion,
    }
    w.share_token = share.token
    return w
