#!/usr/bin/env python
"""Export benchmark: PDF and PNG (or ``--formats pptx,csv``) of 50, 500 and 1,500-card
maps in a warm worker.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/exports.py [--runs 3] [--out DIR]
        [--formats pdf,png] [--sizes 50,500,1500]

``--sizes 5000`` exports the 5,000-card map (60 stages x 12 lanes; targets: PDF
<= 20 s, the PNG within 50 megapixels and 800 MB).

The real path, end to end: a daphne server and a Celery worker process (with its
render helpers) run on the benchmark's own database; each export is requested over
REST by a user whose websocket is open on the map, and timed from the request to
the ``export`` frame saying it is done. The worker has rendered once before the
measured runs (warm). Every run asks for new content (the map's title changes), so
no finished file is reused.

Reported per case: the median and best of the runs, the worker's own render time
(claim to finish, from the Export row), the peak memory of the worker and its
helpers (sum of each process's peak resident set during the run, reset before it:
an upper bound), and the time from the request to the first ``export`` frame on the
requester's socket and to the first frame from the worker (status "running").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Before the bench folder (the script's own): this file is named like the app.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")

SIZES = {50: dict(stages=6, lanes=7, cards=50), 500: dict(stages=15, lanes=9, cards=500),
         1500: dict(stages=30, lanes=12, cards=1500), 5000: dict(stages=60, lanes=12, cards=5000)}
PDF_TARGETS = {500: 4.0, 1500: 12.0, 5000: 20.0}
PNG_MARGIN = 3.0
PEAK_TARGET_MB = 600
# The 5,000-card map (issue 20, "big maps"): PDF <= 20 s, a PNG within 50 MP and 800 MB.
PEAK_TARGETS_MB = {5000: 800}
PNG_PIXELS_LIMIT = 50_000_000
FIRST_FRAME_TARGET = 1.0


# ----------------------------------------------------------------------------- processes


def reset_peaks(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def peak_mb(pids: list[int]) -> tuple[float, float]:
    """Sum of the processes' peaks and the largest one, in MB."""
    peaks = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return sum(peaks), max(peaks, default=0.0)


# ----------------------------------------------------------------------------- setup


def setup(sizes: list[int]) -> tuple[str, dict[int, str]]:
    sys.path.insert(1, str(Path(__file__).resolve().parent))
    from _setup import bench_database

    bench_database("exports")
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from tests.exports.helpers import map_from_document, synthetic_document
    from workspaces.services import workspace_create

    owner = get_user_model().objects.create(username=f"bench-{uuid.uuid4().hex[:8]}")
    workspace = workspace_create(name="Export bench", owner=owner)
    maps = {}
    for cards in sorted({50, *sizes}):  # the 50-card map also warms the worker
        size = SIZES[cards]
        started = time.perf_counter()
        maps[cards] = str(map_from_document(workspace, owner, synthetic_document(**size)).id)
        print(f"map of {cards} cards created in {time.perf_counter() - started:.1f} s", flush=True)
    return Token.objects.create(user=owner).key, maps


def retitle(map_id: str, title: str) -> None:
    """New content, so the export is rendered rather than reused."""
    from maps.models import JourneyMap, Role
    from maps.operations import actor_for, apply

    journey_map = JourneyMap.objects.get(id=map_id)
    owner = journey_map.created_by
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, journey_map.workspace_id), batch_id=f"b-{uuid.uuid4()}",
                ops=[{"op": "update", "entity": "map", "id": map_id, "fields": {"title": title}}], role=Role.OWNER)
    assert ack.status in ("ok", "rebased"), ack.error


# ----------------------------------------------------------------------------- one export


def post(base: str, path: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"{base}{path}", data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def get(base: str, path: str, token: str) -> bytes:
    request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


async def one_export(base: str, token: str, map_id: str, options: dict, worker_pid: int) -> dict:
    import websockets

    from tests.workers import descendants

    ticket = (await asyncio.to_thread(post, base, f"/api/v1/maps/{map_id}/ws-ticket/", token))["ticket"]
    ws_url = base.replace("http://", "ws://")
    async with websockets.connect(f"{ws_url}/ws/maps/{map_id}/?ticket={ticket}", max_size=None) as ws:
        await ws.send(json.dumps({"type": "hello", "client_id": "bench", "last_seq": None}))
        while json.loads(await ws.recv())["type"] != "welcome":
            pass
        pids = descendants(worker_pid)
        reset_peaks(pids)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        request = asyncio.ensure_future(asyncio.to_thread(post, base, f"/api/v1/maps/{map_id}/exports/", token,
                                                          options))
        first = first_running = None
        frames = []
        export_id = None
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 600))
            now = time.perf_counter() - started
            if frame.get("type") != "export":
                continue
            frames.append((now, frame))
            if first is None:
                first = now
            if first_running is None and frame["status"] == "running":
                first_running = now
            if frame["status"] in ("done", "failed"):
                if export_id is None:
                    export_id = (await request)["id"]
                if frame["id"] == export_id:
                    break
        total = time.perf_counter() - started
        body = await request
        pids = descendants(worker_pid)
        peak_sum, peak_max = peak_mb(pids)
    from exports.models import Export

    row = await asyncio.to_thread(lambda: Export.objects.get(id=body["id"]))
    assert row.status == "done", row.error
    return {"seconds": total, "render": (row.finished_at - row.started_at).total_seconds(), "first": first,
            "first_running": first_running, "peak": peak_sum, "peak_max": peak_max, "processes": len(pids),
            "info": row.info, "id": str(row.id), "load": load, "frames": len(frames)}


# ----------------------------------------------------------------------------- main


async def run(args: argparse.Namespace) -> None:
    from tests.servers import free_port, port_open

    token, maps = await asyncio.to_thread(setup, args.sizes)
    media = tempfile.mkdtemp(prefix="jm-bench-media-")
    queue = f"bench-exports-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_QUEUE": queue, "MEDIA_ROOT": media, "PYTHONUNBUFFERED": "1"}
    port = free_port()
    daphne = subprocess.Popen([sys.executable, "-m", "daphne", "--websocket-max-message-size", "8388608", "-b", "127.0.0.1", "-p", str(port),
                               "journeymap.asgi:application"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    from tests.workers import Worker, descendants

    worker = Worker(env, name=f"bench-{uuid.uuid4().hex[:6]}")
    base = f"http://127.0.0.1:{port}"
    results: dict[tuple[int, str], list[dict]] = {}
    try:
        if not worker.ready.wait(60):
            raise SystemExit("worker not ready:\n" + "\n".join(worker.lines[-30:]))
        deadline = time.monotonic() + 30
        while not port_open(port) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        print(f"worker pid {worker.process.pid}, processes with helpers: {len(descendants(worker.process.pid))}; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        # Warm: the worker renders once (a PDF and a PNG) before anything is measured.
        for fmt in args.formats:
            await asyncio.to_thread(retitle, maps[50], f"Warm-up {fmt}")
            warm = await one_export(base, token, maps[50], {"format": fmt, "paper": "A3", "dpi": 150},
                                    worker.process.pid)
            print(f"warm-up {fmt}: {warm['seconds']:.2f} s", flush=True)
        for cards in args.sizes:
            for fmt in args.formats:
                runs = []
                for attempt in range(args.runs):
                    await asyncio.to_thread(retitle, maps[cards], f"Bench {cards} {fmt} {attempt} {uuid.uuid4().hex[:6]}")
                    result = await one_export(base, token, maps[cards], {"format": fmt, "paper": "A3", "dpi": 150},
                                              worker.process.pid)
                    runs.append(result)
                    info = result["info"]
                    detail = {
                        "pdf": f"{info.get('pages')} pages, {info.get('parts')} parts",
                        "png": f"{info.get('width')}x{info.get('height')} px at {info.get('dpi')} dpi, "
                               f"{info.get('parts')} parts",
                        "pptx": f"{info.get('slides')} slides",
                        "csv": f"{info.get('rows')} rows",
                    }[fmt]
                    print(f"  {cards:>5} cards {fmt}: {result['seconds']:6.2f} s (worker {result['render']:.2f} s), "
                          f"peak {result['peak']:.0f} MB over {result['processes']} processes (largest "
                          f"{result['peak_max']:.0f}), first frame {result['first'] * 1000:.0f} ms, from the worker "
                          f"{(result['first_running'] or 0) * 1000:.0f} ms; {detail}; load {result['load']:.2f}",
                          flush=True)
                    if args.out and attempt == 0:
                        data = await asyncio.to_thread(get, base, f"/api/v1/exports/{result['id']}/download/", token)
                        Path(args.out, f"{cards}-cards.{fmt}").write_bytes(data)
                results[(cards, fmt)] = runs
    finally:
        worker.process.terminate()
        daphne.terminate()
        try:
            worker.process.wait(20)
        except subprocess.TimeoutExpired:
            worker.process.kill()
    report(results)


def report(results: dict[tuple[int, str], list[dict]]) -> None:
    print()
    print(f"{'case':22} {'median s':>9} {'best s':>7} {'worker s':>9} {'peak MB':>8} {'1st frame':>10} "
          f"{'1st worker':>11}  target")
    medians = {}
    for (cards, fmt), runs in results.items():
        median = statistics.median(r["seconds"] for r in runs)
        medians[(cards, fmt)] = median
        peak = max(r["peak"] for r in runs)
        first = max(r["first"] for r in runs)
        running = max(r["first_running"] or 0 for r in runs)
        if fmt == "pdf":
            target = PDF_TARGETS.get(cards)
            goal = f"<= {target:.0f} s: {'ok' if median <= target else 'MISSED'}" if target else ""
        elif fmt == "png" and cards in PEAK_TARGETS_MB:
            pixels = max(r["info"].get("width", 0) * r["info"].get("height", 0) for r in runs)
            goal = f"{pixels / 1e6:.1f} MP <= 50: {'ok' if pixels <= PNG_PIXELS_LIMIT else 'MISSED'}"
        elif fmt != "png" or (cards, "pdf") not in medians:
            goal = ""
        else:
            limit = medians[(cards, "pdf")] + PNG_MARGIN
            goal = f"<= PDF + {PNG_MARGIN:.0f} s ({limit:.1f}): {'ok' if median <= limit else 'MISSED'}"
        peak_target = PEAK_TARGETS_MB.get(cards, PEAK_TARGET_MB)
        goal += f"; peak <= {peak_target}: {'ok' if peak <= peak_target else 'MISSED'}"
        goal += f"; first frame <= 1 s: {'ok' if first <= FIRST_FRAME_TARGET else 'MISSED'}"
        print(f"{f'{cards} cards {fmt.upper()}':22} {median:9.2f} {min(r['seconds'] for r in runs):7.2f} "
              f"{statistics.median(r['render'] for r in runs):9.2f} {peak:8.0f} {first * 1000:8.0f} ms "
              f"{running * 1000:8.0f} ms  {goal}")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="measured runs per case (default 3)")
    parser.add_argument("--out", help="folder to keep the first run's files in")
    parser.add_argument("--formats", default="pdf,png", type=lambda text: [f for f in text.split(",") if f],
                        help="formats to measure, comma-separated (default pdf,png; also pptx, csv)")
    parser.add_argument("--sizes", default="50,500,1500", type=lambda text: [int(n) for n in text.split(",") if n],
                        help="maps to export by card count, comma-separated (default 50,500,1500; also 5000: "
                             "60 stages x 12 lanes)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("set REDIS_URL=redis://... (the benchmark runs a Celery worker)")
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
