"""Restore: after random edits, making the map equal to an earlier version gives
exactly that version's document, reusing ids, in one batch through apply."""

from __future__ import annotations

import random
import uuid

import pytest

from maps.models import Card, Operation
from maps.operations import actor_for, apply
from maps.selectors import map_document
from tests.versions.helpers import assert_same_content
from tests.versions.randomops import random_batch
from versions.models import Reason, Version
from versions.restoring import restore_undo, version_restore
from versions.selectors import version_document
from versions.services import version_create


def edit(grid, user, rng, count):
    for _ in range(count):
        doc = map_document(map_id=grid.map.id)
        apply(map_id=grid.map.id, actor=actor_for(user, grid.map.workspace_id), batch_id=f"r-{uuid.uuid4()}",
              ops=random_batch(rng, doc, grid.map.id))


@pytest.fixture
def rich_grid(grid, owner):
    tp_lane = str(uuid.uuid4())
    grid.push(owner, [{"op": "create", "entity": "lane", "id": tp_lane,
                       "fields": {"title": "Touchpoints", "kind": "touchpoints"}}])
    for i in range(6):
        grid.card(owner, stage=i % 3, lane=i % 2, text=f"card {i}")
    return grid


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_restoring_a_version_gives_exactly_its_document(rich_grid, owner, editor, seed):
    rng = random.Random(seed)
    saved = []
    for _ in range(4):
        edit(rich_grid, rng.choice([owner, editor]), rng, 15)
        saved.append(version_create(journey_map=rich_grid.map, user=owner, name=f"v{len(saved)}"))
    before = map_document(map_id=rich_grid.map.id)
    target = saved[1]
    result = version_restore(journey_map=rich_grid.map, version=target, user=editor)
    assert result.ack.status in ("ok", "rebased"), result.ack.error
    after = map_document(map_id=rich_grid.map.id)
    assert_same_content(after, version_document(version=target))
    # One batch, in the op log, by the restorer.
    assert Operation.objects.filter(map=rich_grid.map, seq=result.ack.seq).get().actor == editor
    assert after["map"]["seq"] == before["map"]["seq"] + 1
    # What was there before is an automatic version.
    assert result.before.reason == Reason.RESTORE and result.before.auto
    assert_same_content(version_document(version=result.before), before)
    undone = restore_undo(journey_map=rich_grid.map, user=editor)
    assert undone is not None and not undone.changed_since
    assert_same_content(map_document(map_id=rich_grid.map.id), before)


@pytest.mark.django_db
def test_restore_brings_back_deleted_items_under_their_own_ids(rich_grid, owner):
    card = rich_grid.card(owner, text="kept")
    version = version_create(journey_map=rich_grid.map, user=owner, name="with the card")
    rich_grid.push(owner, [{"op": "delete", "entity": "stage", "id": rich_grid.stages[0]}])
    rich_grid.push(owner, [{"op": "delete", "entity": "card", "id": card}])
    version_restore(journey_map=rich_grid.map, version=version, user=owner)
    assert Card.objects.filter(map=rich_grid.map).count() == 7  # no copies
    assert Card.objects.get(id=card).deleted_by_seq is None


@pytest.mark.django_db
def test_undo_restore_says_when_the_map_changed_since(rich_grid, owner):
    version = version_create(journey_map=rich_grid.map, user=owner, name="start")
    rich_grid.card(owner, text="later")
    version_restore(journey_map=rich_grid.map, version=version, user=owner)
    rich_grid.card(owner, text="after the restore")
    undone = restore_undo(journey_map=rich_grid.map, user=owner)
    assert undone.changed_since
    texts = {c["text"] for c in map_document(map_id=rich_grid.map.id)["cards"]}
    assert "later" in texts and "after the restore" not in texts
    assert Version.objects.filter(map=rich_grid.map, reason=Reason.RESTORE).count() == 2
