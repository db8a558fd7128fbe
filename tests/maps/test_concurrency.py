"""Many writers and readers at once on one map (real PostgreSQL under CI)."""

from __future__ import annotations

import random
import threading
import uuid

import pytest
from django.db import connection

from maps.document import apply_ops, comparable, empty_document
from maps.models import EmotionPoint, JourneyMap, Operation
from maps.operations import actor_for, apply
from maps.selectors import map_document
from maps.services import map_create
from tests.factories import MembershipFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(count: int, target) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapper(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # collected and re-raised by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def make_map():
    workspace = WorkspaceFactory()
    user = MembershipFactory(workspace=workspace, role="owner").user
    structure = {"stages": [{"name": f"S{i}"} for i in range(4)], "lanes": [{"title": f"L{i}"} for i in range(3)]}
    journey_map = map_create(workspace=workspace, title="Busy map", structure=structure, actor_user=user)
    doc = map_document(map_id=journey_map.id)
    return journey_map, user, [s["id"] for s in doc["stages"]], [lane["id"] for lane in doc["lanes"]]


def test_fifty_threads_commit_gap_free_and_the_log_replays_to_the_snapshot():
    journey_map, user, stages, lanes = make_map()
    start_seq = journey_map.seq
    committed = []
    lock = threading.Lock()

    def writer(i: int) -> None:
        rng = random.Random(i)
        actor = actor_for(user, journey_map.workspace_id)
        mine: list[str] = []
        for n in range(6):
            if mine and rng.random() < 0.5:
                target = rng.choice(mine)
                op = rng.choice([
                    {"op": "update", "entity": "card", "id": target, "fields": {"text": f"t{i}-{n}"}},
                    {"op": "move", "entity": "card", "id": target,
                     "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes)}},
                ])
            else:
                card = str(uuid.uuid4())
                mine.append(card)
                op = {"op": "create", "entity": "card", "id": card,
                      "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes), "text": f"c{i}-{n}"}}
            ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"w{i}:{n}", ops=[op])
            assert ack.status in ("ok", "rebased"), ack.error
            with lock:
                committed.append(ack.seq)

    errors = run_threads(50, writer)
    assert not errors, errors[0]
    journey_map.refresh_from_db()
    assert journey_map.seq == start_seq + len(committed) == start_seq + 300
    seqs = list(Operation.objects.filter(map=journey_map).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, journey_map.seq + 1))
    replayed = empty_document()
    for row in Operation.objects.filter(map=journey_map).order_by("seq"):
        apply_ops(replayed, row.ops, row.seq)
    assert comparable(replayed) == comparable(map_document(map_id=journey_map.id))


def test_concurrent_emotion_creates_for_one_pair_end_as_one_point():
    journey_map, user, stages, _ = make_map()
    barrier = threading.Barrier(8)
    statuses = []

    def creator(i: int) -> None:
        barrier.wait()
        ack = apply(map_id=journey_map.id, actor=actor_for(user), batch_id=f"e{i}",
                    ops=[{"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                          "fields": {"stage": stages[0], "score": (i % 7) - 3}}])
        statuses.append(ack.status)

    errors = run_threads(8, creator)
    assert not errors, errors[0]
    assert EmotionPoint.objects.filter(stage_id=stages[0]).count() == 1
    assert sorted(statuses) == ["ok"] + ["rebased"] * 7


def test_snapshots_never_mix_states_while_writers_run():
    """Every batch adds one card to a fresh cell and bumps seq by one, so a
    consistent snapshot has exactly (cards created) = seq - base."""
    journey_map, user, stages, lanes = make_map()
    base = JourneyMap.objects.get(id=journey_map.id).seq
    stop = threading.Event()
    bad: list[tuple[int, int]] = []

    def writer(i: int) -> None:
        actor = actor_for(user)
        for n in range(60):
            apply(map_id=journey_map.id, actor=actor, batch_id=f"s{i}:{n}",
                  ops=[{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                        "fields": {"stage": stages[n % 4], "lane": lanes[i % 3]}}])
        stop.set()

    def reader(i: int) -> None:
        while not stop.is_set():
            doc = map_document(map_id=journey_map.id)
            if len(doc["cards"]) != doc["map"]["seq"] - base:
                bad.append((len(doc["cards"]), doc["map"]["seq"]))

    def role(i: int) -> None:
        (writer if i < 2 else reader)(i)

    errors = run_threads(4, role)
    assert not errors, errors[0]
    assert bad == []
