"""Realtime benchmark: push -> remote receipt and push -> ack latency, throughput.

Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/realtime.py

Starts two daphne processes on loopback against DATABASE_URL/REDIS_URL (migrated
first), and a floor: a bare ``websockets`` broadcast server with the same clients
and message sizes. 15 extra clients send presence at 10 Hz during the latency runs.
Bounded to a few minutes.

Ends with the two checks of ``workshop_checks``: every client's document (its
welcome snapshot plus the ``ops`` frames it received, applied in ``seq`` order)
equals the server's, and every acked batch is once in the op log at its seq.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")

import websockets  # noqa: E402

FLOOR = '''
import asyncio, json, sys, websockets
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        async for text in ws:
            f = json.loads(text)
            if f["type"] == "hello":
                await ws.send(json.dumps({"type": "welcome", "seq": 0}))
            elif f["type"] == "push":
                await ws.send(json.dumps({"type": "ack", "batch_id": f["batch_id"], "status": "ok"}))
                out = json.dumps({"type": "ops", "seq": 0, "batch_id": f["batch_id"], "ops": f["ops"]})
                websockets.broadcast(clients, out)
    finally:
        clients.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), max_size=None):
        await asyncio.Future()
asyncio.run(main())
'''


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def setup_map() -> tuple[str, list[str], str, str]:
    from _setup import bench_database

    bench_database("realtime")
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from maps.selectors import map_document
    from maps.services import map_create
    from workspaces.services import member_add, workspace_create

    def UserFactory(username: str):  # noqa: N802  (no password: clients use tokens)
        return get_user_model().objects.create(username=username)

    tag = uuid.uuid4().hex[:8]
    owner = UserFactory(username=f"bench-{tag}")
    workspace = workspace_create(name=f"bench {tag}", owner=owner)
    tokens = []
    for i in range(80):
        user = UserFactory(username=f"bench-{tag}-{i}")
        member_add(workspace=workspace, user=user, role="editor")
        tokens.append(Token.objects.create(user=user).key)
    journey_map = map_create(workspace=workspace, title="Bench", actor_user=owner,
                             structure={"stages": [{"name": f"S{i}"} for i in range(6)],
                                        "lanes": [{"title": f"L{i}"} for i in range(4)]})
    doc = map_document(map_id=journey_map.id)
    return str(journey_map.id), tokens, doc["stages"][0]["id"], doc["lanes"][0]["id"]


def ticket(base: str, map_id: str, token: str) -> str:
    request = urllib.request.Request(f"{base}/api/v1/maps/{map_id}/ws-ticket/", data=b"", method="POST",
                                     headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["ticket"]


class Bench:
    def __init__(self, urls: list[str], map_id: str | None, tokens: list[str]) -> None:
        self.urls, self.map_id, self.tokens = urls, map_id, tokens
        self.sent: dict[str, float] = {}
        self.remote: list[float] = []
        self.acks: list[float] = []
        self.committed = 0
        self.acked: dict[str, int] = {}  # batch_id -> the seq its ack named
        self.copies: dict[int, ClientCopy] = {}  # our server's clients: what each holds

    def documents(self) -> dict[str, dict[str, Any] | None]:
        return {f"client {i}": copy.document() for i, copy in self.copies.items()}

    async def connect(self, i: int):
        url = self.urls[i % len(self.urls)]
        if self.map_id is None:
            ws = await websockets.connect(url, max_size=None)
        else:
            base = url.replace("ws://", "http://")
            t = await asyncio.to_thread(ticket, base, self.map_id, self.tokens[i])
            ws = await websockets.connect(f"{url}/ws/maps/{self.map_id}/?ticket={t}", max_size=None)
        await ws.send(json.dumps({"type": "hello", "client_id": f"b{i}", "last_seq": None}))
        while (frame := json.loads(await ws.recv()))["type"] != "welcome":
            pass
        if self.map_id is not None and i < 60:  # not the presence clients
            self.copies[i] = ClientCopy(frame)
        return ws

    async def listen(self, ws, me: int) -> None:
        async for text in ws:
            now = time.perf_counter()
            frame = json.loads(text)
            kind = frame["type"]
            if kind == "ops":
                if me in self.copies:
                    self.copies[me].take(frame)
                origin = frame["batch_id"].split(":")[0]
                sent = self.sent.get(frame["batch_id"])
                if sent is not None and origin != f"b{me}":
                    self.remote.append((now - sent) * 1000)
            elif kind == "ack" and frame["status"] in ("ok", "rebased"):
                self.committed += 1
                if frame.get("seq") is not None:  # the floor's acks have none
                    self.acked[frame["batch_id"]] = frame["seq"]
                sent = self.sent.get(frame["batch_id"])
                if sent is not None:
                    self.acks.append((now - sent) * 1000)


class ClientCopy:
    """One client's document: its welcome snapshot plus the batches received,
    applied strictly in ``seq`` order (buffered across a gap, as clients do)."""

    def __init__(self, welcome: dict[str, Any]) -> None:
        self.snapshot = welcome["snapshot"]
        self.seq = welcome["seq"]
        self.applied: list[list[dict[str, Any]]] = []
        self.buffer: dict[int, list[dict[str, Any]]] = {}

    def take(self, frame: dict[str, Any]) -> None:
        if frame["seq"] > self.seq:
            self.buffer[frame["seq"]] = frame["ops"]
        while self.seq + 1 in self.buffer:
            self.seq += 1
            self.applied.append(self.buffer.pop(self.seq))

    def document(self) -> dict[str, Any]:
        from workshop_checks import replayed

        return replayed(self.snapshot, self.applied, self.seq)


async def presence_load(bench: Bench, stop: asyncio.Event) -> None:
    sockets = [await bench.connect(60 + i) for i in range(15)]
    drains = [asyncio.ensure_future(drain(ws)) for ws in sockets]
    n = 0
    while not stop.is_set():
        n += 1
        for ws in sockets:
            await ws.send(json.dumps({"type": "presence", "focus": {"entity": "card", "id": str(n)}, "cursor": None}))
        await asyncio.sleep(0.1)
    for task in drains:
        task.cancel()
    for ws in sockets:
        await ws.close()


async def drain(ws) -> None:
    async for _ in ws:
        pass


def op(stage: str, lane: str, n: int) -> list[dict]:
    return [{"op": "update", "entity": "stage", "id": stage, "fields": {"name": f"Stage {n}"}}]


async def latency(urls, map_id, tokens, stage, lane, clients: int, seconds: float, rate: float) -> Bench:
    bench = Bench(urls, map_id, tokens)
    stop = asyncio.Event()
    load = asyncio.ensure_future(presence_load(bench, stop))
    sockets = [await bench.connect(i) for i in range(clients)]
    listeners = [asyncio.ensure_future(bench.listen(ws, i)) for i, ws in enumerate(sockets)]
    await asyncio.sleep(0.5)
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
        i = n % clients
        batch_id = f"b{i}:{uuid.uuid4().hex[:8]}"
        bench.sent[batch_id] = time.perf_counter()
        await sockets[i].send(json.dumps({"type": "push", "batch_id": batch_id, "ops": op(stage, lane, n)}))
        await asyncio.sleep(1 / rate)
    await asyncio.sleep(1.5)
    await settle(bench)
    stop.set()
    await load
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return bench


async def throughput(urls, map_id, tokens, stage, lane, seconds: float) -> tuple[float, Bench]:
    bench = Bench(urls, map_id, tokens)
    sockets = [await bench.connect(i) for i in range(50)]
    listeners = [asyncio.ensure_future(bench.listen(ws, i)) for i, ws in enumerate(sockets)]
    start = time.perf_counter()
    end = start + seconds

    async def pusher(i: int) -> None:
        n = 0
        while time.perf_counter() < end:
            n += 1
            await sockets[i].send(json.dumps({"type": "push", "batch_id": f"b{i}:{uuid.uuid4().hex[:8]}",
                                              "ops": op(stage, lane, n)}))
            await asyncio.sleep(0.02)  # 50/s per pusher, within the token bucket

    await asyncio.gather(*(pusher(i) for i in range(8)))
    await asyncio.sleep(1.0)
    elapsed = time.perf_counter() - start
    committed = bench.committed  # acks that come while settling are not counted
    await settle(bench)
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return committed / elapsed, bench


def wait_ready(ports: list[int], timeout: float = 90.0) -> None:
    """Until every daphne answers ``/healthz`` (a loaded machine may take a while)."""
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    time.sleep(1.0)  # and the floor server, started at the same time


def nothing_lost(map_id: str, acked: dict[str, int]) -> list[str]:
    """Every batch a client saw acknowledged is in the op log once, at its seq
    (``workshop_checks``, over the map's whole op log)."""
    from workshop_checks import loss_failures

    from maps.models import Operation

    return loss_failures(acked, Operation.objects.filter(map_id=map_id).values("batch_id", "seq"))


def server_seq(map_id: str) -> int:
    from maps.models import JourneyMap

    return JourneyMap.objects.values_list("seq", flat=True).get(id=map_id)


async def settle(bench: Bench, timeout: float = 30.0) -> None:
    """Before the sockets close: until the server's seq has stood still for a second
    (pushes still queued in a process commit meanwhile) and every client holds its
    last batch, so that the checks compare like with like; or ``timeout``."""
    if bench.map_id is None:
        return
    deadline = time.monotonic() + timeout
    last, still_since = None, time.monotonic()
    while time.monotonic() < deadline:
        seq = await asyncio.to_thread(server_seq, bench.map_id)
        if seq != last:
            last, still_since = seq, time.monotonic()
        if time.monotonic() - still_since >= 1.0 and all(copy.seq >= seq for copy in bench.copies.values()):
            return
        await asyncio.sleep(0.2)


def diverged(map_id: str, bench: Bench) -> list[str]:
    """The clients whose document differs from the server's (``workshop_checks``)."""
    from workshop_checks import convergence_failures

    from maps.selectors import map_document

    return convergence_failures(map_document(map_id=map_id), bench.documents())


def report(name: str, bench: Bench) -> tuple[float, float]:
    remote95, ack95 = pct(bench.remote, 0.95), pct(bench.acks, 0.95)
    print(f"{name:28s} push->remote p50 {pct(bench.remote, .5):7.1f} p95 {remote95:7.1f} p99 "
          f"{pct(bench.remote, .99):7.1f} ms (n={len(bench.remote)}) | push->ack p50 {pct(bench.acks, .5):6.1f} "
          f"p95 {ack95:6.1f} ms")
    return remote95, ack95


async def main() -> None:
    from tests.servers import free_port

    map_id, tokens, stage, lane = await asyncio.to_thread(setup_map)
    # Production settings for the servers (DEBUG off: no query log, no debug
    # toolbar of any kind) against the benchmark's own database.
    env = dict(os.environ, DEBUG="false", SECRET_KEY="bench-only-secret-key-0123456789")
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p),
                               "journeymap.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    print("daphne pids", " ".join(str(p.pid) for p in procs), flush=True)
    floor_port = free_port()
    floor = subprocess.Popen([sys.executable, "-c", FLOOR, str(floor_port)])
    try:
        await asyncio.to_thread(wait_ready, ports)
        urls = [f"ws://127.0.0.1:{p}" for p in ports]
        floor_urls = [f"ws://127.0.0.1:{floor_port}"]
        results = {}
        acked: dict[str, int] = {}
        divergent: list[str] = []
        compared = 0
        for clients in [int(c) for c in os.environ.get("BENCH_CLIENTS", "10,50").split(",")]:
            ours = await latency(urls, map_id, tokens, stage, lane, clients, 8, 20)
            acked.update(ours.acked)
            divergent += await asyncio.to_thread(diverged, map_id, ours)
            compared += len(ours.copies)
            base = await latency(floor_urls, None, tokens, stage, lane, clients, 8, 20)
            r = report(f"journeymap {clients} clients", ours)
            f = report(f"floor {clients} clients", base)
            results[clients] = (r, f)
            print(f"  ratio p95 push->remote ours/floor: {r[0] / f[0]:.2f}x  (load average {os.getloadavg()[0]:.1f})")
        rate, load = await throughput(urls, map_id, tokens, stage, lane, 10)
        acked.update(load.acked)
        divergent += await asyncio.to_thread(diverged, map_id, load)
        compared += len(load.copies)
        print(f"committed batches/s on one map with 50 listeners: {rate:.0f}  (load average {os.getloadavg()[0]:.1f})")
        r50 = results[50][0]
        print(f"targets (50 clients): p95 push->remote {r50[0]:.1f} <= 50 ms: {r50[0] <= 50}; "
              f"p95 push->ack {r50[1]:.1f} <= 30 ms: {r50[1] <= 30}; >= 100 batches/s: {rate >= 100}")
        ratio = r50[0] / results[50][1][0]
        print(f"issue #20 targets: p95 push->remote <= 1.5x the floor: {ratio:.2f}x, "
              f"{'met' if ratio <= 1.5 else 'missed'}; >= 300 batches/s on one map: {rate:.0f}, "
              f"{'met' if rate >= 300 else 'missed'}")
        problems = await asyncio.to_thread(nothing_lost, map_id, acked)
        print(f"nothing lost: {len(acked)} acked batches, each once in the op log at the seq its ack named: "
              + ("OK" if not problems else f"FAILED ({len(problems)}): " + "; ".join(problems[:5])))
        print(f"convergence: {compared} clients' documents against the server's at the end of each run: "
              + ("OK" if not divergent else f"FAILED ({len(divergent)}): " + "; ".join(divergent[:5])))
        if problems or divergent:
            raise SystemExit(1)
    finally:
        for proc in [*procs, floor]:
            proc.terminate()


if __name__ == "__main__":
    asyncio.run(main())
