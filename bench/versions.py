"""Benchmark of versions on PostgreSQL: storage per version, opening a version,
comparing two versions, restoring.

The 1,500-card map of ``bench/document.py`` (30 stages x 10 lanes, 100
touchpoints, 3 emotion curves). A first version is saved, then 100 single-card
edits each followed by a version: each stores one delta against the kept
snapshot. Then, through the REST views (authentication, permission, JSON):
opening a version (``GET .../versions/<id>/document/``) and comparing the first
and the last version (``GET .../compare/``), N times each; and one restore of
the first version (100 cards back). Targets (issue "History you can trust"):
open and compare p95 <= 300 ms; storage per version after 100 single-card edits
<= 10 % of a full snapshot.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/versions.py

Runs in its own database (journeymap_bench_versions), dropped and re-created.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid

from _setup import bench_database, percentiles

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args()

    bench_database("versions")
    from django.contrib.auth import get_user_model
    from document import build_map
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from versions.models import Reason, Version
    from versions.restoring import version_restore
    from versions.services import version_create
    from workspaces.services import workspace_create

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    owner = get_user_model().objects.create_user("bench-owner", password="bench-password-1")
    workspace = workspace_create(name="Bench", owner=owner)
    journey_map = build_map(owner, workspace)
    first = version_create(journey_map=journey_map, user=owner, name="Before the edits")
    full = first.stored_bytes
    raw = len(str(map_document(map_id=journey_map.id)).encode())
    rng = random.Random(7)
    cards = [c["id"] for c in map_document(map_id=journey_map.id)["cards"]]
    actor = actor_for(owner, workspace.id)
    sizes, save_ms = [], []
    for i in range(args.edits):
        ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"edit-{i}", ops=[
            {"op": "update", "entity": "card", "id": rng.choice(cards),
             "fields": {"text": f"Edited {i}: the customer now calls support {uuid.uuid4().hex[:8]}"}}])
        assert ack.status == "ok", ack.error
        t0 = time.perf_counter()
        version = version_create(journey_map=journey_map, reason=Reason.IDLE)
        save_ms.append((time.perf_counter() - t0) * 1000)
        sizes.append(version.stored_bytes)
    last = version
    snapshots = Version.objects.filter(map=journey_map).values("snapshot").distinct().count()
    mean = sum(sizes) / len(sizes)
    print(f"full snapshot: {full} bytes compressed ({raw / 1024:.0f} KiB as JSON); snapshots kept: {snapshots}")
    print(f"per version after {args.edits} single-card edits: mean {mean:.0f} bytes ({100 * mean / full:.1f} %), "
          f"max {max(sizes)} bytes ({100 * max(sizes) / full:.1f} %)")
    print("saving a version ms: " + ", ".join(f"{k} {v:.1f}" for k, v in percentiles(save_ms).items()))
    print(f"target storage per version <= 10 % of a full snapshot: {'met' if mean <= 0.1 * full else 'NOT met'}")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=owner).key}")
    base = f"/api/v1/maps/{journey_map.id}"
    for name, url in (("open a version", f"{base}/versions/{last.id}/document/"),
                      ("compare two versions", f"{base}/compare/?from={first.id}&to={last.id}"),
                      ("compare a version with now", f"{base}/compare/?from={first.id}&to=current")):
        for _ in range(3):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        p = percentiles(timings)
        extra = ""
        if "compare" in name:
            extra = f" ({response.json()['counts']['changes']} changes)"
        print(f"{name}{extra} ms: " + ", ".join(f"{k} {v:.1f}" for k, v in p.items())
              + f" -> target p95 <= 300 ms: {'met' if p['p95'] <= 300 else 'NOT met'}")

    t0 = time.perf_counter()
    result = version_restore(journey_map=journey_map, version=first, user=owner)
    print(f"restore of the first version: {(time.perf_counter() - t0) * 1000:.0f} ms, "
          f"{len(result.ack.ops)} ops in one batch")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
