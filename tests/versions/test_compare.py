"""Compare a current state with the future state made from it, after cards were
edited, moved, deleted and added on each side: exactly those changes come out,
items matched by origin (and, for maps copied before origins were kept, by place
and text, said so)."""

from __future__ import annotations

import uuid

import pytest

from maps.models import Role
from maps.selectors import map_document
from maps.services import map_create, map_edit
from maps.services.copy import map_future_state
from versions.compare import compare_documents
from versions.models import ItemOrigin
from versions.selectors import origins_between


def build_current(workspace, owner):
    structure = {
        "stages": [{"name": "Order"}, {"name": "Delivery"}],
        "lanes": [{"title": "Does"}, {"title": "Feels"}],
        "cards": [{"stage": 0, "lane": 0, "text": "c1 orders online"},
                  {"stage": 0, "lane": 0, "text": "c2 pays"},
                  {"stage": 0, "lane": 1, "text": "c3 worried"},
                  {"stage": 1, "lane": 0, "text": "c4 waits"},
                  {"stage": 1, "lane": 1, "text": "c5 relieved"}],
    }
    current = map_create(workspace=workspace, title="Delivery", structure=structure, actor_user=owner,
                         kind="current_state")
    doc = map_document(map_id=current.id)
    stages = [s["id"] for s in doc["stages"]]
    lane_tp = str(uuid.uuid4())
    t1, t2 = str(uuid.uuid4()), str(uuid.uuid4())
    map_edit(current, owner, [
        {"op": "create", "entity": "lane", "id": lane_tp, "fields": {"title": "Where", "kind": "touchpoints"}},
        {"op": "create", "entity": "touchpoint", "id": t1,
         "fields": {"stage": stages[1], "lane": lane_tp, "title": "Tracking page", "evaluation": "irritant"}},
        {"op": "create", "entity": "touchpoint", "id": t2,
         "fields": {"stage": stages[1], "lane": lane_tp, "title": "Courier call", "evaluation": "neutral"}},
        {"op": "create", "entity": "emotion", "id": str(uuid.uuid4()), "fields": {"stage": stages[0], "score": 1}},
        {"op": "create", "entity": "emotion", "id": str(uuid.uuid4()), "fields": {"stage": stages[1], "score": -2}},
    ], role=Role.OWNER)
    return current


def by_text(doc, text):
    return next(c for c in doc["cards"] if c["text"] == text)


@pytest.fixture
def pair(workspace, owner):
    current = build_current(workspace, owner)
    future = map_future_state(source=current, actor_user=owner, content="everything")
    a, b = map_document(map_id=current.id), map_document(map_id=future.id)
    a_ids = {c["text"]: c["id"] for c in a["cards"]}
    b_ids = {c["text"]: c["id"] for c in b["cards"]}
    a_stages = [s["id"] for s in a["stages"]]
    b_stages = [s["id"] for s in b["stages"]]
    a_lanes = [lane["id"] for lane in a["lanes"]]
    b_lanes = [lane["id"] for lane in b["lanes"]]
    # The current state goes on: c1 edited, c2 moved to Delivery, c3 deleted, c6 added.
    c6 = str(uuid.uuid4())
    map_edit(current, owner, [
        {"op": "update", "entity": "card", "id": a_ids["c1 orders online"], "fields": {"text": "c1 orders by phone"}},
        {"op": "move", "entity": "card", "id": a_ids["c2 pays"], "fields": {"stage": a_stages[1], "lane": a_lanes[0]}},
        {"op": "delete", "entity": "card", "id": a_ids["c3 worried"]},
        {"op": "create", "entity": "card", "id": c6, "fields": {"stage": a_stages[0], "lane": a_lanes[1],
                                                                "text": "c6 compares"}},
    ])
    # The future state: c4 edited, c5 moved to Order, the irritant removed, c7 added,
    # the courier call delights, Delivery feels better.
    t1 = next(t["id"] for t in b["touchpoints"] if t["title"] == "Tracking page")
    t2 = next(t["id"] for t in b["touchpoints"] if t["title"] == "Courier call")
    b_emotion = next(e for e in b["emotions"] if e["stage"] == b_stages[1])
    c7 = str(uuid.uuid4())
    map_edit(future, owner, [
        {"op": "update", "entity": "card", "id": b_ids["c4 waits"], "fields": {"text": "c4 is told when"}},
        {"op": "move", "entity": "card", "id": b_ids["c5 relieved"], "fields": {"stage": b_stages[0],
                                                                                "lane": b_lanes[1]}},
        {"op": "delete", "entity": "touchpoint", "id": t1},
        {"op": "create", "entity": "card", "id": c7, "fields": {"stage": b_stages[1], "lane": b_lanes[0],
                                                                "text": "c7 picks a slot"}},
        {"op": "update", "entity": "touchpoint", "id": t2, "fields": {"evaluation": "delight"}},
        {"op": "update", "entity": "emotion", "id": b_emotion["id"], "fields": {"score": 2}},
    ])
    return current, future, a_ids, b_ids, c6, c7


@pytest.mark.django_db
def test_compare_reports_exactly_the_changes_made_on_each_side(pair):
    current, future, a_ids, b_ids, c6, c7 = pair
    a, b = map_document(map_id=current.id), map_document(map_id=future.id)
    result = compare_documents(a, b, origins=origins_between(map_a=current.id, map_b=future.id))
    a_t = {t["title"]: t["id"] for t in a["touchpoints"]}
    a_e = {e["stage"]: e["id"] for e in a["emotions"]}
    a_stage = {s["name"]: s["id"] for s in a["stages"]}
    expected = {
        "added": {("card", b_ids["c3 worried"]), ("card", c7)},
        "removed": {("card", c6), ("touchpoint", a_t["Tracking page"])},
        "changed": {
            ("card", a_ids["c1 orders online"], "text", "c1 orders by phone", "c1 orders online"),
            ("card", a_ids["c4 waits"], "text", "c4 waits", "c4 is told when"),
            ("touchpoint", a_t["Courier call"], "evaluation", "neutral", "delight"),
            ("emotion", a_e[a_stage["Delivery"]], "score", -2, 2),
        },
        "moved": {("card", a_ids["c2 pays"]), ("card", a_ids["c5 relieved"])},
    }
    assert {(i["entity"], i["id"]) for i in result["added"]} == expected["added"]
    assert {(i["entity"], i["id"]) for i in result["removed"]} == expected["removed"]
    assert {(i["entity"], i["id"], key, change["from"], change["to"]) for i in result["changed"]
            for key, change in i["fields"].items()} == expected["changed"]
    assert {(i["entity"], i["id"]) for i in result["moved"]} == expected["moved"]
    assert result["counts"] == {"changes": 10, "added": 2, "removed": 2, "changed": 4, "moved": 2,
                                "irritants_removed": 1, "irritants_added": 0,
                                "evaluations_improved": 1, "evaluations_worse": 0}
    assert result["matching"] == {"identity": 0, "origin": result["matching"]["origin"], "position_and_text": 0,
                                  "approximate": False}
    c5_move = next(i for i in result["moved"] if i["id"] == a_ids["c5 relieved"])
    assert c5_move["to_id"] == b_ids["c5 relieved"] and c5_move["to"]["stage"] == b["stages"][0]["id"]
    # One axis of stages, both curves of the shared emotion curve on it.
    assert [p["name"] for p in result["axis"]] == ["Order", "Delivery"]
    assert result["curves"] == [{"persona": None, "name": "", "from": [1, -2], "to": [1, 2]}]


@pytest.mark.django_db
def test_maps_copied_before_origins_were_kept_match_by_place_and_text_and_say_so(pair):
    current, future, a_ids, b_ids, c6, c7 = pair
    ItemOrigin.objects.filter(map=future).delete()
    a, b = map_document(map_id=current.id), map_document(map_id=future.id)
    result = compare_documents(a, b, origins=origins_between(map_a=current.id, map_b=future.id))
    assert result["matching"]["approximate"] is True and result["matching"]["origin"] == 0
    assert result["matching"]["position_and_text"] >= 9  # 2 stages, 3 lanes, cards, touchpoint, emotions
    # Items edited where they stand still pair up (a card added at the end of a
    # cell may pair with one moved there: the result is approximate, and says so).
    changed = {(i["entity"], i["id"]) for i in result["changed"]}
    assert ("card", a_ids["c4 waits"]) in changed and ("card", a_ids["c1 orders online"]) in changed


@pytest.mark.django_db
def test_a_copy_remembers_each_item_it_came_from(workspace, owner):
    current = build_current(workspace, owner)
    future = map_future_state(source=current, actor_user=owner, content="everything")
    a, b = map_document(map_id=current.id), map_document(map_id=future.id)
    origins = {str(o.item_id): (o.entity, str(o.source_id)) for o in ItemOrigin.objects.filter(map=future)}
    for collection, entity in (("stages", "stage"), ("lanes", "lane"), ("cards", "card"),
                               ("touchpoints", "touchpoint"), ("emotions", "emotion")):
        a_items = {i["id"]: i for i in a[collection]}
        for item in b[collection]:
            kind, source = origins[item["id"]]
            assert kind == entity and source in a_items
