"""Visibility profiles: what a share viewer with hidden lanes receives."""

from __future__ import annotations

import json
import uuid

import pytest

from maps import realtime, visibility
from maps.document import apply_ops
from maps.visibility import Profile

HIDDEN = str(uuid.uuid4())
SHOWN = str(uuid.uuid4())
STAGE = str(uuid.uuid4())


def profile(shadow=None) -> Profile:
    p = Profile("map", frozenset({HIDDEN}))
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
    p = profile({hidden_card: {"entity": "card", "fields": card_fields(HIDDEN)}})
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
    assert json.loads(first) == {"type": "ops", "seq": 11, "batch_id": "b", "actor": {}, "ops": []}
    assert "secret plan" not in first


def test_the_snapshot_filter_hides_the_emotion_curve_when_its_lane_is_hidden():
    doc = {"map": {"seq": 1}, "lanes": [{"id": HIDDEN}, {"id": SHOWN}], "cards": [], "touchpoints": [],
           "moments": [], "emotions": [{"id": "e", "score": 2}]}
    out = visibility.filter_document(doc, hidden=frozenset({HIDDEN}), hide_emotions=True)
    assert out["emotions"] == [] and [lane["id"] for lane in out["lanes"]] == [SHOWN]
