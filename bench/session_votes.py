#!/usr/bin/env python
"""A dot-voting round over the socket: N participants, one facilitator, real daphne.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/session_votes.py \\
        [--participants 30] [--dots 5] [--processes 2] [--seconds 5]

Its own database (``journeymap_bench_session_votes``, set up like bench/workshop.py's
standalone mode: one map of 8 stages x 5 lanes, 40 cards), ``--processes`` daphne
processes on loopback (Redis channel layer), raw ``websockets`` clients spread over
them. The first participant starts a session, a 5-minute timer and a round on every
lane; then everyone places ``--dots`` dots at random moments over about ``--seconds``
(default 5: a burst; a real room takes a minute or two).

Prints: the timer's spread (each client's "time left" computed at one local instant
from its own ``server_time`` offset: the disagreement between screens), vote -> own
echo latency (p50/p95/p99/max), vote -> the facilitator's counts catching up with the
last dot, and reveal -> every client showing the results. Also what nobody but the
voter and the facilitator received (checked: the other clients get no frame at all
for someone else's vote). Report it with the machine's load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")

import websockets  # noqa: E402
from _setup import percentiles  # noqa: E402
from workshop import Rest, standalone_setup, start_daphnes, stop  # noqa: E402


class Voter:
    def __init__(self, name: str, ws: Any, welcome: dict[str, Any]) -> None:
        self.name, self.ws = name, ws
        self.offset = welcome["server_time"] - time.time() * 1000
        self.session = welcome.get("session")
        self.states: list[tuple[float, dict[str, Any]]] = []
        self.reader = asyncio.ensure_future(self.read())

    async def read(self) -> None:
        try:
            async for text in self.ws:
                frame = json.loads(text)
                if frame.get("type") == "session" and frame.get("event") == "state":
                    self.session = frame["session"]
                    self.offset = frame["server_time"] - time.time() * 1000
                    self.states.append((time.perf_counter(), frame["session"]))
        except websockets.ConnectionClosed:
            pass

    async def send(self, action: str, **fields: Any) -> float:
        await self.ws.send(json.dumps({"type": "session", "action": action, **fields}))
        return time.perf_counter()

    async def until(self, check: Any, after: float = 0.0, timeout: float = 30.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, session in self.states:
                try:
                    if at >= after and check(session):
                        return at
                except (KeyError, TypeError):
                    pass
            await asyncio.sleep(0.005)
        raise TimeoutError(self.name)

    def left_ms(self) -> float:
        timer = self.session["timer"]
        return timer["duration_ms"] - (time.time() * 1000 + self.offset - timer["started_at"])


async def connect(url: str, token: str, map_id: str, name: str) -> Voter:
    ticket = await asyncio.to_thread(Rest(url, token).call, "POST", f"/api/v1/maps/{map_id}/ws-ticket/")
    ws = await websockets.connect(f"{url.replace('http', 'ws')}/ws/maps/{map_id}/?ticket={ticket['ticket']}",
                                  max_size=None)
    await ws.send(json.dumps({"type": "hello", "client_id": f"c-{name}", "last_seq": None}))
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "welcome":
            return Voter(name, ws, frame)


async def run(args: argparse.Namespace, urls: list[str], map_id: str, tokens: list[str]) -> None:
    voters = [await connect(urls[i % len(urls)], token, map_id, f"p{i}") for i, token in enumerate(tokens)]
    facilitator = voters[0]
    doc = await asyncio.to_thread(Rest(urls[0], tokens[0]).document, map_id)
    cards = [c["id"] for c in doc["cards"]]
    sent = await facilitator.send("start")
    await facilitator.until(lambda s: s is not None, sent)
    sent = await facilitator.send("timer", command="start", seconds=300)
    for voter in voters:
        await voter.until(lambda s: s["timer"]["started_at"] is not None, sent)
    readings = [voter.left_ms() for voter in voters]  # one local instant, every client's own clock offset
    print(f"timer: {len(voters)} clients on {len(urls)} daphne processes disagree by "
          f"{max(readings) - min(readings):.1f} ms (max - min of the time left each computes)")

    sent = await facilitator.send("voting", command="open", lanes=[lane["id"] for lane in doc["lanes"]],
                                  votes_per_person=args.dots)
    for voter in voters:
        await voter.until(lambda s: s["voting"] and s["voting"]["open"], sent)
    echoes: list[float] = []
    before = {v.name: len(v.states) for v in voters}

    async def vote(voter: Voter) -> None:
        for n in range(args.dots):
            await asyncio.sleep(random.uniform(0, 2 * args.seconds / args.dots))
            at = await voter.send("vote", item={"entity": "card", "id": random.choice(cards)}, place=True)
            got = await voter.until(lambda s, n=n: sum(d["dots"] for d in s["voting"]["my_votes"]) == n + 1, at)
            echoes.append((got - at) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(vote(v) for v in voters))
    last_dot = time.perf_counter()
    total = len(voters) * args.dots
    counted = await facilitator.until(lambda s: s["voting"]["counts"]["votes"] == total, started)
    p = percentiles(echoes)
    print(f"votes: {total} dots from {len(voters)} people in {last_dot - started:.1f} s; vote -> own echo "
          f"p50 {p['p50']:.1f} ms, p95 {p['p95']:.1f} ms, p99 {p['p99']:.1f} ms, max {p['max']:.1f} ms; "
          f"facilitator's counts complete {max(0.0, counted - last_dot) * 1000:.1f} ms after the last echo")
    # Secrecy: a participant's state frames during the round are their own echoes only.
    for voter in voters[1:]:
        received = len(voter.states) - before[voter.name]
        assert received == args.dots, f"{voter.name} received {received} state frames for {args.dots} own dots"
    print(f"secrecy: every participant received exactly its {args.dots} own echoes, nothing of the others'")

    sent = await facilitator.send("voting", command="reveal")
    shown = [await voter.until(lambda s: s["voting"]["revealed"], sent) for voter in voters]
    print(f"reveal (one apply batch of {len({c for c in cards})} items at most) -> results on every client: "
          f"{(max(shown) - sent) * 1000:.1f} ms")
    for voter in voters:
        await voter.ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--dots", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="the dots of each person are spread over about this long (a burst when small)")
    args = parser.parse_args()
    map_ids, tokens = standalone_setup(args.participants, name="session_votes")
    from django.db import connections

    connections.close_all()
    urls, procs = start_daphnes(args.processes)
    try:
        asyncio.run(run(args, urls, map_ids[0], tokens))
    finally:
        stop(procs)
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
