"""A restore never shows a share viewer what the link hides: the restore is an
ordinary batch, filtered by the viewer's visibility profile like any other."""

from __future__ import annotations

import json

import pytest

from maps.live.visibility import Profile
from maps.selectors import viewer_snapshot
from versions.restoring import version_restore
from versions.services import version_create


@pytest.mark.django_db
def test_restoring_a_hidden_card_and_its_stage_sends_the_viewer_only_what_it_may_see(hidden_grid, share, owner):
    version = version_create(journey_map=hidden_grid.map, user=owner, name="Before the cuts")
    hidden_grid.push(owner, [{"op": "delete", "entity": "card", "id": hidden_grid.hidden_card}])
    hidden_grid.push(owner, [{"op": "delete", "entity": "stage", "id": hidden_grid.stages[0]}])
    hidden = frozenset({hidden_grid.hidden})
    doc, shadow, hide_emotions = viewer_snapshot(hidden_grid.map.id, hidden)
    profile = Profile(str(hidden_grid.map.id), hidden, False)
    profile.load(doc["map"]["seq"], shadow, hide_emotions)

    result = version_restore(journey_map=hidden_grid.map, version=version, user=owner)
    sent, holes = profile.process(result.ack.ops)
    text = json.dumps(sent)
    # The stage and the visible card come back for the viewer...
    assert hidden_grid.stages[0] in text and hidden_grid.visible_card in text
    # ... the hidden card, its text and its lane never do.
    assert hidden_grid.hidden_card not in text and "Margin" not in text and hidden_grid.hidden not in text
    assert holes == []
    # The members' batch did bring the hidden card back.
    assert hidden_grid.hidden_card in json.dumps(result.ack.ops)
