"""The per-process hub's fan-out of committed batches, over real daphne processes
sharing PostgreSQL and Redis, seen by raw websocket clients (every frame as sent)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async

from maps.live import tickets
from maps.models import JourneyMap
from sharing import links as sharing
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


async def user_ticket(server, live, user) -> str:
    status, body = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live.map_id}/ws-ticket/",
                                           live.token(user))
    assert status == 201, body
    return body["ticket"]


async def connect(server, live, ticket: str, **options) -> tuple[websockets.ClientConnection, dict]:
    ws = await websockets.connect(f"{server.ws_url}/ws/maps/{live.map_id}/?ticket={ticket}", max_size=None,
                                  **options)
    await ws.send(json.dumps({"type": "hello", "client_id": f"c-{uuid.uuid4().hex[:8]}", "last_seq": None}))
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] == "welcome":
            return ws, frame


class Collector:
    """Reads one socket until closed, keeping its ``ops`` frames in arrival order."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.ops: list[dict] = []
        self.closed: int | None = None
        self.task = asyncio.ensure_future(self.run())

    async def run(self) -> None:
        try:
            async for text in self.ws:
                frame = json.loads(text)
                if frame["type"] == "ops":
                    frame["received"] = time.monotonic()
                    self.ops.append(frame)
        except websockets.ConnectionClosed as closed:
            self.closed = closed.rcvd.code if closed.rcvd else 1006
        else:
            self.closed = self.ws.close_code

    async def until(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.ops) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    @property
    def seqs(self) -> list[int]:
        return [frame["seq"] for frame in self.ops]


def card_update(card_id: str, text: str) -> dict:
    return {"op": "update", "entity": "card", "id": card_id, "fields": {"text": text}}


async def create_card(server, live, user, lane: int = 0) -> str:
    card_id = str(uuid.uuid4())
    status, body = await asyncio.to_thread(
        rest, server, "POST", f"/api/v1/maps/{live.map_id}/operations/", live.token(user),
        {"batch_id": f"seed-{card_id}", "ops": [{"op": "create", "entity": "card", "id": card_id,
                                                  "fields": {"stage": live.stages[0], "lane": live.lanes[lane],
                                                             "text": "seed"}}]})
    assert status == 200, body
    return card_id


async def push_all(ws, batches: list[tuple[str, list[dict]]]) -> None:
    for batch_id, ops in batches:
        await ws.send(json.dumps({"type": "push", "batch_id": batch_id, "ops": ops}))


async def test_batches_from_both_processes_reach_every_socket_on_both_once_and_in_seq_order(live_map, daphne_server):
    # A generous reorder wait: on a loaded machine a batch may cross Redis slowly.
    servers = daphne_server.many(2, HUB_REORDER_WAIT_MS="1000")
    card_id = await create_card(servers[0], live_map, live_map.owner)
    sockets = []
    for i in range(6):
        server = servers[i % 2]
        ws, welcome = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[i]))
        sockets.append((ws, welcome["seq"]))
    start = max(seq for _, seq in sockets)
    collectors = [Collector(ws) for ws, _ in sockets]
    try:
        # Four writers, two per process, pushing at once: their batches interleave.
        per_writer = 15
        await asyncio.gather(*(
            push_all(sockets[i][0], [(f"w{i}:{n}", [card_update(card_id, f"w{i} n{n}")]) for n in range(per_writer)])
            for i in range(4)))
        total = 4 * per_writer
        for collector in collectors:
            await collector.until(total)
        for collector in collectors:
            assert collector.closed is None
            assert collector.seqs == list(range(start + 1, start + total + 1))
        # Every socket saw the same batch under each seq.
        assert len({tuple(f["batch_id"] for f in c.ops) for c in collectors}) == 1
    finally:
        for ws, _ in sockets:
            await ws.close()


async def test_a_share_viewer_on_another_process_gets_filtered_frames_in_order(live_map, daphne_server):
    servers = daphne_server.many(2)
    owner = live_map.owner
    journey_map = await sync_to_async(JourneyMap.objects.get)(id=live_map.map_id)
    created = await sync_to_async(sharing.share_link_create)(map=journey_map, created_by=owner,
                                                            hidden_lanes=[live_map.lanes[2]])
    share_link_id = created.link.id
    visible = await create_card(servers[0], live_map, owner, lane=0)
    hidden = await create_card(servers[0], live_map, owner, lane=2)
    share_ticket = await sync_to_async(tickets.issue)(tickets.make_payload(
        map_id=live_map.map_id, share_link_id=share_link_id, role="viewer", hidden_lanes=[live_map.lanes[2]]))
    viewer, viewer_welcome = await connect(servers[1], live_map, share_ticket)
    assert {c["id"] for c in viewer_welcome["snapshot"]["cards"]} == {visible}
    editor, _ = await connect(servers[0], live_map, await user_ticket(servers[0], live_map, live_map.editors[0]))
    member, _ = await connect(servers[1], live_map, await user_ticket(servers[1], live_map, live_map.editors[1]))
    watched, everything = Collector(viewer), Collector(member)
    try:
        await push_all(editor, [("e:1", [card_update(hidden, "Margin is 4 percent")]),
                                ("e:2", [card_update(visible, "Customer calls support")]),
                                ("e:3", [card_update(hidden, "Margin is 3 percent")])])
        await watched.until(3)
        await everything.until(3)
        base = viewer_welcome["seq"]
        assert watched.seqs == everything.seqs == [base + 1, base + 2, base + 3]
        # The hidden lane's edits keep their seq (no gap) but carry nothing.
        assert [len(f["ops"]) for f in watched.ops] == [0, 1, 0]
        assert watched.ops[1]["ops"][0]["fields"]["text"] == "Customer calls support"
        assert "Margin" not in json.dumps(watched.ops)
        assert all(f["actor"] is None for f in watched.ops)
        assert [len(f["ops"]) for f in everything.ops] == [1, 1, 1]
    finally:
        for ws in (viewer, editor, member):
            await ws.close()


def small_receive_buffer_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def test_a_socket_that_stops_reading_delays_nobody_and_is_closed(live_map, daphne_server):
    server = daphne_server(WS_SEND_QUEUE_BYTES=str(256 * 1024))
    card_id = await create_card(server, live_map, live_map.owner)
    slow, _ = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[0]),
                            sock=small_receive_buffer_socket(server.port), max_queue=1)
    fast, welcome = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[1]))
    writer, _ = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[2]))
    reader, writer_reads = Collector(fast), Collector(writer)
    try:
        # About 200 KB per batch: 40 of them are far more than the slow socket's
        # kernel buffers and its queue in the server can hold.
        count = 40
        started = time.monotonic()
        for n in range(count):
            ops = [card_update(card_id, f"{n:03d}-{k:02d} " + "x" * 9_990) for k in range(20)]
            await writer.send(json.dumps({"type": "push", "batch_id": f"big:{n}", "ops": ops}))
            await asyncio.sleep(0.05)
        await reader.until(count, timeout=60)
        assert reader.seqs == list(range(welcome["seq"] + 1, welcome["seq"] + count + 1))
        # Each batch reached the reading socket about when it was pushed, not
        # after the slow socket's backlog.
        lags = [frame["received"] - started - 0.05 * n for n, frame in enumerate(reader.ops)]
        assert max(lags) < 10, lags
        # The server gave up on the socket that did not read: closed (4408), or
        # dropped once its close frame could not get through either.
        slow_reader = Collector(slow)
        await asyncio.wait_for(slow_reader.task, 30)
        assert slow_reader.closed in (4408, 1006)
        assert len(slow_reader.ops) < count
        assert reader.closed is None and writer_reads.closed is None
    finally:
        for ws in (slow, fast, writer):
            await ws.close()


async def test_a_socket_that_pauses_reading_gets_every_frame_whole_and_in_order(live_map, daphne_server):
    # Fan-out frames go straight onto the socket only when nothing waits before
    # them; behind a full socket they queue, after the socket's own acks (written
    # by another path). The paused reader checks both paths kept the stream whole.
    server = daphne_server(WS_SEND_QUEUE_BYTES=str(64 * 1024 * 1024))
    card_id = await create_card(server, live_map, live_map.owner)
    paused, welcome = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[0]),
                                    sock=small_receive_buffer_socket(server.port), max_queue=1)
    writer, _ = await connect(server, live_map, await user_ticket(server, live_map, live_map.editors[1]))
    writer_reads = Collector(writer)
    try:
        count = 30
        for n in range(count):
            ops = [card_update(card_id, f"{n:03d}-{k:02d} " + "y" * 9_990) for k in range(20)]
            await writer.send(json.dumps({"type": "push", "batch_id": f"big:{n}", "ops": ops}))
            await paused.send(json.dumps({"type": "push", "batch_id": f"own:{n}",
                                          "ops": [card_update(card_id, f"own {n}")]}))
            await asyncio.sleep(0.03)
        await writer_reads.until(2 * count, timeout=60)
        await asyncio.sleep(1.0)  # everything is in flight to the paused socket
        seqs, acks = [], []
        deadline = time.monotonic() + 60
        while len(acks) < count or len(seqs) < 2 * count:
            assert time.monotonic() < deadline, (len(acks), len(seqs))
            frame = json.loads(await asyncio.wait_for(paused.recv(), 30))
            if frame["type"] == "ops":
                seqs.append(frame["seq"])
            elif frame["type"] == "ack":
                assert frame["status"] == "ok", frame
                acks.append(frame["batch_id"])
        assert seqs == list(range(welcome["seq"] + 1, welcome["seq"] + 2 * count + 1))
        assert acks == [f"own:{n}" for n in range(count)]
    finally:
        for ws in (paused, writer):
            await ws.close()
