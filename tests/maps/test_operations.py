"""The single write path: validation, ordering, conflicts, tombstones, idempotency."""

from __future__ import annotations

import uuid

import pytest

from maps.document import apply_ops, comparable, empty_document
from maps.models import Card, EmotionPoint, Operation, Stage
from maps.operations import actor_for, apply
from maps.selectors import map_document
from tests.factories import MapFactory, PersonaFactory


def new() -> str:
    return str(uuid.uuid4())


def test_editor_creates_a_card_and_gets_the_canonical_op_with_a_server_position(grid, editor):
    card_id = new()
    ack = grid.push(editor, [{"op": "create", "entity": "card", "id": card_id,
                              "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": "I wait"}}])
    assert ack.status == "ok"
    committed = ack.ops[0]
    assert committed["id"] == card_id
    assert committed["fields"]["position"]  # filled in by the server
    assert committed["fields"]["text"] == "I wait"
    assert committed["fields"]["version"] == 1
    assert ack.seq == grid.map.seq + 2 - 1 + 1 or ack.seq > 0
    assert Operation.objects.get(map=grid.map, seq=ack.seq).ops == ack.ops


def test_cards_placed_after_and_before_keep_the_asked_order(grid, editor):
    first = grid.card(editor, text="first")
    last = grid.card(editor, text="last")
    middle = new()
    ack = grid.push(editor, [{"op": "create", "entity": "card", "id": middle,
                              "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "after": first}}])
    assert ack.status == "ok", ack.error
    top = new()
    grid.push(editor, [{"op": "create", "entity": "card", "id": top,
                        "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "before": first}}])
    order = [str(c.id) for c in Card.objects.filter(stage_id=grid.stages[0]).order_by("position", "id")]
    assert order == [top, first, middle, last]


def test_per_field_last_writer_wins_between_two_actors(grid, owner, editor):
    card_id = grid.card(owner, text="draft")
    grid.push(owner, [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "owner text"}}])
    grid.push(editor, [{"op": "update", "entity": "card", "id": card_id, "fields": {"color": "#FF0000"}}])
    grid.push(editor, [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "editor text"}}])
    card = Card.objects.get(id=card_id)
    # The editor wrote text last; the colour (written once) survives the later text write.
    assert card.text == "editor text"
    assert card.color == "#ff0000"
    assert card.version == 4


def test_repeating_a_batch_returns_the_stored_ack_and_applies_nothing(grid, editor):
    card_id = new()
    ops = [{"op": "create", "entity": "card", "id": card_id,
            "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": "once"}}]
    first = grid.push(editor, ops, batch_id="c-1:1")
    again = grid.push(editor, ops, batch_id="c-1:1")
    assert again.status == first.status == "ok"
    assert again.seq == first.seq and again.ops == first.ops
    assert Operation.objects.filter(map=grid.map, batch_id="c-1:1").count() == 1
    assert Card.objects.filter(id=card_id).count() == 1


def test_same_batch_id_with_other_ops_is_refused(grid, editor):
    grid.card(editor)
    card_id = grid.card(editor)
    grid.push(editor, [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "a"}}], batch_id="c-2:7")
    ack = grid.push(editor, [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "b"}}],
                    batch_id="c-2:7")
    assert ack.status == "rejected"
    assert ack.error["code"] == "batch_id_reused"
    assert Card.objects.get(id=card_id).text == "a"


def test_batch_ids_are_scoped_per_actor(grid, owner, editor):
    ops = lambda: [{"op": "create", "entity": "card", "id": new(),  # noqa: E731
                    "fields": {"stage": grid.stages[0], "lane": grid.lanes[0]}}]
    assert grid.push(owner, ops(), batch_id="c-1:1").status == "ok"
    assert grid.push(editor, ops(), batch_id="c-1:1").status == "ok"


def test_a_rejected_batch_leaves_the_map_exactly_as_it_was(grid, editor):
    other_map_stage = new()
    other = MapFactory(workspace=grid.map.workspace)
    apply(map_id=other.id, actor=actor_for(None), batch_id="x",
          ops=[{"op": "create", "entity": "stage", "id": other_map_stage, "fields": {"name": "Elsewhere"}}])
    card_id = grid.card(editor, text="keep me")
    before = map_document(map_id=grid.map.id)
    ack = grid.push(editor, [
        {"op": "update", "entity": "card", "id": card_id, "fields": {"text": "changed"}},
        {"op": "create", "entity": "stage", "id": new(), "fields": {"name": "New"}},
        {"op": "move", "entity": "card", "id": card_id, "fields": {"stage": other_map_stage, "lane": grid.lanes[0]}},
    ])
    assert ack.status == "rejected"
    assert ack.error == {"code": "not_found", "message": ack.error["message"], "op_index": 2, "field": "stage"}
    assert map_document(map_id=grid.map.id) == before


@pytest.mark.parametrize(
    ("op", "code", "field"),
    [
        ({"op": "create", "entity": "card", "id": "not-a-uuid", "fields": {}}, "invalid", "id"),
        ({"op": "create", "entity": "card", "id": None, "fields": {}}, "invalid", "id"),
        ({"op": "explode", "entity": "card", "id": "00000000-0000-0000-0000-000000000001"}, "invalid", "op"),
        ({"op": "create", "entity": "dragon", "id": "00000000-0000-0000-0000-000000000001"}, "invalid", "entity"),
        ({"op": "create", "entity": "stage", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"name": "x" * 201}}, "invalid", "name"),
        ({"op": "create", "entity": "stage", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"name": 12}}, "invalid", "name"),
        ({"op": "create", "entity": "stage", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"name": "ok", "colour": "red"}}, "invalid", "colour"),
        ({"op": "update", "entity": "card", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"text": "t" * 10_001}}, "invalid", "text"),
        ({"op": "update", "entity": "card", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"text": "nul\x00"}}, "invalid", "text"),
        ({"op": "update", "entity": "card", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"text": "fine"}}, "not_found", "id"),
        ({"op": "create", "entity": "emotion", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"stage": "00000000-0000-0000-0000-000000000002", "score": 4}}, "invalid", "score"),
        ({"op": "create", "entity": "card", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"lane": "00000000-0000-0000-0000-000000000002"}}, "invalid", "stage"),
        ({"op": "update", "entity": "card", "id": "00000000-0000-0000-0000-000000000001",
          "fields": {"stage": "00000000-0000-0000-0000-000000000002"}}, "invalid", "stage"),
    ],
)
def test_bad_ops_are_rejected_naming_the_field(grid, editor, op, code, field):
    ack = grid.push(editor, [op])
    assert ack.status == "rejected"
    assert (ack.error["code"], ack.error["field"], ack.error["op_index"]) == (code, field, 0)
    assert ack.error["message"]


def test_viewer_cannot_change_the_map_and_outsider_does_not_see_it(grid, viewer, outsider):
    ops = [{"op": "create", "entity": "card", "id": new(), "fields": {"stage": grid.stages[0], "lane": grid.lanes[0]}}]
    assert grid.push(viewer, ops).error["code"] == "forbidden"
    assert grid.push(outsider, ops).error["code"] == "not_found"
    assert not Card.objects.filter(map=grid.map).exists()


def test_deleting_a_stage_tombstones_its_cards_and_restore_brings_back_exactly_those(grid, editor):
    earlier = grid.card(editor, stage=0, text="deleted before")
    kept = [grid.card(editor, stage=0, text=f"card {i}") for i in range(3)]
    elsewhere = grid.card(editor, stage=1, text="other stage")
    grid.push(editor, [{"op": "delete", "entity": "card", "id": earlier}])
    ack = grid.push(editor, [{"op": "delete", "entity": "stage", "id": grid.stages[0]}])
    assert ack.status == "ok"
    assert {c["id"] for c in ack.ops[0]["cascade"]} == set(kept)
    assert set(Card.objects.filter(deleted_by_seq=ack.seq).values_list("id", flat=True)) == {uuid.UUID(k) for k in kept}

    restore = grid.push(editor, [{"op": "restore", "entity": "stage", "id": grid.stages[0]}])
    assert restore.status == "ok", restore.error
    assert {c["id"] for c in restore.ops[0]["cascade"]} == set(kept)
    live = {str(i) for i in Card.objects.filter(map=grid.map, deleted_by_seq__isnull=True).values_list("id", flat=True)}
    assert live == set(kept) | {elsewhere}
    assert Card.objects.get(id=earlier).deleted_by_seq is not None


def test_a_card_also_under_a_deleted_lane_stays_deleted_until_the_lane_returns(grid, editor):
    card_id = grid.card(editor, stage=0, lane=1)
    ack = grid.push(editor, [{"op": "delete", "entity": "stage", "id": grid.stages[0]},
                             {"op": "delete", "entity": "lane", "id": grid.lanes[1]}])
    assert ack.status == "ok"
    grid.push(editor, [{"op": "restore", "entity": "stage", "id": grid.stages[0]}])
    assert Card.objects.get(id=card_id).deleted_by_seq is not None
    grid.push(editor, [{"op": "restore", "entity": "lane", "id": grid.lanes[1]}])
    assert Card.objects.get(id=card_id).deleted_by_seq is None


def test_deleting_a_phase_cascades_through_its_stages(grid, editor):
    phase = new()
    grid.push(editor, [{"op": "create", "entity": "phase", "id": phase, "fields": {"title": "Before purchase"}},
                       {"op": "move", "entity": "stage", "id": grid.stages[0], "fields": {"phase": phase}}])
    card_id = grid.card(editor, stage=0)
    ack = grid.push(editor, [{"op": "delete", "entity": "phase", "id": phase}])
    assert {c["id"] for c in ack.ops[0]["cascade"]} == {grid.stages[0], card_id}
    grid.push(editor, [{"op": "restore", "entity": "phase", "id": phase}])
    assert Stage.objects.get(id=grid.stages[0]).deleted_by_seq is None
    assert Card.objects.get(id=card_id).deleted_by_seq is None


def test_ops_on_deleted_things_or_under_deleted_parents_are_refused(grid, editor):
    card_id = grid.card(editor, stage=0)
    grid.push(editor, [{"op": "delete", "entity": "stage", "id": grid.stages[0]}])
    update = grid.push(editor, [{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "x"}}])
    assert update.error["code"] == "gone"
    create = grid.push(editor, [{"op": "create", "entity": "card", "id": new(),
                                 "fields": {"stage": grid.stages[0], "lane": grid.lanes[0]}}])
    assert (create.error["code"], create.error["field"]) == ("parent_deleted", "stage")
    restore_card = grid.push(editor, [{"op": "restore", "entity": "card", "id": card_id}])
    assert restore_card.error["code"] == "parent_deleted"


def test_if_version_mismatch_is_a_version_conflict(grid, editor):
    grid.push(editor, [{"op": "update", "entity": "stage", "id": grid.stages[1], "fields": {"name": "Renamed"}}])
    stale = grid.push(editor, [{"op": "delete", "entity": "stage", "id": grid.stages[1], "if_version": 1}])
    assert (stale.error["code"], stale.error["field"]) == ("version_conflict", "if_version")
    fresh = grid.push(editor, [{"op": "delete", "entity": "stage", "id": grid.stages[1], "if_version": 2}])
    assert fresh.status == "ok"


def test_emotion_create_on_a_taken_pair_becomes_an_update_of_the_existing_point(grid, editor):
    first, second = new(), new()
    grid.push(editor, [{"op": "create", "entity": "emotion", "id": first, "fields": {"stage": grid.stages[0], "score": 1}}])
    ack = grid.push(editor, [{"op": "create", "entity": "emotion", "id": second,
                              "fields": {"stage": grid.stages[0], "score": -2}}])
    assert ack.status == "rebased"
    assert ack.ops[0] == {"op": "update", "entity": "emotion", "id": first, "fields": {"score": -2, "version": 2}}
    assert EmotionPoint.objects.filter(stage_id=grid.stages[0]).count() == 1


def test_removing_a_persona_hides_its_emotion_points_and_restoring_brings_them_back(grid, editor):
    persona = PersonaFactory(workspace=grid.map.workspace)
    link, point = new(), new()
    grid.push(editor, [{"op": "create", "entity": "persona_link", "id": link, "fields": {"persona": str(persona.id)}},
                       {"op": "create", "entity": "emotion", "id": point,
                        "fields": {"stage": grid.stages[0], "persona": str(persona.id), "score": 2}}])
    ack = grid.push(editor, [{"op": "delete", "entity": "persona_link", "id": link}])
    assert ack.ops[0]["cascade"] == [{"entity": "emotion", "id": point}]
    assert map_document(map_id=grid.map.id)["emotions"] == []
    grid.push(editor, [{"op": "restore", "entity": "persona_link", "id": link}])
    assert [e["id"] for e in map_document(map_id=grid.map.id)["emotions"]] == [point]


def test_an_explicit_position_that_collides_is_rebased_and_siblings_stay_put(grid, editor):
    a = grid.card(editor, text="a")
    b = grid.card(editor, text="b")
    before = {str(c.id): c.position for c in Card.objects.filter(map=grid.map)}
    c = new()
    ack = grid.push(editor, [{"op": "create", "entity": "card", "id": c,
                              "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "position": before[a]}}])
    assert ack.status == "rebased"
    chosen = ack.ops[0]["fields"]["position"]
    assert chosen not in before.values()
    assert before[a] < chosen < before[b]
    assert {str(x.id): x.position for x in Card.objects.filter(id__in=[a, b])} == before


def test_an_over_long_explicit_position_is_replaced(grid, editor):
    ack = grid.push(editor, [{"op": "create", "entity": "card", "id": new(),
                              "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "position": "a0" + "V" * 60}}])
    assert ack.status == "rebased"
    assert len(ack.ops[0]["fields"]["position"]) <= 48


def test_map_fields_update_through_ops(grid, editor):
    ack = grid.push(editor, [{"op": "update", "entity": "map", "id": str(grid.map.id),
                              "fields": {"title": "  Late deliveries  ", "goal": "Cut complaints"}}])
    assert ack.ops[0]["fields"] == {"title": "Late deliveries", "goal": "Cut complaints", "version": 2}
    assert map_document(map_id=grid.map.id)["map"]["title"] == "Late deliveries"


def test_replaying_the_op_log_rebuilds_the_document(grid, editor):
    card_id = grid.card(editor)
    grid.card(editor, stage=1, lane=1)
    grid.push(editor, [{"op": "move", "entity": "card", "id": card_id, "fields": {"stage": grid.stages[2], "lane": grid.lanes[1]}}])
    grid.push(editor, [{"op": "delete", "entity": "lane", "id": grid.lanes[1]}])
    grid.push(editor, [{"op": "restore", "entity": "lane", "id": grid.lanes[1]}])
    replayed = empty_document()
    for row in Operation.objects.filter(map=grid.map).order_by("seq"):
        apply_ops(replayed, row.ops, row.seq)
    assert comparable(replayed) == comparable(map_document(map_id=grid.map.id))


def test_the_document_lists_stages_phase_by_phase(grid, editor):
    before, after = new(), new()
    grid.push(editor, [{"op": "create", "entity": "phase", "id": before, "fields": {"title": "Before purchase"}},
                       {"op": "create", "entity": "phase", "id": after, "fields": {"title": "After purchase"}}])
    # Each stage is first in its own phase (same position key), and the phases
    # order them: stage 2 in "Before", stage 0 in "After", stage 1 has none.
    grid.push(editor, [{"op": "move", "entity": "stage", "id": grid.stages[2], "fields": {"phase": before}},
                       {"op": "move", "entity": "stage", "id": grid.stages[0], "fields": {"phase": after}}])
    stages = map_document(map_id=grid.map.id)["stages"]
    assert [s["id"] for s in stages] == [grid.stages[2], grid.stages[0], grid.stages[1]]
