"""Benchmark of the map file format: export and import of a 1,500-card map.

A 30-stage x 10-lane map with 1,500 cards, 100 touchpoints and 3 emotion curves
(2 personas and the shared curve) is exported (``GET .../export.json``, through
the Django test client: authentication, permission check, snapshot, file) and
imported as a new map (``POST /api/v1/workspaces/<id>/imports/``: reading,
schema check, names, one batch through the write path) N times each; also the
same cards as a CSV grid. Targets (issue "Maps in and out"): import of a
1,500-card file <= 3 s, export <= 1 s. Prints the load average with the times:
the machine is shared, and times move with it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/interchange.py

Runs in its own database (journeymap_bench_interchange), dropped and re-created.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import time

from _setup import bench_database, percentiles

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")


def grid_csv(document: dict) -> bytes:
    """The map's cards as a grid (stages across, lanes down, one card per line)."""
    stages = [s["id"] for s in document["stages"]]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Benchmark grid", *[s["name"] for s in document["stages"]]])
    for lane in document["lanes"]:
        if lane["kind"] != "text":
            continue
        cells = {sid: [] for sid in stages}
        for card in document["cards"]:
            if card["lane"] == lane["id"]:
                cells[card["stage"]].append(card["text"])
        writer.writerow([lane["title"], *["\n".join(cells[sid]) for sid in stages]])
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench_database("interchange")
    import json

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from document import build_map
    from rest_framework.test import APIClient

    from templates_lib.services import ensure_builtin_templates
    from workspaces.services import workspace_create

    ensure_builtin_templates()
    owner = get_user_model().objects.create_user("bench-owner", password="bench-password-1")
    workspace = workspace_create(name="Bench", owner=owner)
    journey_map = build_map(owner, workspace)
    client = APIClient()
    client.force_authenticate(owner)

    exports: list[float] = []
    cpu: dict[str, list[float]] = {"export.json": [], "import map file": [], "import CSV grid (1,500 cards)": []}
    body = b""
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/api/v1/maps/{journey_map.id}/export.json")
        exports.append(time.perf_counter() - start)
        cpu["export.json"].append(time.process_time() - start_cpu)
        assert response.status_code == 200
        body = response.content
    document = json.loads(body)
    counts = {c: len(document[c]) for c in ("stages", "lanes", "cards", "touchpoints", "emotions", "personas")}

    def timed_import(content: bytes, name: str, label: str) -> float:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/api/v1/workspaces/{workspace.id}/imports/",
                               {"file": SimpleUploadedFile(name, content)}, format="multipart")
        elapsed = time.perf_counter() - start
        cpu[label].append(time.process_time() - start_cpu)
        assert response.status_code == 201, response.content[:500]
        return elapsed

    imports = [timed_import(body, "map.json", "import map file") for _ in range(args.runs)]
    grid = grid_csv(document)
    grids = [timed_import(grid, "grid.csv", "import CSV grid (1,500 cards)") for _ in range(args.runs)]
    load = os.getloadavg()
    print(f"map: {counts}; file {len(body) / 1024:.0f} KiB; grid CSV {len(grid) / 1024:.0f} KiB")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    for label, samples, target in (("export.json", exports, 1.0), ("import map file", imports, 3.0),
                                   ("import CSV grid (1,500 cards)", grids, 3.0)):
        stats = percentiles(samples)
        verdict = "meets" if stats["p50"] <= target else "MISSES"
        # The process's own CPU time moves far less with other load than the wall clock.
        own = percentiles(cpu[label])["p50"]
        print(f"{label:32s} p50 {stats['p50'] * 1000:7.0f} ms  max {stats['max'] * 1000:7.0f} ms  "
              f"(Python CPU p50 {own * 1000:5.0f} ms)  target {target:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
