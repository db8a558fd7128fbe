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


@pytest.mark.django_db
@pytest.mark.parametrize("smaller_first", [True, False])
def test_restore_keeps_the_order_of_siblings_tied_on_one_key(grid, owner, smaller_first):
    # A tie: a stage deleted, a new one created on its key, the first restored.
    ids = sorted(str(uuid.uuid4()) for _ in range(2))
    old_id, new_id = ids if smaller_first else ids[::-1]
    ack = grid.push(owner, [{"op": "create", "entity": "stage", "id": old_id, "fields": {"name": "Old"}}])
    assert ack.status == "ok", ack.error
    key = map_document(map_id=grid.map.id)["stages"][-1]["position"]
    grid.push(owner, [{"op": "delete", "entity": "stage", "id": old_id}])
    grid.push(owner, [{"op": "create", "entity": "stage", "id": new_id,
                       "fields": {"name": "New", "position": key}}])
    grid.push(owner, [{"op": "restore", "entity": "stage", "id": old_id}])
    tied = map_document(map_id=grid.map.id)
    assert [s["position"] for s in tied["stages"] if s["id"] in ids] == [key, key]
    version = version_create(journey_map=grid.map, user=owner, name="tied")
    # The tie undone by moving the first of it (by id), then back to the version: the
    # other still holds the key, and a move onto a taken key lands after it.
    grid.push(owner, [{"op": "move", "entity": "stage", "id": ids[0], "fields": {"before": grid.stages[0]}}])
    version_restore(journey_map=grid.map, version=version, user=owner)
    assert_same_content(map_document(map_id=grid.map.id), tied)
