"""Creates written together (``apply(..., bulk=True)``) commit exactly what the
same batch commits one op at a time, and refuse exactly what it refuses."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from maps.operations import Actor, apply
from maps.selectors import map_document
from personas.models import Persona
from tests.factories import MapFactory, TeamFactory

pytestmark = pytest.mark.django_db


def whole_map_ops(persona: Persona, team: Any, existing_stage: str | None = None) -> list[dict[str, Any]]:
    new = lambda: str(uuid.uuid4())  # noqa: E731
    phase, s1, s2, lane, tp_lane, c1, c2, t1 = (new() for _ in range(8))
    ops = [
        {"op": "create", "entity": "phase", "id": phase, "fields": {"title": "Before"}},
        {"op": "create", "entity": "stage", "id": s1, "fields": {"name": "Look", "phase": phase}},
        {"op": "create", "entity": "stage", "id": s2, "fields": {"name": "Loose"}},
        {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "Thinks"}},
        {"op": "create", "entity": "lane", "id": tp_lane, "fields": {"title": "Touchpoints", "kind": "touchpoints"}},
        {"op": "create", "entity": "persona_link", "id": new(), "fields": {"persona": str(persona.id)}},
        {"op": "create", "entity": "card", "id": c1, "fields": {"stage": s1, "lane": lane, "text": "one",
                                                                 "team": str(team.id)}},
        {"op": "create", "entity": "card", "id": c2, "fields": {"stage": s1, "lane": lane, "text": "two",
                                                                 "addresses": c1}},
        {"op": "create", "entity": "card", "id": new(), "fields": {"stage": s2, "lane": lane, "text": "three"}},
        {"op": "create", "entity": "touchpoint", "id": t1, "fields": {"stage": s2, "lane": tp_lane, "title": "Call"}},
        {"op": "create", "entity": "moment", "id": new(), "fields": {"stage": s2, "touchpoint": t1, "title": "Tip"}},
        {"op": "create", "entity": "emotion", "id": new(), "fields": {"stage": s1, "score": 2}},
        {"op": "create", "entity": "emotion", "id": new(), "fields": {"stage": s1, "persona": str(persona.id),
                                                                      "score": -1}},
        # The same pair again: the upsert rule (the one-at-a-time lane) applies.
        {"op": "create", "entity": "emotion", "id": new(), "fields": {"stage": s1, "score": 3}},
        {"op": "update", "entity": "card", "id": c1, "fields": {"text": "one, edited"}},
        {"op": "create", "entity": "card", "id": new(), "fields": {"stage": s1, "lane": lane, "text": "four"}},
        {"op": "create", "entity": "card", "id": new(), "fields": {"stage": s1, "lane": lane, "text": "first",
                                                                   "before": c1}},
    ]
    if existing_stage:
        ops.append({"op": "create", "entity": "card", "id": new(),
                    "fields": {"stage": existing_stage, "lane": lane, "text": "on an old stage"}})
    return ops


def shape(document: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The document with ids replaced by the index of the op that created them."""
    out = {}
    for collection in ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "persona_links"):
        items = []
        for item in document[collection]:
            items.append({k: names.get(v, v) if isinstance(v, str) else v for k, v in item.items()
                          if k not in ("version",)})
        out[collection] = sorted(items, key=lambda i: str(sorted(i.items())))
    return out


def fresh_map(workspace, *, with_stage: bool = False):
    journey_map = MapFactory(workspace=workspace)
    stage = None
    if with_stage:
        stage = str(uuid.uuid4())
        ack = apply(map_id=journey_map.id, actor=Actor(), batch_id="seed", ops=[
            {"op": "create", "entity": "stage", "id": stage, "fields": {"name": "Old"}}])
        assert ack.status == "ok"
    return journey_map, stage


@pytest.mark.parametrize("with_stage", [False, True])
def test_bulk_commits_what_one_at_a_time_commits(workspace, with_stage):
    persona = Persona.objects.create(workspace=workspace, name="Léa")
    team = TeamFactory(workspace=workspace)
    results = []
    for bulk in (False, True):
        journey_map, stage = fresh_map(workspace, with_stage=with_stage)
        ops = whole_map_ops(persona, team, stage)
        ack = apply(map_id=journey_map.id, actor=Actor(), batch_id="whole", ops=ops, max_ops=None, bulk=bulk)
        assert ack.status in ("ok", "rebased"), ack.error
        names = {op["id"]: f"op{i}" for i, op in enumerate(ops)} | ({stage: "old"} if stage else {})
        canonical = [{**op, "id": names.get(op["id"], "?"),
                      "fields": {k: names.get(v, v) if isinstance(v, str) else v
                                 for k, v in op["fields"].items()}} for op in ack.ops]
        results.append((ack.status, canonical, shape(map_document(map_id=journey_map.id), names)))
    assert results[0] == results[1]


def test_bulk_refuses_what_one_at_a_time_refuses(workspace):
    persona = Persona.objects.create(workspace=workspace, name="Léa")
    team = TeamFactory(workspace=workspace)
    other_map, _ = fresh_map(workspace, with_stage=True)
    taken = str(map_document(map_id=other_map.id)["stages"][0]["id"])
    cases = {
        "taken id": lambda ops: ops.__setitem__(1, {**ops[1], "id": taken}),
        "dangling ref": lambda ops: ops[6]["fields"].__setitem__("stage", str(uuid.uuid4())),
        "wrong kind of ref": lambda ops: ops[6]["fields"].__setitem__("stage", ops[3]["id"]),
        "persona linked twice": lambda ops: ops.insert(6, {**ops[5], "id": str(uuid.uuid4())}),
        "same id twice": lambda ops: ops.__setitem__(8, {**ops[8], "id": ops[7]["id"]}),
        "another workspace's team": lambda ops: ops[6]["fields"].__setitem__("team", str(TeamFactory().id)),
    }
    for name, spoil in cases.items():
        answers = []
        for bulk in (False, True):
            journey_map, _ = fresh_map(workspace)
            ops = whole_map_ops(persona, team)
            spoil(ops)
            ack = apply(map_id=journey_map.id, actor=Actor(), batch_id="whole", ops=ops, max_ops=None, bulk=bulk)
            answers.append((ack.status, ack.error and {k: ack.error[k] for k in ("code", "op_index", "field")}))
            assert map_document(map_id=journey_map.id)["stages"] == [], name  # nothing written
        assert answers[0] == answers[1], (name, answers)
        assert answers[0][0] == "rejected", name
