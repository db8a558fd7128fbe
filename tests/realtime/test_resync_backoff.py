"""Resyncs back off: a client asks again later and later while its gap stays open
(and afresh for the next gap), and the server answers one resync per socket at a
time, dropping those that come while one is being answered."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
import websockets

from journeymap.client import MapClient
from tests.realtime.conftest import rest
from tests.realtime.test_bad_input import fresh_ticket, raw_socket

SNAPSHOT = {"map": {"seq": 0}, "cards": []}


def ops_frame(seq: int) -> str:
    return json.dumps({"type": "ops", "seq": seq, "batch_id": f"other:{seq}", "actor": None, "ops": []})


async def test_the_client_asks_again_after_1_2_4_8_times_the_first_wait_and_afresh_after_a_heal():
    resyncs: list[float] = []
    heal = asyncio.Event()

    async def server(ws):
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] == "hello":
                await ws.send(json.dumps({"type": "welcome", "seq": 0, "role": "editor", "client_id": "c",
                                          "snapshot": SNAPSHOT, "presence": []}))
                await ws.send(ops_frame(2))  # 1 is missing: a gap that stays open
            elif frame["type"] == "resync":
                resyncs.append(time.monotonic())
                if len(resyncs) == 5:
                    await heal.wait()
                    await ws.send(ops_frame(1))  # healed: the client is at 2
                    await ws.send(ops_frame(4))  # a new gap (3 is missing)

    async with websockets.serve(server, "127.0.0.1", 0) as listening:
        port = listening.sockets[0].getsockname()[1]
        client = MapClient(f"http://127.0.0.1:{port}", "00000000-0000-0000-0000-000000000001",
                           ticket_fetcher=lambda: "t", gap_timeout=0.05, resync_first_repeat=0.1,
                           resync_max_repeat=0.8)
        try:
            await client.start(timeout=10)
            await client.wait_for(lambda: len(resyncs) == 5, 10)
            heal.set()
            await client.wait_for(lambda: client.last_seq == 2 and len(resyncs) == 7, 10)
        finally:
            await client.close()
    first_gap = [later - earlier for earlier, later in zip(resyncs[:5], resyncs[1:5], strict=False)]
    # A sleep never ends early, so these lower bounds hold on any machine; the
    # old client asked every second, or every ``gap_timeout`` under the new names.
    for waited, least in zip(first_gap, [0.1, 0.2, 0.4, 0.8], strict=True):
        assert waited >= least * 0.95, (first_gap, least)
    # The healed gap reset the back-off: the next one starts again at the first wait.
    second_gap_repeat = resyncs[6] - resyncs[5]
    assert 0.095 <= second_gap_repeat < 0.6, second_gap_repeat
    assert client.resyncs == 7


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
async def test_daphne_answers_one_resync_per_socket_at_a_time(live_map, daphne_server):
    server = daphne_server()
    editor = live_map.editors[0]
    ops = [[{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": live_map.stages[i % 4], "lane": live_map.lanes[i % 3], "text": f"card {i} " * 20}}]
           for i in range(40)]
    for i, batch in enumerate(ops):
        status, body = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live_map.map_id}/operations/",
                                               live_map.token(editor), {"batch_id": f"rest-{i}", "ops": batch})
        assert status in (200, 201), body
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, editor))
    try:
        await ws.send(json.dumps({"type": "hello", "client_id": "c-resync", "last_seq": None}))
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert welcome["type"] == "welcome"
        seq = welcome["seq"]
        assert seq >= 40

        async def answers_to(count: int) -> list[int]:
            """Send ``count`` resyncs from 0 at once; the seqs of the ops frames that
            answer them (every answer holds every batch from 1 to ``seq``)."""
            for _ in range(count):
                await ws.send(json.dumps({"type": "resync", "from_seq": 0}))
            seqs = []
            while True:
                try:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 3))
                except TimeoutError:
                    return seqs
                if frame["type"] == "ops":
                    seqs.append(frame["seq"])

        seqs = await answers_to(20)
        answered = seqs.count(1)
        assert seqs[:seq] == list(range(1, seq + 1)), "the first resync is answered in full"
        assert 1 <= answered < 20, f"{answered} of 20 resyncs sent at once were answered"
        assert len(seqs) == answered * seq
        # Dropping is only while one is in flight: the next resync is answered again.
        assert await answers_to(1) == list(range(1, seq + 1))
    finally:
        await ws.close()
