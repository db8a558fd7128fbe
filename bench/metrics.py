"""Benchmark of metric series: 10,000 points in one POST /api/v1/maps/<id>/metrics/
(100 touchpoints x 5 metrics x 20 months) on PostgreSQL, through the whole REST
path in process (JSON parsing, checks, the upsert, one batch through ``apply``).

Runs of new periods (inserts) and runs posting the same periods with new values
(replacements); prints p50 and max seconds of each kind and the load average.
Target (issue #18): <= 2 s per call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/metrics.py
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid

from _setup import bench_database, percentiles

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")

METRICS = {"csat": (0, 100), "nps": (-100, 100), "ces": (1, 7), "volume_share": (0, 100), "volume_count": (0, 10**6)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--touchpoints", type=int, default=100)
    parser.add_argument("--periods", type=int, default=20)
    args = parser.parse_args()

    bench_database("metrics")
    from django.test import Client

    from maps.models import Operation
    from maps.services import map_create, map_edit
    from metrics.models import MetricPoint
    from tests.factories import UserFactory
    from workspaces.services import workspace_create

    user = UserFactory(username="bench")
    workspace = workspace_create(name="Bench", owner=user)
    structure = {"stages": [{"name": f"Stage {i}"} for i in range(10)], "lanes": [{"title": "Notes"}]}
    journey_map = map_create(workspace=workspace, title="Bench map", structure=structure, actor_user=user)
    from maps.selectors import map_document

    stages = [s["id"] for s in map_document(map_id=journey_map.id)["stages"]]
    lane, touchpoints = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(args.touchpoints)]
    map_edit(journey_map, user, [{"op": "create", "entity": "lane", "id": lane,
                                  "fields": {"title": "Channels", "kind": "touchpoints"}}])
    map_edit(journey_map, user, [{"op": "create", "entity": "touchpoint", "id": tp, "fields": {
        "stage": stages[n % len(stages)], "lane": lane, "title": f"Touchpoint {n}"}} for n, tp in enumerate(touchpoints)],
        max_ops=None)
    client = Client()
    client.force_login(user)
    url = f"/api/v1/maps/{journey_map.id}/metrics/"

    def body(first_month: int, shift: float) -> bytes:
        points = []
        for n, tp in enumerate(touchpoints):
            for metric, (lo, hi) in METRICS.items():
                for p in range(args.periods):
                    month = first_month + p
                    value = lo + ((n * 7 + p * 3 + shift) % (hi - lo))
                    value = round(value) if metric in ("nps", "volume_count") else round(value, 1)
                    points.append({"touchpoint": tp, "metric": metric,
                                   "period": f"{2000 + month // 12}-{month % 12 + 1:02d}", "value": value})
        return json.dumps({"points": points}).encode()

    def timed(payload: bytes) -> float:
        started = time.perf_counter()
        response = client.post(url, payload, content_type="application/json")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:500]
        answer = response.json()
        assert answer["points"] == len(touchpoints) * len(METRICS) * args.periods and answer["touchpoints"] > 0, answer
        return elapsed

    count = len(touchpoints) * len(METRICS) * args.periods
    timed(body(0, 0))  # warm-up: connections, caches, the first plan
    inserts = [timed(body(args.periods * (run + 1), run + 1)) for run in range(args.runs)]
    replaces = [timed(body(args.periods * args.runs, 10 + run)) for run in range(args.runs)]
    batches = Operation.objects.filter(map_id=journey_map.id).count()
    stored = MetricPoint.objects.filter(map_id=journey_map.id).count()
    load = os.getloadavg()
    print(f"{count} points per call ({len(touchpoints)} touchpoints x {len(METRICS)} metrics x {args.periods} months)")
    for name, samples in (("new periods (insert)", inserts), ("same periods (replace)", replaces)):
        stats = percentiles(samples)
        print(f"{name:24s} runs={len(samples)}  p50={stats['p50']:.3f}s  max={stats['max']:.3f}s  "
              f"all={' '.join(f'{s:.3f}' for s in samples)}")
    print(f"stored points={stored}  op-log batches={batches}")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")


if __name__ == "__main__":
    main()
