"""Benchmark of ``GET /api/v1/maps/<id>/activity/`` on PostgreSQL.

A 12-stage x 6-lane map whose op log holds ``--batches`` batches (default 1,000)
from four people in two teams: cards added, typed into (runs of edits that fold),
moved, deleted and restored, stages renamed. Each case is read N times through
the Django test client (authentication, permission check, folding, labels, JSON):
server time p50/p95 and queries per request. Target (issue "Discussion"): entries
for a 1,000-batch map in p95 <= 100 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/activity.py

Runs in its own database (journeymap_bench_activity), dropped and re-created.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid

from _setup import bench_database, bench_people, percentiles

# Measure production settings: DEBUG keeps a log of every query.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")


def build_log(workspace, people, batches: int):  # type: ignore[no-untyped-def]
    """A map and an op log of ``batches`` batches, written through ``apply``."""
    from maps.models import JourneyMap
    from maps.operations import actor_for, apply

    journey_map = JourneyMap.objects.create(workspace=workspace, title="Benchmark journey")
    actors = [actor_for(person, workspace.id) for person in people]
    stages = [str(uuid.uuid4()) for _ in range(12)]
    lanes = [str(uuid.uuid4()) for _ in range(6)]
    seq = 0

    def push(actor, ops):  # type: ignore[no-untyped-def]
        nonlocal seq
        seq += 1
        ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"bench-{seq}", ops=ops)
        assert ack.status in ("ok", "rebased"), ack.error

    push(actors[0], [{"op": "create", "entity": "stage", "id": s, "fields": {"name": f"Stage {i}"}}
                     for i, s in enumerate(stages)]
         + [{"op": "create", "entity": "lane", "id": la, "fields": {"title": f"Lane {i}"}}
            for i, la in enumerate(lanes)])
    rng = random.Random(7)
    cards: list[str] = []
    deleted: list[str] = []
    while seq < batches:
        actor = rng.choice(actors)
        roll = rng.random()
        if roll < 0.3 or len(cards) < 10:
            card = str(uuid.uuid4())
            push(actor, [{"op": "create", "entity": "card", "id": card,
                          "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes), "text": "New note"}}])
            cards.append(card)
            for n in range(rng.randint(0, 4)):  # typing into it: folds into the addition
                push(actor, [{"op": "update", "entity": "card", "id": card,
                              "fields": {"text": f"The customer wonders {n} times whether this is right"}}])
        elif roll < 0.6:
            push(actor, [{"op": "update", "entity": "card", "id": rng.choice(cards),
                          "fields": {"text": f"Edited note {seq}"}}])
        elif roll < 0.8:
            push(actor, [{"op": "move", "entity": "card", "id": rng.choice(cards),
                          "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes)}}])
        elif roll < 0.9 and len(cards) > 20:
            card = cards.pop(rng.randrange(len(cards)))
            push(actor, [{"op": "delete", "entity": "card", "id": card}])
            deleted.append(card)
        elif deleted:
            card = deleted.pop()
            push(actor, [{"op": "restore", "entity": "card", "id": card}])
            cards.append(card)
        else:
            push(actor, [{"op": "update", "entity": "stage", "id": rng.choice(stages),
                          "fields": {"name": f"Stage renamed {seq}"}}])
    return journey_map


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    bench_database("activity")
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from maps.models import Operation

    owner, workspace, teams, people = bench_people()
    started = time.perf_counter()
    journey_map = build_log(workspace, people, args.batches)
    print(f"built an op log of {Operation.objects.filter(map=journey_map).count()} batches "
          f"in {time.perf_counter() - started:.1f} s")

    client = APIClient()
    token = Token.objects.create(user=owner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/maps/{journey_map.id}/activity/"
    middle = args.batches // 2
    cases = {
        "first page (30 entries)": {},
        "first page in French": {"_language": "fr"},
        "100 entries": {"limit": 100},
        "a page from the middle": {"before": middle},
        "one person": {"actor": people[2].pk},
        "one team": {"team": str(teams[1].id)},
    }
    print(f"load average before: {os.getloadavg()}")
    worst = 0.0
    queries: list[str] = []

    def count(execute, sql, sql_params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, sql_params, many, context)

    for name, params in cases.items():
        params = dict(params)
        language = params.pop("_language", "en")
        for _ in range(3):  # warm-up: connection, caches
            client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
        queries.clear()
        with connection.execute_wrapper(count):
            body = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language).json()
        timings = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        p = percentiles(timings)
        worst = max(worst, p["p95"])
        folded = sum(entry["batches"] for entry in body["entries"])
        print(f"{name}: {len(body['entries'])} entries from {folded} batches, {len(queries)} queries; "
              + ", ".join(f"{k} {v:.1f} ms" for k, v in p.items()))
        print(f"    e.g. {body['entries'][0]['summary']}")
    print(f"load average after: {os.getloadavg()}")
    print(f"target p95 <= 100 ms: {'met' if worst <= 100 else 'NOT met'} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    main()
