"""Benchmark of ``GET /api/v1/maps/<id>/document/`` on PostgreSQL.

A 30-stage x 10-lane map with 1,500 cards, 100 touchpoints and 3 emotion curves
(2 personas and the persona-less curve), read N times through the Django test
client (authentication, permission check, snapshot, JSON rendering): server time
p50/p95, query count and payload size. Target (issue "REST API"): p95 <= 150 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/document.py

``--big``: the 5,000-card map (60 stages x 12 lanes, 300 touchpoints; issue 20),
target p95 <= 300 ms. Either way the query count of a 6-stage x 4-lane map with 20
cards is printed beside it: the count must not grow with the map.

Runs in its own database (journeymap_bench_document), dropped and re-created.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid

from _setup import bench_database, percentiles

# Measure production settings: DEBUG keeps a log of every query.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")


def build_map(owner, workspace, stage_count: int = 30, lane_count: int = 10, card_count: int = 1500,
              touchpoint_count: int = 100):  # type: ignore[no-untyped-def]
    from maps.models import JourneyMap
    from maps.operations import actor_for, apply
    from personas.models import Persona
    from touchpoints.models import Channel

    journey_map = JourneyMap.objects.create(workspace=workspace, title="Benchmark journey")
    stages = [str(uuid.uuid4()) for _ in range(stage_count)]
    lanes = [str(uuid.uuid4()) for _ in range(lane_count)]
    personas = [Persona.objects.create(workspace=workspace, name=f"Persona {i}") for i in range(2)]
    channels = list(Channel.objects.filter(workspace__isnull=True).values_list("id", flat=True)[:10])
    ops = [{"op": "create", "entity": "phase", "id": str(uuid.uuid4()), "fields": {"title": f"Phase {i}"}}
           for i in range(5)]
    ops += [{"op": "create", "entity": "stage", "id": s, "fields": {"name": f"Stage {i}", "description": "x" * 80}}
            for i, s in enumerate(stages)]
    ops += [{"op": "create", "entity": "lane", "id": la,
             "fields": {"title": f"Lane {i}", "kind": "touchpoints" if i == 2 else "text", "prompt": "Why?" * 10}}
            for i, la in enumerate(lanes)]
    ops += [{"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()), "fields": {"persona": str(p.id)}}
            for p in personas]
    ops += [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": stages[i % stage_count], "lane": lanes[(i // stage_count) % lane_count],
                        "text": f"Card {i}: the customer wonders whether this is the right offer for them."}}
            for i in range(card_count)]
    ops += [{"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
             "fields": {"stage": stages[i % stage_count], "lane": lanes[2], "title": f"Touchpoint {i}",
                        "channel": str(channels[i % len(channels)]) if channels else None, "csat": 70.0}}
            for i in range(touchpoint_count)]
    for persona in [None, *personas]:
        ops += [{"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                 "fields": {"stage": s, "persona": str(persona.id) if persona else None, "score": (i % 7) - 3}}
                for i, s in enumerate(stages)]
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id="bench", ops=ops,
                max_ops=None)
    assert ack.status in ("ok", "rebased"), ack.error
    return journey_map


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--big", action="store_true", help="the 5,000-card map, 60 stages x 12 lanes")
    args = parser.parse_args()
    size = dict(stage_count=60, lane_count=12, card_count=5000, touchpoint_count=300) if args.big else {}
    target = 300 if args.big else 150

    bench_database("document")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from workspaces.services import workspace_create

    owner = get_user_model().objects.create_user("bench-owner", password="bench-password-1")
    workspace = workspace_create(name="Bench", owner=owner)
    started = time.perf_counter()
    journey_map = build_map(owner, workspace, **size)
    print(f"built the map in {time.perf_counter() - started:.1f} s")
    small_map = build_map(owner, workspace, stage_count=6, lane_count=4, card_count=20, touchpoint_count=5)

    client = APIClient()
    token = Token.objects.create(user=owner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/maps/{journey_map.id}/document/"
    for _ in range(3):  # warm-up: connection, caches
        client.get(url)
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(f"/api/v1/maps/{small_map.id}/document/")
    with connection.execute_wrapper(count):
        client.get(f"/api/v1/maps/{small_map.id}/document/")
    small_queries = len(queries)
    queries.clear()
    with connection.execute_wrapper(count):
        response = client.get(url)
    body = response.content
    document = response.json()
    timings = []
    for _ in range(args.requests):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    p = percentiles(timings)
    print(f"content: {len(document['stages'])} stages, {len(document['lanes'])} lanes, {len(document['cards'])} "
          f"cards, {len(document['touchpoints'])} touchpoints, {len(document['emotions'])} emotion points")
    print(f"requests: {args.requests}, queries per request: {len(queries)} (a 20-card map: {small_queries}; "
          f"{'constant' if len(queries) == small_queries else 'GROWS with the map'})")
    print("server time ms: " + ", ".join(f"{k} {v:.1f}" for k, v in p.items()))
    print(f"payload: {len(body)} bytes ({len(body) / 1024:.0f} KiB)")
    print(f"target p95 <= {target} ms: {'met' if p['p95'] <= target else 'NOT met'}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
