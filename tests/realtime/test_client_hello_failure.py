"""MapClient reconnects when its hello fails on the server (an ``error`` frame with
``server_error`` and no welcome) instead of waiting for a welcome forever."""

from __future__ import annotations

import asyncio
import json

import websockets

from journeymap.client import MapClient


async def test_a_failed_hello_is_followed_by_a_reconnect_and_a_welcome():
    connections = []

    async def server(ws):
        connections.append(ws)
        async for text in ws:
            frame = json.loads(text)
            if frame["type"] != "hello":
                continue
            if len(connections) == 1:  # the first hello fails, as a too-large welcome did
                await ws.send(json.dumps({"type": "error", "code": "server_error",
                                          "message": "this frame could not be handled"}))
            else:
                await ws.send(json.dumps({"type": "welcome", "seq": 0, "role": "editor", "client_id": "c",
                                          "snapshot": {"map": {"seq": 0}, "cards": []}, "presence": []}))

    async with websockets.serve(server, "127.0.0.1", 0) as listening:
        port = listening.sockets[0].getsockname()[1]
        client = MapClient(f"http://127.0.0.1:{port}", "00000000-0000-0000-0000-000000000001",
                           ticket_fetcher=lambda: "t", backoff_base=0.05)
        try:
            await asyncio.wait_for(client.start(timeout=10), 15)
            assert client.connected and client.connections == 2
            assert [e["code"] for e in client.errors] == ["server_error"]
        finally:
            await client.close()
