"""Benchmark of ``GET /api/v1/maps/<id>/health/`` on PostgreSQL.

The 1,500-card map of ``bench/document.py`` (30 stages x 10 lanes, 100
touchpoints, 3 emotion curves) plus a pain-point lane and an op log of 600
batches from four people in two teams. Read through the Django test client
(authentication, permission check, checks, messages, JSON):

- cold: every read follows a write (a card edited through ``apply``), so the
  findings are computed afresh for the new ``seq``; only the read is timed;
- warm: reads at an unchanged ``seq`` (the findings kept for it are reused).

Three runs of each, beside the floor of the same machine at the same moment (the
map's plain ``GET /api/v1/maps/<id>/``); server time p50/p95 and queries per
request, with the load average. Target (issue #19): p95 <= 100 ms on the 1,500-card map.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/health.py

Runs in its own database (journeymap_bench_health), dropped and re-created.
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


def enrich(journey_map, people):  # type: ignore[no-untyped-def]
    """Pain points (some addressed), and an op log written by several people."""
    from maps.models import Card, Stage
    from maps.operations import actor_for, apply

    actors = [actor_for(person, journey_map.workspace_id) for person in people]
    stages = [str(s) for s in Stage.objects.filter(map=journey_map).values_list("id", flat=True)]
    pains, changes = str(uuid.uuid4()), str(uuid.uuid4())
    ops = [{"op": "create", "entity": "lane", "id": pains, "fields": {"title": "Pain points", "kind": "pain_points"}},
           {"op": "create", "entity": "lane", "id": changes,
            "fields": {"title": "Opportunities", "kind": "opportunities"}}]
    pain_ids = [str(uuid.uuid4()) for _ in range(60)]
    ops += [{"op": "create", "entity": "card", "id": pain,
             "fields": {"stage": stages[i % len(stages)], "lane": pains, "text": f"I wait {i} minutes"}}
            for i, pain in enumerate(pain_ids)]
    ops += [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": stages[i % len(stages)], "lane": changes, "text": "Call back", "addresses": pain}}
            for i, pain in enumerate(pain_ids[:30])]
    ack = apply(map_id=journey_map.id, actor=actors[0], batch_id="bench-pains", ops=ops, max_ops=None)
    assert ack.status in ("ok", "rebased"), ack.error
    cards = [str(c) for c in Card.objects.filter(map=journey_map).values_list("id", flat=True)[:500]]
    rng = random.Random(3)
    for n in range(600):
        ack = apply(map_id=journey_map.id, actor=rng.choice(actors), batch_id=f"bench-{n}",
                    ops=[{"op": "update", "entity": "card", "id": rng.choice(cards),
                          "fields": {"text": f"The customer reads the offer again ({n})"}}])
        assert ack.status in ("ok", "rebased"), ack.error
    return cards


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    bench_database("health")
    from django.db import connection
    from document import build_map
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from maps.models import Card, Operation
    from maps.operations import actor_for, apply

    owner, workspace, _, people = bench_people()
    started = time.perf_counter()
    journey_map = build_map(owner, workspace)
    cards = enrich(journey_map, people)
    print(f"built a map of {Card.objects.filter(map=journey_map).count()} cards and "
          f"{Operation.objects.filter(map=journey_map).count()} batches in {time.perf_counter() - started:.1f} s")

    client = APIClient()
    token = Token.objects.create(user=owner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/maps/{journey_map.id}/health/"
    actor = actor_for(owner, workspace.id)
    queries: list[str] = []

    def count(execute, sql, sql_params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, sql_params, many, context)

    def read(target: str = url) -> float:
        begin = time.perf_counter()
        response = client.get(target, HTTP_ACCEPT_LANGUAGE="en")
        elapsed = (time.perf_counter() - begin) * 1000
        assert response.status_code == 200, response.content[:300]
        return elapsed

    edits = 0

    def edit() -> None:
        nonlocal edits
        edits += 1
        ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"bench-edit-{edits}",
                    ops=[{"op": "update", "entity": "card", "id": cards[edits % len(cards)],
                          "fields": {"text": f"Edited while measuring ({edits})"}}])
        assert ack.status in ("ok", "rebased"), ack.error

    for _ in range(3):  # warm-up: connection, imports, the word lists
        edit()
        read()
    first = client.get(url).json()
    print("score", first["score"], "| " + ", ".join(f"{c['code']}={c['status'] if c['applies'] else 'n/a'}"
                                                   for c in first["checks"]))
    print(f"load average before: {os.getloadavg()}")
    for run in range(1, args.runs + 1):
        # The floor: the plainest read of the same map, measured under the same load.
        for label in ("cold (new seq)", "warm (same seq)", "floor: GET map"):
            samples = []
            queries.clear()
            with connection.execute_wrapper(count):
                for _ in range(args.requests):
                    if label.startswith("cold"):
                        # The write is not timed nor counted.
                        queries_before = len(queries)
                        edit()
                        del queries[queries_before:]
                    samples.append(read(f"/api/v1/maps/{journey_map.id}/" if label.startswith("floor") else url))
            stats = percentiles(samples)
            per_request = len(queries) / args.requests
            print(f"run {run} {label:16} p50 {stats['p50']:6.1f} ms  p95 {stats['p95']:6.1f} ms  "
                  f"max {stats['max']:6.1f} ms  queries/request {per_request:.1f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
