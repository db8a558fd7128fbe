#!/usr/bin/env python
"""Many workshops at once: M maps x C clients on daphne processes sharing Redis.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/workshops_many.py \\
        [--maps 100] [--clients 10] [--processes 2] [--seconds 60] [--push-every 2] [--presence-hz 2] \\
        [--client-procs 2]

Its own database (``journeymap_bench_workshops_many``) with M small maps (8 stages x 5
lanes, 40 cards), one editor token per client slot, and ``--processes`` daphne
processes (Redis channel layer). The load generator is lean on purpose: raw
``websockets`` clients in ``--client-procs`` asyncio processes (a full MapClient per
socket would spend the 2 cores the servers need), each following the protocol's
client rules where they matter here: ``ops`` frames applied strictly in seq order,
buffered across a gap that a ``resync`` closes after 250 ms, pushes resent under
the same batch_id after a reconnect. Presence frames received are counted, not parsed.

Phases: connect every socket (one-use tickets over REST); measure the daphne
processes' resident memory with every socket idle (the delta from before the
sockets over their number: memory per idle socket); then every client pushes one
single-op batch every ``--push-every`` s (random phase) and presence at
``--presence-hz``, for ``--seconds``. Printed: push -> ack and push -> other client
p50/p95/p99, committed batches/s, gaps seen and healed, reconnects, the load
generator's own CPU, the servers' CPU, then the checks of ``workshop_checks`` on
every map (each client's document from its welcome snapshot plus the ops it
applied, against the server's ``/document/``; every acked batch in the op log once).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import websockets  # noqa: E402
from workshop import Rest, standalone_setup, start_daphnes, stop  # noqa: E402
from workshop_checks import convergence_failures, latency_line, loss_failures, replayed  # noqa: E402


def ticket(base: str, map_id: str, token: str) -> str:
    request = urllib.request.Request(f"{base}/api/v1/maps/{map_id}/ws-ticket/", data=b"", method="POST",
                                     headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["ticket"]


def direct_ticket(map_id: str, user_id: int) -> str:
    """What ``POST .../ws-ticket/`` stores for an editor, stored by the load generator
    itself: over REST each concurrent request costs daphne a thread and a new
    PostgreSQL connection, which made connecting 1,000 sockets take minutes."""
    from maps.live import tickets

    return tickets.issue(tickets.make_payload(map_id=map_id, user_id=user_id, role="editor"))


class LeanClient:
    """One socket on one map, the protocol's ordering rules and nothing more."""

    def __init__(self, run: Run, url: str, map_id: str, token: str, slot: int, cards: list[str],
                 user_id: int | None = None) -> None:
        self.run, self.url, self.map_id, self.token, self.cards = run, url, map_id, token, cards
        self.user_id = user_id  # set: tickets are issued directly in Redis (--tickets direct)
        self.client_id = f"m{slot}-{uuid.uuid4().hex[:6]}"
        self.snapshot: dict[str, Any] | None = None
        self.applied: list[list[dict[str, Any]]] = []  # committed ops after the snapshot, in seq order
        self.last_seq: int | None = None
        self.buffer: dict[int, dict[str, Any]] = {}
        self.unacked: dict[str, str] = {}  # batch_id -> push frame, resent after a reconnect
        self.acked: dict[str, int] = {}
        self.ws: Any = None
        self.welcomed = asyncio.Event()
        self.gap_task: asyncio.Task | None = None
        self.heard_seq = 0  # the highest seq a heartbeat announced
        self.connections = 0
        self.closing = False

    async def connect(self) -> None:
        # A handshake the server does not answer within daphne's 5 s is closed: under
        # load some are, and are retried as a real client would, with backoff.
        for attempt in range(8):
            try:
                if self.user_id is not None:
                    t = await asyncio.to_thread(direct_ticket, self.map_id, self.user_id)
                else:
                    async with self.run.ticket_slots:
                        t = await asyncio.to_thread(ticket, self.url, self.map_id, self.token)
                ws_url = self.url.replace("http://", "ws://")
                self.ws = await websockets.connect(f"{ws_url}/ws/maps/{self.map_id}/?ticket={t}", max_size=None,
                                                   ping_interval=None, open_timeout=60)
                break
            except (OSError, websockets.exceptions.InvalidHandshake, websockets.exceptions.InvalidMessage):
                self.run.handshake_retries += 1
                if attempt == 7:
                    raise
                await asyncio.sleep(0.5 * 2 ** attempt * random.uniform(0.5, 1.0))
        self.connections += 1
        self.welcomed.clear()
        await self.ws.send(json.dumps({"type": "hello", "client_id": self.client_id, "last_seq": self.last_seq}))

    async def listen(self) -> None:
        while not self.closing:
            try:
                async for text in self.ws:
                    self.on_frame(text)
            except websockets.ConnectionClosed:
                pass
            if self.closing:
                return
            self.run.reconnects += 1
            with contextlib.suppress(Exception):
                await self.connect()
                await self.welcomed.wait()
                for frame in list(self.unacked.values()):
                    await self.ws.send(frame)

    def on_frame(self, text: str) -> None:
        now = time.perf_counter()
        if '"type":"presence"' in text[:24]:
            self.run.presence_frames += 1
            return
        frame = json.loads(text)
        kind = frame["type"]
        if kind == "ops":
            if self.last_seq is None or frame["seq"] <= self.last_seq or frame["seq"] in self.buffer:
                return
            sent = self.run.sent.get(frame["batch_id"])
            if sent is not None and not frame["batch_id"].startswith(self.client_id):
                self.run.remote_ms.append((now - sent) * 1000)
            self.buffer[frame["seq"]] = frame
            self.drain()
        elif kind == "ack":
            if frame["status"] in ("ok", "rebased"):
                if self.unacked.pop(frame["batch_id"], None) is not None:
                    self.run.ack_ms.append((now - self.run.sent[frame["batch_id"]]) * 1000)
                self.acked[frame["batch_id"]] = frame["seq"]
            else:
                self.unacked.pop(frame["batch_id"], None)
                self.run.rejected += 1
        elif kind == "welcome":
            if "snapshot" in frame:
                self.snapshot, self.applied = frame["snapshot"], []
            else:
                for batch in frame["ops"]:
                    self.buffer.setdefault(batch["seq"], batch)
            self.last_seq = frame["seq"] if "snapshot" in frame else self.last_seq
            self.drain()
            self.welcomed.set()
        elif kind == "heartbeat" and self.last_seq is not None and frame["seq"] > self.last_seq:
            self.heard_seq = max(self.heard_seq, frame["seq"])
            self.watch_gap()
        elif kind == "error":
            self.run.errors += 1

    def drain(self) -> None:
        while self.last_seq is not None and self.last_seq + 1 in self.buffer:
            batch = self.buffer.pop(self.last_seq + 1)
            self.applied.append(batch["ops"])
            self.last_seq = batch["seq"]
        for seq in [s for s in self.buffer if self.last_seq is not None and s <= self.last_seq]:
            del self.buffer[seq]
        if self.buffer:
            self.watch_gap()

    def watch_gap(self) -> None:
        if self.gap_task is None or self.gap_task.done():
            self.run.gaps += 1
            self.gap_task = asyncio.ensure_future(self.heal())

    async def heal(self) -> None:
        # Resync after 250 ms, then again after 1, 2, 4, 8 s while the gap stays open:
        # a server that is slow to answer is not asked again every second by every
        # client (at one per second, 1,000 clients behind an overloaded server
        # queued thousands of resyncs on its database thread).
        await asyncio.sleep(0.25)
        wait = 1.0
        while self.behind() and not self.closing:
            self.run.resyncs += 1
            with contextlib.suppress(websockets.ConnectionClosed):
                await self.ws.send(json.dumps({"type": "resync", "from_seq": self.last_seq}))
            await asyncio.sleep(wait)
            wait = min(8.0, wait * 2)

    def behind(self) -> bool:
        """A gap is open: a batch after one still missing, or a heartbeat ahead of us
        (the last batches never arrived, so no later frame shows the gap)."""
        return bool(self.buffer) or (self.last_seq is not None and self.last_seq < self.heard_seq)

    async def push(self, rng: random.Random, n: int) -> None:
        batch_id = f"{self.client_id}:{n}"
        frame = json.dumps({"type": "push", "batch_id": batch_id, "ops": [
            {"op": "update", "entity": "card", "id": rng.choice(self.cards), "fields": {"text": f"{self.client_id} {n}"}}]})
        self.run.sent[batch_id] = time.perf_counter()
        self.unacked[batch_id] = frame
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.ws.send(frame)

    async def presence(self, rng: random.Random) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.ws.send(json.dumps({"type": "presence", "focus": {"entity": "card", "id": rng.choice(self.cards)},
                                           "cursor": {"x": rng.randint(0, 3000), "y": rng.randint(0, 1500)}}))

    def document(self) -> dict[str, Any] | None:
        if self.snapshot is None:
            return None
        return replayed(self.snapshot, self.applied, self.last_seq)


class Run:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.ack_ms: list[float] = []
        self.remote_ms: list[float] = []
        self.rejected = self.errors = self.gaps = self.resyncs = self.reconnects = self.presence_frames = 0
        self.handshake_retries = 0
        # Two ticket requests at a time per generator: each concurrent HTTP request
        # holds a thread of its own in daphne and, with CONN_MAX_AGE, a PostgreSQL
        # connection that stays open (shared machine: max_connections is 100).
        self.ticket_slots = asyncio.Semaphore(2)


async def generate(plan: dict[str, Any], connected: Any, go: Any, results: Any) -> None:
    """One load-generator process: its share of the clients, through every phase."""
    rng = random.Random(plan["seed"])
    run = Run()
    clients = [LeanClient(run, plan["urls"][i % len(plan["urls"])], map_id, plan["tokens"][slot], i, cards,
                          plan["user_ids"][slot] if plan["user_ids"] else None)
               for i, (map_id, slot, cards) in enumerate(plan["slots"])]
    for start in range(0, len(clients), 25):
        await asyncio.gather(*(c.connect() for c in clients[start:start + 25]))
    listeners = [asyncio.ensure_future(c.listen()) for c in clients]
    await asyncio.gather(*(asyncio.wait_for(c.welcomed.wait(), 120) for c in clients))
    connected.set()
    await asyncio.to_thread(go.wait)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    until = time.monotonic() + plan["seconds"]

    async def client_load(client: LeanClient) -> None:
        n, next_push = 0, time.monotonic() + rng.uniform(0, plan["push_every"])
        next_presence = time.monotonic() + rng.uniform(0, 1 / plan["presence_hz"])
        while True:
            wake = min(next_push, next_presence)
            if wake >= until:
                return
            await asyncio.sleep(max(0.0, wake - time.monotonic()))
            if next_push <= next_presence:
                n += 1
                await client.push(rng, n)
                next_push += plan["push_every"]
            else:
                await client.presence(rng)
                next_presence += 1 / plan["presence_hz"]

    await asyncio.gather(*(client_load(c) for c in clients))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    deadline = time.monotonic() + plan["drain"]
    while any(c.unacked or c.buffer for c in clients) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    settled = time.perf_counter() - wall0  # from the start of the load to the end of the drain
    results.put({"settled": settled, "ack_ms": run.ack_ms, "remote_ms": run.remote_ms, "pushed": len(run.sent),
                 "rejected": run.rejected, "errors": run.errors, "gaps": run.gaps, "resyncs": run.resyncs,
                 "reconnects": run.reconnects, "handshake_retries": run.handshake_retries, "presence_frames": run.presence_frames, "cpu": cpu, "wall": wall,
                 "unhealed": sum(1 for c in clients if c.behind()), "unacked": sum(len(c.unacked) for c in clients),
                 "last_seq": {c.client_id: (c.map_id, c.last_seq) for c in clients},
                 "documents": {c.client_id: (c.map_id, c.document()) for c in clients},
                 "acked": {c.map_id + " " + b: s for c in clients for b, s in c.acked.items()}})
    for client in clients:
        client.closing = True
        await client.ws.close()
    for task in listeners:
        task.cancel()


def generator_process(plan: dict[str, Any], connected: Any, go: Any, results: Any) -> None:
    asyncio.run(generate(plan, connected, go, results))


def reuse_setup(clients: int, maps: int) -> tuple[list[str], list[str]]:
    """The maps and tokens a previous run left in ``journeymap_bench_workshops_many``
    (making 100 maps takes minutes on a loaded machine)."""
    base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/journeymap_bench_workshops_many{os.environ.get('BENCH_DB_SUFFIX', '')}"
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from maps.models import JourneyMap

    tokens = [Token.objects.get(user__username=f"participant-{i}").key for i in range(clients)]
    map_ids = [str(i) for i in JourneyMap.objects.order_by("created_at").values_list("id", flat=True)[:maps]]
    if len(map_ids) < maps:
        sys.exit(f"only {len(map_ids)} maps to reuse: run once without --reuse")
    return map_ids, tokens


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(sum(int(x) for x in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]) / ticks
               for pid in pids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--maps", type=int, default=100)
    parser.add_argument("--clients", type=int, default=10, help="clients per map")
    parser.add_argument("--processes", type=int, default=2, help="daphne processes")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--push-every", type=float, default=2.0, help="seconds between one client's batches")
    parser.add_argument("--presence-hz", type=float, default=2.0)
    parser.add_argument("--client-procs", type=int, default=2, help="load-generator processes")
    parser.add_argument("--tickets", choices=["direct", "rest"], default="direct",
                        help="ws tickets stored in Redis by the generator (default) or asked for over REST")
    parser.add_argument("--reuse", action="store_true", help="the maps and users of the previous run")
    parser.add_argument("--setup-only", action="store_true", help="make the maps and users for --reuse, then stop")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for the last acks")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if args.reuse:
        map_ids, tokens = reuse_setup(args.clients, args.maps)
    else:
        map_ids, tokens = standalone_setup(args.clients, maps=args.maps, name="workshops_many")
        if args.setup_only:
            print(f"{len(map_ids)} maps and {len(tokens)} participants ready for --reuse")
            return
    from rest_framework.authtoken.models import Token

    from maps.selectors import map_document

    cards = {m: [c["id"] for c in map_document(map_id=m)["cards"]] for m in map_ids}
    user_ids = dict(Token.objects.filter(key__in=tokens).values_list("key", "user_id"))
    user_ids = [user_ids[t] for t in tokens] if args.tickets == "direct" else []
    urls, procs = start_daphnes(args.processes)
    pids = [p.pid for p in procs]
    print("daphne pids", *pids, flush=True)
    try:
        rest = Rest(urls[0], tokens[0])
        with ThreadPoolExecutor(2) as pool:  # warm every process (imports, first queries) before measuring
            list(pool.map(lambda i: ticket(urls[i % len(urls)], map_ids[0], tokens[0]), range(40)))
        start_seq = {m: rest.document(m)["map"]["seq"] for m in map_ids}
        rss_before = rss_kib(pids)
        slots = [(m, s, cards[m]) for m in map_ids for s in range(args.clients)]
        ctx = multiprocessing.get_context("fork")
        results = ctx.Queue()
        go = ctx.Event()
        generators = []
        for g in range(args.client_procs):
            mine = [slot for i, slot in enumerate(slots) if (i // args.clients) % args.client_procs == g]
            plan = {"urls": urls, "tokens": tokens, "user_ids": user_ids, "slots": mine, "seconds": args.seconds, "seed": args.seed + g,
                    "push_every": args.push_every, "drain": args.drain, "presence_hz": args.presence_hz}
            connected = ctx.Event()
            proc = ctx.Process(target=generator_process, args=(plan, connected, go, results))
            proc.start()
            generators.append((proc, connected))
        started = time.perf_counter()
        for proc, connected in generators:
            while not connected.wait(1):
                if not proc.is_alive():
                    sys.exit("a load generator failed while connecting")
        sockets = len(slots)
        print(f"{sockets} sockets on {args.processes} daphne processes connected in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        time.sleep(5)
        rss_idle = rss_kib(pids)
        print(f"daphne RSS: {rss_before / 1024:.0f} MiB before, {rss_idle / 1024:.0f} MiB with {sockets} idle sockets: "
              f"{(rss_idle - rss_before) / sockets:.1f} KiB per idle socket (target <= 64)", flush=True)
        load_before = os.getloadavg()
        server_cpu0, wall0 = cpu_seconds(pids), time.perf_counter()
        go.set()
        parts = [results.get(timeout=args.seconds + 300) for _ in generators]
        server_cpu = cpu_seconds(pids) - server_cpu0
        wall = parts[0]["wall"]
        load_after = os.getloadavg()
        for proc, _ in generators:
            proc.join(30)
        ack_ms = [x for p in parts for x in p["ack_ms"]]
        remote_ms = [x for p in parts for x in p["remote_ms"]]
        acked_n = len(ack_ms)
        total = lambda key: sum(p[key] for p in parts)  # noqa: E731
        print(f"{args.maps} maps x {args.clients} clients, one batch per client every {args.push_every:g} s, "
              f"presence {args.presence_hz:g} Hz, {args.seconds:.0f} s")
        settled = max(p["settled"] for p in parts)
        print(f"pushed {total('pushed')} batches ({total('pushed') / wall:.0f}/s offered), acked {acked_n} "
              f"within {settled:.0f} s of the load starting ({acked_n / settled:.0f}/s committed at least); rejected "
              f"{total('rejected')}, error frames {total('errors')}, still unacked {total('unacked')}")
        print(latency_line("push -> ack", ack_ms))
        print(latency_line("push -> other client", remote_ms))
        print(f"gaps seen {total('gaps')}, resyncs {total('resyncs')}, unhealed at the end {total('unhealed')}; "
              f"reconnects {total('reconnects')} (handshakes retried while connecting: {total('handshake_retries')}); presence frames received {total('presence_frames')}")
        print(f"load generator CPU: {total('cpu'):.1f} s over {wall:.0f} s in {len(parts)} processes "
              f"({100 * total('cpu') / wall:.0f} % of one core); daphne CPU {server_cpu:.1f} s "
              f"({100 * server_cpu / (time.perf_counter() - wall0):.0f} % of one core, incl. the drain)")
        print(f"load average before {' '.join(f'{x:.1f}' for x in load_before)}, after "
              f"{' '.join(f'{x:.1f}' for x in load_after)}")
        failures = []
        documents = {k: v for p in parts for k, v in p["documents"].items()}
        acked = {k: v for p in parts for k, v in p["acked"].items()}
        for map_id in map_ids:
            server_doc = rest.document(map_id)
            failures += convergence_failures(server_doc, {k: d for k, (m, d) in documents.items() if m == map_id})
            mine = {k.split(" ", 1)[1]: v for k, v in acked.items() if k.startswith(map_id + " ")}
            failures += [f"map {map_id}: {f}" for f in loss_failures(mine, rest.op_log(map_id, start_seq[map_id]))]
        for failure in failures[:20]:
            print("  FAILED", failure)
        print(f"checks on {len(map_ids)} maps, {len(documents)} documents, {len(acked)} acked batches: "
              f"{'OK' if not failures else f'{len(failures)} failures'}")
        p95 = sorted(remote_ms)[int(0.95 * (len(remote_ms) - 1))] if remote_ms else float("nan")
        print(f"target p95 push -> other client <= 50 ms: {'met' if p95 <= 50 else 'MISSED'} ({p95:.1f} ms)")
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
