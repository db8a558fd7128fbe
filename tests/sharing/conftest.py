from __future__ import annotations

import uuid

import pytest

from journeymap import ratelimit
from sharing import links as sharing


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    # Counters of this test only (the in-process ones are cleared, Redis ones namespaced).
    settings.RATELIMIT_NAMESPACE = f"test-{uuid.uuid4().hex}:"
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def hidden_grid(grid, owner):
    """The grid with a third lane "Internal costs" that share links hide, and a card in each lane."""
    lane = str(uuid.uuid4())
    ack = grid.push(owner, [{"op": "create", "entity": "lane", "id": lane, "fields": {"title": "Internal costs"}}])
    assert ack.status == "ok", ack.error
    grid.hidden = lane
    grid.visible_card = grid.card(owner, stage=0, lane=0, text="Customer calls support")
    card_id = str(uuid.uuid4())
    ack = grid.push(owner, [{"op": "create", "entity": "card", "id": card_id,
                             "fields": {"stage": grid.stages[0], "lane": lane, "text": "Margin is 4 percent"}}])
    assert ack.status == "ok", ack.error
    grid.hidden_card = card_id
    return grid


@pytest.fixture
def share(hidden_grid, owner):
    """A link to the grid for Support that hides the internal lane."""
    return sharing.share_link_create(map=hidden_grid.map, created_by=owner, label="for Support",
                                     hidden_lanes=[hidden_grid.hidden], allow_pdf=True)
