"""Visibility profiles: what a share viewer receives (hidden lanes, presence,
no attachments)."""

from __future__ import annotations

import json
import uuid

import pytest

from maps import realtime
from maps.document import apply_ops
from maps.live.visibility import Profile
from maps.selectors import filter_document

HIDDEN = str(uuid.uuid4())
SHOWN = str(uuid.uuid4())
STAGE = str(uuid.uuid4())


def profile(shadow=None, people: bool = False) -> Profile:
    p = Profile("map", frozenset({HIDDEN}), people)
    p.load(10, shadow or {}, hide_emotions=False)
    return p


def card_fields(lane: str, text: str = "secret plan") -> dict:
    return {"stage": STAGE, "lane": lane, "text": text, "color": "", "team": None, "author": None,
            "priority": "", "addresses": None, "position": "a0", "version": 1}


def test_a_card_created_in_a_hidden_lane_never_reaches_the_viewer():
    p = profile()
    card = str(uuid.uuid4())
    ops, fetch = p.process([{"op": "create", "entity": "card", "id": card, "fields": card_fields(HIDDEN)}])
    assert ops == [] and fetch == []
    # ... nor do its later updates, which carry no lane.
    ops, _ = p.process([{"op": "update", "entity": "card", "id": card, "fields": {"text": "more", "version": 2}}])
    assert ops == []


def test_a_move_into_a_hidden_lane_reaches_the_viewer_as_a_delete():
    p = profile()
    card = str(uuid.uuid4())
    ops, _ = p.process([{"op": "move", "entity": "card", "id": card,
                         "fields": {"stage": STAGE, "lane": HIDDEN, "position": "a1", "version": 3}}])
    assert ops == [{"op": "delete", "entity": "card", "id": card, "fields": {"version": 3}}]
    assert HIDDEN not in json.dumps(ops)


def test_a_move_out_of_a_hidden_lane_reaches_the_viewer_as_a_create_with_every_field():
    card = str(uuid.uuid4())
    p = profile({card: {"entity": "card", "fields": card_fields(HIDDEN, "was hidden")}})
    p.process([{"op": "update", "entity": "card", "id": card, "fields": {"text": "edited while hidden",
                                                                          "version": 2}}])
    ops, fetch = p.process([{"op": "move", "entity": "card", "id": card,
                             "fields": {"stage": STAGE, "lane": SHOWN, "position": "a2", "version": 3}}])
    assert fetch == []
    assert ops[0]["op"] == "create" and ops[0]["id"] == card
    assert ops[0]["fields"]["text"] == "edited while hidden"
    assert ops[0]["fields"]["lane"] == SHOWN and ops[0]["fields"]["version"] == 3
    doc = apply_ops({"map": {}, "cards": []}, ops)
    assert [c["text"] for c in doc["cards"]] == ["edited while hidden"]


def test_a_hidden_lane_and_its_cascade_are_left_out_of_a_delete_and_restore():
    card = str(uuid.uuid4())
    p = profile({card: {"entity": "card", "fields": card_fields(HIDDEN)}})
    ops, _ = p.process([{"op": "delete", "entity": "lane", "id": HIDDEN, "fields": {"version": 2},
                         "cascade": [{"entity": "card", "id": card}]}])
    assert ops == []
    # A stage delete that also tombstones a hidden card names only visible items.
    visible_card = str(uuid.uuid4())
    p2 = profile({card: {"entity": "card", "fields": card_fields(HIDDEN)}})
    ops, _ = p2.process([{"op": "delete", "entity": "stage", "id": STAGE, "fields": {"version": 2},
                          "cascade": [{"entity": "card", "id": card}, {"entity": "card", "id": visible_card}]}])
    assert ops[0]["cascade"] == [{"entity": "card", "id": visible_card}]


def test_references_to_hidden_items_are_cleared():
    hidden_card = str(uuid.uuid4())
    p = profile({hidden_card: {"entity": "card", "fields": card_fields(HIDDEN)}})
    card = str(uuid.uuid4())
    ops, _ = p.process([{"op": "update", "entity": "card", "id": card, "fields": {"addresses": hidden_card,
                                                                                   "version": 2}}])
    assert ops[0]["fields"]["addresses"] is None


def test_presence_inside_hidden_lanes_is_blanked():
    hidden_card = str(uuid.uuid4())
    p = profile({hidden_card: {"entity": "card", "fields": card_fields(HIDDEN)}}, people=True)
    text = realtime.dumps({"type": "presence", "changes": [
        {"client_id": "a", "focus": {"entity": "card", "id": hidden_card}, "cursor": {"stage": STAGE, "lane": HIDDEN}},
        {"client_id": "b", "focus": None, "cursor": {"stage": STAGE, "lane": SHOWN}},
    ]})
    filtered = json.loads(p.presence_text(text))
    assert filtered["changes"][0]["focus"] is None and filtered["changes"][0]["cursor"] is None
    assert filtered["changes"][1]["cursor"]["lane"] == SHOWN
    assert hidden_card not in p.presence_text(text) and HIDDEN not in p.presence_text(text)


@pytest.mark.asyncio
async def test_frames_are_filtered_once_per_profile_and_keep_their_seq():
    p = profile()
    card = str(uuid.uuid4())
    event = {"seq": 11, "text": realtime.dumps({"type": "ops", "seq": 11, "batch_id": "b", "actor": {},
                                                "ops": [{"op": "create", "entity": "card", "id": card,
                                                         "fields": card_fields(HIDDEN)}]})}
    first = await p.filter_event(event)
    second = await p.filter_event(event)
    assert first is second  # the same string object: computed once
    assert json.loads(first) == {"type": "ops", "seq": 11, "batch_id": "b", "actor": None, "ops": []}
    assert "secret plan" not in first


def test_a_link_that_shows_nobody_sends_no_presence_and_no_names():
    p = profile()
    text = realtime.dumps({"type": "presence", "changes": [
        {"client_id": "a", "user": {"name": "Ana Martin"}, "focus": None, "cursor": None}]})
    assert p.presence_text(text) is None


@pytest.mark.asyncio
async def test_a_link_that_shows_people_keeps_the_author_of_each_batch():
    p = profile(people=True)
    actor = {"id": 3, "name": "Ana Martin", "team": ""}
    event = {"seq": 11, "text": realtime.dumps({"type": "ops", "seq": 11, "batch_id": "b", "actor": actor,
                                                "ops": []})}
    assert json.loads(await p.filter_event(event))["actor"] == actor


def test_touchpoint_attachments_never_pass_a_profile():
    p = profile()
    entry = {"id": "f", "name": "Interview.pdf", "content_type": "application/pdf", "size": 9, "sig": "s"}
    tp = str(uuid.uuid4())
    ops, _ = p.process([
        {"op": "create", "entity": "touchpoint", "id": tp,
         "fields": {"stage": STAGE, "lane": SHOWN, "title": "Order page", "attachments": [entry], "version": 1}},
        {"op": "update", "entity": "touchpoint", "id": tp, "fields": {"attachments": [], "version": 2}},
        {"op": "restore", "entity": "stage", "id": STAGE, "fields": {"version": 3},
         "cascade": [{"entity": "touchpoint", "id": tp, "fields": {"lane": SHOWN, "attachments": [entry]}}]},
    ])
    assert "attachments" not in json.dumps(ops)
    assert ops[0]["fields"]["title"] == "Order page" and ops[1]["fields"] == {"version": 2}
    doc = filter_document({"touchpoints": [{"id": tp, "attachments": [entry]}]}, hidden=frozenset(),
                          hide_emotions=False)
    assert doc["touchpoints"] == [{"id": tp}]


def test_the_snapshot_filter_hides_the_emotion_curve_when_its_lane_is_hidden():
    doc = {"map": {"seq": 1}, "lanes": [{"id": HIDDEN}, {"id": SHOWN}], "cards": [], "touchpoints": [],
           "moments": [], "emotions": [{"id": "e", "score": 2}]}
    out = filter_document(doc, hidden=frozenset({HIDDEN}), hide_emotions=True)
    assert out["emotions"] == [] and [lane["id"] for lane in out["lanes"]] == [SHOWN]
