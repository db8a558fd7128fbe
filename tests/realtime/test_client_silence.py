"""MapClient drops a connection on which nothing arrives for ``silence_timeout``
(no welcome after its hello, no heartbeat after the welcome) and connects again,
as the editor's watchdog does; frames arriving in time keep it.

Real sockets: a ``websockets`` server on loopback plays the map server, so that
it can go silent while still answering the socket's pings."""

from __future__ import annotations

import asyncio
import json

import websockets

from journeymap.client import MapClient

MAP_ID = "00000000-0000-0000-0000-000000000001"


def welcome(seq: int) -> str:
    return json.dumps({"type": "welcome", "seq": seq, "role": "editor", "client_id": "c",
                       "snapshot": {"map": {"seq": seq}, "cards": []}, "presence": []})


async def serve(server):
    listening = await websockets.serve(server, "127.0.0.1", 0)
    return listening, f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"


async def test_no_welcome_after_hello_is_a_dead_connection():
    hellos = []

    async def server(ws):
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] == "hello":
                hellos.append(frame)
                if len(hellos) > 1:  # the first hello is never answered
                    await ws.send(welcome(0))

    listening, url = await serve(server)
    client = MapClient(url, MAP_ID, ticket_fetcher=lambda: "t", backoff_base=0.05, silence_timeout=0.5)
    try:
        await asyncio.wait_for(client.start(timeout=10), 15)
        assert client.connected
        assert client.connections == 2 and client.silences == 1 and len(hellos) == 2
    finally:
        await client.close()
        listening.close()


async def test_a_map_that_falls_silent_after_the_welcome_is_connected_again_from_its_seq():
    hellos = []
    first_silent = asyncio.Event()

    async def server(ws):
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] != "hello":
                continue
            hellos.append(frame)
            await ws.send(welcome(4))
            if len(hellos) == 1:
                first_silent.set()  # then nothing more on this socket, pings aside
            else:
                while True:  # heartbeats keep the second connection
                    await asyncio.sleep(0.1)
                    await ws.send(json.dumps({"type": "heartbeat", "seq": 4}))

    listening, url = await serve(server)
    client = MapClient(url, MAP_ID, ticket_fetcher=lambda: "t", backoff_base=0.05, silence_timeout=0.5)
    try:
        await asyncio.wait_for(client.start(timeout=10), 15)
        await first_silent.wait()
        await client.wait_for(lambda: len(hellos) == 2 and client.connected, timeout=10)
        assert hellos[1]["last_seq"] == 4  # it picks up where it was
        await asyncio.sleep(1.5)  # three timeouts' worth of heartbeats every 0.1 s
        assert client.connections == 2 and client.silences == 1
    finally:
        await client.close()
        listening.close()


async def test_without_a_timeout_a_silent_server_is_waited_for():
    async def server(ws):
        async for text in ws:
            if json.loads(text)["type"] == "hello":
                await ws.send(welcome(0))

    listening, url = await serve(server)
    client = MapClient(url, MAP_ID, ticket_fetcher=lambda: "t", silence_timeout=None)
    try:
        await asyncio.wait_for(client.start(timeout=10), 15)
        await asyncio.sleep(1.0)
        assert client.connected and client.connections == 1 and client.silences == 0
    finally:
        await client.close()
        listening.close()
