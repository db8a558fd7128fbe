#!/usr/bin/env python
"""A workshop simulator: N participants editing one map live, then checks.

Against your own install (a map of its own: the checks expect nobody else to edit it
while they run; API tokens of editors, one per participant or shared):

    .venv/bin/python bench/workshop.py --url https://maps.example.org --token TOKEN [--token ...] \\
        (--map MAP_ID | --workspace WORKSPACE_ID) --participants 30 --duration 300

Standalone (its own PostgreSQL database ``journeymap_bench_workshop`` and daphne
processes on loopback, Redis channel layer):

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/workshop.py --standalone \\
        --participants 30 --duration 60

Each participant is a ``journeymap.client.MapClient`` (one-use ws tickets from its API
token, reconnects with backoff, resends what is pending) that thinks (exponential,
mean ``--think`` s), then types into a card (a burst of 3-8 edits of its text, one
batch each, 0.15-0.6 s apart), creates, moves or deletes a card, or renames a stage;
and sends presence (focus and cursor) at 2-10 Hz. ``--cut-every S`` drops a random
participant's connection every S seconds (a flaky network: reconnects and resends).
Participant 0 facilitates a workshop session: it opens a dot vote on every lane a
quarter of the way in (``--dots`` per person) and reveals it at three quarters;
meanwhile the others (one per account, as dots belong to the person), when they
act, now and then place a dot on a card of those lanes or take one back
(``--no-vote`` leaves the session out).

At the end: push -> ack and push -> other participant latencies (p50/p95/p99), vote ->
own echo and reveal -> results on every participant,
rejections by code (conflicts such as editing a card someone just deleted are normal
in a workshop), error frames, reconnects and resyncs, the simulator's own CPU, then
the checks of ``workshop_checks``: every participant's document equals the server's
``/document/`` (convergence), every acknowledged batch is in the op log exactly
once at its seq (nothing lost), and every dot the participants' echoes show is
counted by the facilitator and in the results, which are the items' ``votes`` in
the server's document. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter, deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")

from workshop_checks import convergence_failures, latency_line, loss_failures, vote_failures  # noqa: E402

from journeymap.client import MapClient  # noqa: E402

WORDS = ("customer", "waits", "for", "the", "parcel", "calls", "support", "again", "unsure", "price", "app",
         "crashes", "happy", "delivery", "late", "email", "confusing", "form", "helpful", "agent")


# ----------------------------------------------------------------------------- REST


class Rest:
    """The few REST calls the simulator makes, with an API token."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base.rstrip("/"), token

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {self.token}", "Accept": "application/json",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def document(self, map_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/v1/maps/{map_id}/document/")

    def op_log(self, map_id: str, since: int) -> list[dict[str, Any]]:
        batches: list[dict[str, Any]] = []
        while True:
            page = self.call("GET", f"/api/v1/maps/{map_id}/operations/?since={since}&limit=500")
            batches += page["batches"]
            if page["next"] is None:
                return batches
            since = page["next"]


# ----------------------------------------------------------------------------- measuring


class Stats:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.ack_ms: list[float] = []
        self.acks_timed: set[str] = set()
        self.remote_ms: list[float] = []
        self.rejected: Counter[str] = Counter()
        self.retries = 0
        self.errors: list[dict[str, Any]] = []
        self.vote_ms: list[float] = []  # vote -> its echo (or refusal) to the voter
        self.vote_refused: Counter[str] = Counter()
        self.reveal_ms: list[float] = []  # reveal sent -> results seen, per participant
        self.reveal_sent: float | None = None


class TimedClient(MapClient):
    """A MapClient that times its own acks and the first arrival of others' batches."""

    def __init__(self, *args: Any, stats: Stats, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stats = stats
        self.votes_sent: deque[float] = deque()  # this voter's dots awaiting their answer
        self.saw_results = False

    def vote(self, item: dict[str, str], place: bool) -> bool:
        if not self.session_action("vote", item=item, place=place):
            return False
        self.votes_sent.append(time.perf_counter())
        return True

    def _on_welcome(self, frame: dict[str, Any]) -> None:
        # After a reconnect the welcome's session is the truth; answers lost with the
        # old connection will not come.
        self.votes_sent.clear()
        super()._on_welcome(frame)
        self.results_seen()

    def _on_session(self, frame: dict[str, Any]) -> None:
        # A participant's own state frames are its votes' echoes (others' dots reach
        # only them and the facilitator, who does not vote here).
        if frame.get("event") == "state" and self.votes_sent:
            self.stats.vote_ms.append((time.perf_counter() - self.votes_sent.popleft()) * 1000)
        super()._on_session(frame)
        self.results_seen()

    @property
    def voting(self) -> dict[str, Any]:
        """The open round as the server last showed it to this person ({}: none)."""
        return (self.session or {}).get("voting") or {}

    def results_seen(self) -> None:
        if self.voting.get("revealed") and not self.saw_results and self.stats.reveal_sent is not None:
            self.saw_results = True
            self.stats.reveal_ms.append((time.perf_counter() - self.stats.reveal_sent) * 1000)

    def _on_ops(self, frame: dict[str, Any]) -> None:
        sent = self.stats.sent.get(frame["batch_id"])
        fresh = self.last_seq is not None and frame["seq"] > self.last_seq and frame["seq"] not in self._buffer
        if sent is not None and fresh and not frame["batch_id"].startswith(f"{self.client_id}:"):
            self.stats.remote_ms.append((time.perf_counter() - sent) * 1000)
        super()._on_ops(frame)

    def _on_ack(self, frame: dict[str, Any]) -> None:
        status = frame["status"]
        # Timed once per batch, also when its ops frame came first (the client then
        # already counts it as acknowledged).
        if status in ("ok", "rebased") and frame["batch_id"] not in self.stats.acks_timed:
            sent = self.stats.sent.get(frame["batch_id"])
            if sent is not None:
                self.stats.acks_timed.add(frame["batch_id"])
                self.stats.ack_ms.append((time.perf_counter() - sent) * 1000)
        elif status == "rejected":
            self.stats.rejected[(frame.get("error") or {}).get("code", "?")] += 1
        elif status == "retry":
            self.stats.retries += 1
        super()._on_ack(frame)

    def _on_error(self, frame: dict[str, Any]) -> None:
        if frame.get("frame") == "session":
            # A refused dot (none left, the card just deleted or moved out of the
            # voted lanes): normal in a workshop, and the answer to that vote.
            self.stats.vote_refused[frame.get("code", "?")] += 1
            if self.votes_sent:
                self.stats.vote_ms.append((time.perf_counter() - self.votes_sent.popleft()) * 1000)
        else:
            self.stats.errors.append(frame)
        super()._on_error(frame)

    def push(self, ops: list[dict[str, Any]], batch_id: str | None = None) -> str:
        batch_id = batch_id or f"{self.client_id}:{uuid.uuid4().hex[:10]}"
        self.stats.sent[batch_id] = time.perf_counter()
        return super().push(ops, batch_id)

    def acked_batches(self) -> dict[str, int | None]:
        return {batch_id: ack.get("seq") for batch_id, ack in self.acks.items()
                if ack["status"] in ("ok", "rebased") and batch_id.startswith(f"{self.client_id}:")}


# ----------------------------------------------------------------------------- a participant


class Participant:
    def __init__(self, client: TimedClient, rng: random.Random, think: float) -> None:
        self.client, self.rng, self.think = client, rng, think
        self.mine: list[str] = []  # cards this participant created
        self.actions: Counter[str] = Counter()
        self.may_vote = True  # until just before the reveal

    @property
    def doc(self) -> dict[str, Any]:
        return self.client.document or {}

    def pick_card(self, own_first: float = 0.5) -> str | None:
        live = {card["id"] for card in self.doc.get("cards", [])}
        own = [card_id for card_id in self.mine if card_id in live]
        if own and self.rng.random() < own_first:
            return self.rng.choice(own)
        return self.rng.choice(sorted(live)) if live else None

    def cell(self) -> dict[str, str]:
        return {"stage": self.rng.choice(self.doc["stages"])["id"], "lane": self.rng.choice(self.doc["lanes"])["id"]}

    def vote(self) -> bool:
        """Place a dot on a card of the voted lanes, or now and then take one back;
        False when no vote is open (or this participant has nothing to vote on)."""
        voting = self.client.voting
        if not voting.get("open") or voting.get("revealed") or not self.may_vote:
            return False
        mine = [v for v in voting.get("my_votes", []) if v["dots"] > 0]
        if mine and (voting.get("my_remaining", 0) == 0 or self.rng.random() < 0.15):
            taken = self.rng.choice(mine)
            sent = self.client.vote({"entity": taken["entity"], "id": taken["id"]}, place=False)
        else:
            lanes = set(voting.get("lanes", []))
            cards = [card["id"] for card in self.doc.get("cards", []) if card["lane"] in lanes]
            if not cards:
                return False
            sent = self.client.vote({"entity": "card", "id": self.rng.choice(cards)}, place=True)
        self.actions["vote"] += sent
        return sent

    async def act(self) -> None:
        if self.rng.random() < 0.35 and self.vote():
            return
        roll = self.rng.random()
        card = self.pick_card()
        if roll < 0.45 and card:
            await self.type_into(card)
        elif roll < 0.70 or card is None:
            card_id = str(uuid.uuid4())
            self.mine.append(card_id)
            self.client.push([{"op": "create", "entity": "card", "id": card_id,
                               "fields": {**self.cell(), "text": self.rng.choice(WORDS).capitalize()}}])
            self.actions["create"] += 1
        elif roll < 0.85:
            self.client.push([{"op": "move", "entity": "card", "id": card, "fields": self.cell()}])
            self.actions["move"] += 1
        elif roll < 0.95:
            self.client.push([{"op": "delete", "entity": "card", "id": self.pick_card(own_first=0.9)}])
            self.actions["delete"] += 1
        else:
            stage = self.rng.choice(self.doc["stages"])["id"]
            self.client.push([{"op": "update", "entity": "stage", "id": stage,
                               "fields": {"name": " ".join(self.rng.sample(WORDS, 2)).capitalize()}}])
            self.actions["rename stage"] += 1

    async def type_into(self, card: str) -> None:
        """A typing burst: the editor sends what was typed every ~100 ms as one batch."""
        text = " ".join(self.rng.sample(WORDS, 2))
        for _ in range(self.rng.randint(3, 8)):
            text = f"{text} {self.rng.choice(WORDS)}"[:400]
            self.client.set_presence(focus={"entity": "card", "id": card, "editing": True})
            self.client.push([{"op": "update", "entity": "card", "id": card, "fields": {"text": text}}])
            await asyncio.sleep(self.rng.uniform(0.15, 0.6))
        self.actions["typing burst"] += 1

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            think = min(20.0, max(0.3, self.rng.expovariate(1 / self.think)))
            await asyncio.sleep(min(think, max(0.0, until - time.monotonic())))  # no thinking past the end
            if time.monotonic() >= until:
                break
            if self.client.connected and self.doc.get("stages") and self.doc.get("lanes"):
                await self.act()

    async def presence(self, until: float, hz: float) -> None:
        x, y = self.rng.uniform(0, 3000), self.rng.uniform(0, 1500)
        while time.monotonic() < until:
            x, y = x + self.rng.uniform(-40, 40), y + self.rng.uniform(-25, 25)
            card = self.pick_card(own_first=0.3)
            self.client.set_presence(focus={"entity": "card", "id": card} if card else None,
                                     cursor={"x": round(x), "y": round(y)})
            await asyncio.sleep(1 / hz)


# ----------------------------------------------------------------------------- standalone servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_daphnes(count: int, env_overrides: dict[str, str] | None = None) -> tuple[list[str], list[subprocess.Popen]]:
    env = dict(os.environ, DEBUG="false", SECRET_KEY="bench-only-secret-key-0123456789", **(env_overrides or {}))
    ports = [free_port() for _ in range(count)]
    procs = [subprocess.Popen([sys.executable, "-m", "daphne", "--websocket-max-message-size", "8388608", "-b", "127.0.0.1", "-p", str(port),
                               "journeymap.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    deadline = time.monotonic() + 60
    for url, proc in zip(urls, procs, strict=True):
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(procs)
                sys.exit("daphne did not start")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
    return urls, procs


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def standalone_setup(participants: int, maps: int = 1, stages: int = 8, lanes: int = 5,
                     cards: int = 40, name: str = "workshop") -> tuple[list[str], list[str]]:
    """A fresh bench database with one editor (and API token) per participant and
    ``maps`` maps; returns (map ids, tokens)."""
    from _setup import bench_database

    bench_database(name)
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from maps.services import map_create
    from workspaces.services import member_add, workspace_create

    users = get_user_model().objects
    owner = users.create(username="facilitator")
    workspace = workspace_create(name="Workshop", owner=owner)
    tokens = []
    for i in range(participants):
        user = users.create(username=f"participant-{i}", first_name=f"P{i}")
        member_add(workspace=workspace, user=user, role="editor")
        tokens.append(Token.objects.create(user=user).key)
    map_ids = []
    for m in range(maps):
        journey_map = map_create(workspace=workspace, title=f"Workshop {m + 1}", actor_user=owner,
                                 structure={"stages": [{"name": f"Stage {i + 1}"} for i in range(stages)],
                                            "lanes": [{"title": f"Lane {i + 1}"} for i in range(lanes)]})
        doc = map_document(map_id=journey_map.id)
        ops = [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                "fields": {"stage": doc["stages"][n % stages]["id"], "lane": doc["lanes"][(n // stages) % lanes]["id"],
                           "text": f"Idea {n + 1}"}} for n in range(cards)]
        if ops:
            ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id="seed", ops=ops)
            assert ack.status == "ok", ack.error
        map_ids.append(str(journey_map.id))
    return map_ids, tokens


# ----------------------------------------------------------------------------- the run


async def ensure_structure(client: TimedClient) -> None:
    """An empty map gets 6 stages and 4 lanes before the workshop starts."""
    doc = client.document or {}
    if doc.get("stages") and doc.get("lanes"):
        return
    ops = [{"op": "create", "entity": "stage", "id": str(uuid.uuid4()), "fields": {"name": f"Stage {i + 1}"}}
           for i in range(6)]
    ops += [{"op": "create", "entity": "lane", "id": str(uuid.uuid4()), "fields": {"title": f"Lane {i + 1}"}}
            for i in range(4)]
    await client.wait_ack(client.push(ops))
    await client.wait_settled()


async def final_checks(clients: list[TimedClient], rest: Rest, map_id: str,
                       start_seq: int) -> tuple[list[str], dict[str, Any], list[dict[str, Any]]]:
    """Wait for every participant to settle, then compare with the server; returns
    the failures with the server's document and op log they were read against."""
    failures = []
    for client in clients:
        try:
            await client.wait_settled(60)
        except TimeoutError:
            failures.append(f"{client.client_id}: {len(client.pending)} batches still pending after 60 s")
    server_doc = await asyncio.to_thread(rest.document, map_id)
    for client in clients:
        with contextlib.suppress(TimeoutError):  # a client left behind shows in the comparison
            await client.wait_seq(server_doc["map"]["seq"], 30)
    failures += convergence_failures(server_doc, {c.client_id: c.document for c in clients})
    acked: dict[str, int | None] = {}
    for client in clients:
        acked.update(client.acked_batches())
    log = await asyncio.to_thread(rest.op_log, map_id, start_seq)
    failures += loss_failures(acked, log)
    for client in clients:  # what a client left behind was doing, to tell a stall from a slow server
        if any(f.startswith(f"{client.client_id}:") for f in failures):
            print(f"  {client.client_id}: connected {client.connected}, connections {client.connections}, last close "
                  f"code {client.close_code}, last_seq {client.last_seq}, buffered {sorted(client._buffer)[:5]}, "
                  f"resyncs {client.resyncs}, pending {list(client.pending)[:3]}, error frames {client.errors[-2:]}")
    print(f"checks: {len(clients)} documents compared with the server's at seq {server_doc['map']['seq']}; "
          f"{len(acked)} acked batches looked up in {len(log)} op-log batches")
    return failures, server_doc, log


class Facilitation:
    """Participant 0 runs a workshop session: a dot vote on every lane, opened a
    quarter of the way in and revealed at three quarters, every dot answered first."""

    def __init__(self, client: TimedClient, voters: list[Participant], stats: Stats, dots: int) -> None:
        self.client, self.voters, self.stats, self.dots = client, voters, stats, dots
        self.my_votes: dict[str, list[dict[str, Any]]] = {}
        self.counted: int | None = None
        self.results: list[dict[str, Any]] | None = None

    async def act(self, done: Any, action: str, **fields: Any) -> None:
        """Send a session action until its effect shows (``done()``): the connection
        may be cut (``--cut-every``) just before or after it is sent, and the welcome
        after the reconnect shows whether it was taken."""
        for _ in range(3):
            with contextlib.suppress(TimeoutError):
                await self.client.wait_for(lambda: self.client.connected, 30)
                if done():
                    return
                self.client.session_action(action, **fields)
                await self.client.wait_for(done, 10)
                return

    async def run(self, started: float, duration: float) -> None:
        client = self.client
        await self.act(lambda: client.session is not None, "start")
        await asyncio.sleep(max(0.0, started + duration / 4 - time.monotonic()))
        lanes = [lane["id"] for lane in client.document["lanes"]][:50]
        await self.act(lambda: bool(self.client.voting.get("open")), "voting", command="open", lanes=lanes,
                       votes_per_person=self.dots)
        await asyncio.sleep(max(0.0, started + duration * 3 / 4 - 2 - time.monotonic()))
        for voter in self.voters:
            voter.may_vote = False
        for voter in self.voters:
            with contextlib.suppress(TimeoutError):
                await voter.client.wait_for(lambda c=voter.client: not c.votes_sent, 30)
        self.my_votes = {v.client.client_id: list(v.client.voting.get("my_votes", [])) for v in self.voters}
        placed = sum(vote["dots"] for votes in self.my_votes.values() for vote in votes)
        with contextlib.suppress(TimeoutError):  # its copies of the echoes may still be on their way
            await client.wait_for(lambda: (self.client.voting.get("counts") or {}).get("votes") == placed, 10)
        self.counted = (self.client.voting.get("counts") or {}).get("votes")
        self.stats.reveal_sent = time.perf_counter()
        await self.act(lambda: bool(self.client.voting.get("revealed")), "voting", command="reveal")
        if self.client.voting.get("revealed"):
            self.results = self.client.voting.get("results")

    async def end(self) -> None:
        for voter in self.voters:  # everyone sees the results before the session ends
            with contextlib.suppress(TimeoutError):
                await voter.client.wait_for(lambda c=voter.client: c.saw_results, 30)
        await self.act(lambda: self.client.session is None, "end")


async def workshop(urls: list[str], map_id: str, tokens: list[str], args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    stats = Stats()
    rest = Rest(urls[0], tokens[0])
    start_seq = (await asyncio.to_thread(rest.document, map_id))["map"]["seq"]
    clients = [TimedClient(urls[i % len(urls):] + urls[:i % len(urls)], map_id, token=tokens[i % len(tokens)],
                           client_id=f"ws{i}-{uuid.uuid4().hex[:6]}", stats=stats)
               for i in range(args.participants)]
    for start in range(0, len(clients), 20):  # tickets and handshakes, 20 at a time
        await asyncio.gather(*(client.start(60) for client in clients[start:start + 20]))
    await ensure_structure(clients[0])
    for client in clients:
        await client.wait_for(lambda c=client: bool((c.document or {}).get("stages")), 30)
    people = [Participant(client, random.Random(rng.random()), args.think) for client in clients]
    facilitation = None
    if args.vote and len(people) > 1:
        # The facilitator counts; one participant per account votes. Dots and their
        # echoes belong to the person, so a second socket of an account that votes
        # would take its echoes as answers to its own votes.
        voters, accounts = [], set()
        for i, person in enumerate(people):
            token = tokens[i % len(tokens)]
            person.may_vote = i > 0 and token not in accounts
            if person.may_vote:
                accounts.add(token)
                voters.append(person)
        facilitation = Facilitation(clients[0], voters, stats, args.dots)
    print(f"{len(clients)} participants on {len(urls)} server URL(s), map {map_id}, {args.duration:.0f} s", flush=True)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    until = time.monotonic() + args.duration
    tasks = [asyncio.ensure_future(p.run(until)) for p in people]
    if facilitation is not None:
        tasks.append(asyncio.ensure_future(facilitation.run(until - args.duration, args.duration)))
    tasks += [asyncio.ensure_future(p.presence(until, rng.uniform(2, 10))) for p in people]
    if args.cut_every:
        async def cutter() -> None:
            while time.monotonic() + args.cut_every < until:
                await asyncio.sleep(args.cut_every)
                await rng.choice(clients).cut()

        tasks.append(asyncio.ensure_future(cutter()))
    await asyncio.gather(*tasks)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    failures, server_doc, log = await final_checks(clients, rest, map_id, start_seq)
    if facilitation is not None:
        await facilitation.end()  # ending the session writes nothing to the map
        failures += vote_failures(facilitation.my_votes, facilitation.counted, facilitation.results, log, server_doc)
    actions: Counter[str] = Counter()
    for person in people:
        actions.update(person.actions)
    pushed = len(stats.sent)
    print(f"actions: {dict(actions)}; {pushed} batches pushed ({pushed / wall:.1f}/s)")
    print(latency_line("push -> ack", stats.ack_ms))
    print(latency_line("push -> other participant", stats.remote_ms))
    if facilitation is not None:
        placed = sum(vote["dots"] for votes in facilitation.my_votes.values() for vote in votes)
        print(latency_line("vote -> own echo", stats.vote_ms) + f"; refused: {dict(stats.vote_refused) or 0}")
        print(latency_line("reveal -> results on each participant", stats.reveal_ms)
              + f"; {placed} dots on {len(facilitation.results or [])} items, the facilitator counted "
              f"{facilitation.counted}")
    print(f"rejected: {dict(stats.rejected) or 0} (conflicts between people are normal); retry acks: "
          f"{stats.retries}; error frames: {len(stats.errors)}")
    print(f"reconnects: {sum(c.connections - 1 for c in clients)}; resyncs: {sum(c.resyncs for c in clients)}")
    print(f"simulator CPU: {cpu:.1f} s over {wall:.0f} s ({100 * cpu / wall:.0f} % of one core); "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    await asyncio.gather(*(client.close() for client in clients))
    for failure in failures[:20]:
        print("  FAILED", failure)
    print(f"convergence, nothing lost{', the vote' if facilitation else ''}: "
          f"{'OK' if not failures else f'{len(failures)} failures'}")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", default=[], help="the app's base URL (repeat for several processes)")
    parser.add_argument("--token", action="append", default=[], help="an editor's API token (repeat; cycled)")
    parser.add_argument("--map", help="the map to run the workshop on")
    parser.add_argument("--workspace", help="create a new map in this workspace instead")
    parser.add_argument("--standalone", action="store_true", help="own database and daphne processes")
    parser.add_argument("--processes", type=int, default=2, help="daphne processes in --standalone")
    parser.add_argument("--participants", type=int, default=12)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--think", type=float, default=4.0, help="mean seconds between actions")
    parser.add_argument("--cut-every", type=float, default=0.0, help="drop a random connection every S seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-vote", dest="vote", action="store_false", help="no workshop session, no dot vote")
    parser.add_argument("--dots", type=int, default=5, help="dots per person in the vote (1-20)")
    args = parser.parse_args()

    procs: list[subprocess.Popen] = []
    if args.standalone:
        map_ids, tokens = standalone_setup(args.participants)
        urls, procs = start_daphnes(args.processes)
        map_id = map_ids[0]
    else:
        if not args.url or not args.token or not (args.map or args.workspace):
            parser.error("give --url, --token and --map or --workspace (or --standalone)")
        urls, tokens = args.url, args.token
        map_id = args.map or Rest(urls[0], tokens[0]).call(
            "POST", "/api/v1/maps/", {"workspace": args.workspace, "title": "Workshop rehearsal"})["id"]
    try:
        status = asyncio.run(workshop(urls, map_id, tokens, args))
    finally:
        stop(procs)
    sys.exit(status)


if __name__ == "__main__":
    main()
