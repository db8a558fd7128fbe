"""Group commit (``apply_group``): several batches of one map in one transaction,
each with its own seq, op-log row and ack; a rejected one rolls back alone."""

from __future__ import annotations

import json
import uuid

import pytest

from maps import realtime
from maps.models import Card, JourneyMap, Operation
from maps.operations import Submitted, actor_for, apply_group

pytestmark = pytest.mark.django_db


def card_create(grid, text: str) -> dict:
    return {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": text}}


def submitted(grid, user, batch_id: str, ops: list[dict]) -> Submitted:
    return Submitted(actor=actor_for(user, grid.map.workspace_id), batch_id=batch_id, ops=ops)


@pytest.fixture
def frames(monkeypatch) -> list[dict]:
    sent: list[dict] = []
    monkeypatch.setattr(realtime, "send_to_hubs", lambda map_id, event: sent.append(json.loads(event["text"])))
    return sent


def test_a_rejected_batch_in_a_group_rolls_back_alone_and_seqs_stay_consecutive(
        grid, owner, editor, frames, django_capture_on_commit_callbacks):
    start = JourneyMap.objects.get(id=grid.map.id).seq
    missing = str(uuid.uuid4())
    batches = [
        submitted(grid, owner, "g:1", [card_create(grid, "one")]),
        submitted(grid, editor, "g:2", [card_create(grid, "two")]),
        # The create in this batch must not survive the update that fails after it.
        submitted(grid, editor, "g:3", [card_create(grid, "lost"),
                                        {"op": "update", "entity": "card", "id": missing, "fields": {"text": "x"}}]),
        submitted(grid, owner, "g:4", [card_create(grid, "four")]),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        acks = apply_group(map_id=grid.map.id, batches=batches)
    assert [a.status for a in acks] == ["ok", "ok", "rejected", "ok"]
    assert acks[2].error["code"] == "not_found" and acks[2].error["op_index"] == 1
    assert [a.seq for a in acks] == [start + 1, start + 2, None, start + 3]
    assert JourneyMap.objects.get(id=grid.map.id).seq == start + 3
    log = list(Operation.objects.filter(map_id=grid.map.id, seq__gt=start).order_by("seq")
               .values_list("seq", "batch_id"))
    assert log == [(start + 1, "g:1"), (start + 2, "g:2"), (start + 3, "g:4")]
    texts = {c["fields"]["text"] for a in acks if a.status == "ok" for c in a.ops}
    assert texts == {"one", "two", "four"}
    assert set(Card.objects.filter(map_id=grid.map.id).values_list("text", flat=True)) >= texts
    assert not Card.objects.filter(map_id=grid.map.id, text="lost").exists()
    # One ops frame per committed batch, on commit, in seq order.
    assert [(f["seq"], f["batch_id"]) for f in frames] == log


def test_a_resend_inside_a_group_gets_its_stored_ack_and_a_reused_id_is_refused(grid, owner, editor, frames):
    first = grid.push(owner, [card_create(grid, "already here")], batch_id="again")
    assert first.status == "ok"
    resend_ops = Operation.objects.get(map_id=grid.map.id, batch_id="again").ops
    original = [{**op} for op in resend_ops]
    batches = [
        submitted(grid, editor, "new:1", [card_create(grid, "fresh")]),
        # The very same request again (a client resending after a lost ack).
        submitted(grid, owner, "again", [{"op": "create", "entity": "card", "id": original[0]["id"],
                                          "fields": {"stage": grid.stages[0], "lane": grid.lanes[0],
                                                     "text": "already here"}}]),
        # The same id with other ops.
        submitted(grid, owner, "again", [card_create(grid, "other ops")]),
        submitted(grid, editor, "new:2", [card_create(grid, "fresh too")]),
    ]
    acks = apply_group(map_id=grid.map.id, batches=batches)
    assert acks[1].status == "ok" and acks[1].seq == first.seq and acks[1].ops == first.ops
    assert acks[2].status == "rejected" and acks[2].error["code"] == "batch_id_reused"
    assert [acks[0].seq, acks[3].seq] == [first.seq + 1, first.seq + 2]
    assert Operation.objects.filter(map_id=grid.map.id, batch_id="again").count() == 1
    assert list(Operation.objects.filter(map_id=grid.map.id).order_by("seq").values_list("seq", flat=True)) == \
        list(range(1, first.seq + 3))


def test_a_malformed_batch_in_a_group_is_refused_without_touching_the_others(grid, owner):
    acks = apply_group(map_id=grid.map.id, batches=[
        submitted(grid, owner, "m:1", [{"op": "explode", "entity": "card", "id": str(uuid.uuid4())}]),
        submitted(grid, owner, "m:2", [card_create(grid, "fine")]),
    ])
    assert acks[0].status == "rejected" and acks[0].error["code"] == "invalid"
    assert acks[1].status == "ok"
    assert Operation.objects.filter(map_id=grid.map.id, batch_id="m:1").count() == 0
