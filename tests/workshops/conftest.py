"""Fixtures for workshop sessions: real daphne processes and raw websocket clients
(``Peer``) that keep every ``session`` frame they receive."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import websockets

from tests.realtime.conftest import close_worker_connections, live_map, rest, services  # noqa: F401  (fixtures)
from tests.servers import daphne_server  # noqa: F401  (fixture)


class Peer:
    """One socket on the map: says hello, then records frames in the background."""

    def __init__(self, ws: Any, welcome: dict[str, Any], name: str) -> None:
        self.ws = ws
        self.welcome = welcome
        self.name = name
        self.frames: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []  # everything recorded, never consumed
        self.session = welcome.get("session")
        # The server's clock minus ours, from the welcome (what the browser does).
        self.offset_ms = welcome["server_time"] - time.time() * 1000
        self.reader = asyncio.ensure_future(self.read())

    @classmethod
    async def connect(cls, server: Any, map_id: str, ticket: str, name: str) -> Peer:
        ws = await websockets.connect(f"{server.ws_url}/ws/maps/{map_id}/?ticket={ticket}")
        await ws.send(json.dumps({"type": "hello", "client_id": f"c-{name}", "last_seq": None}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
            if frame["type"] == "welcome":
                return cls(ws, frame, name)

    async def read(self) -> None:
        try:
            async for text in self.ws:
                frame = json.loads(text)
                if frame["type"] in ("session", "error", "ops"):
                    self.frames.append(frame)
                    self.log.append(frame)
                    if frame["type"] == "session" and frame["event"] == "state":
                        self.session = frame["session"]
                        self.offset_ms = frame["server_time"] - time.time() * 1000
        except websockets.ConnectionClosed:
            pass

    async def send(self, action: str, **fields: Any) -> None:
        await self.ws.send(json.dumps({"type": "session", "action": action, **fields}))

    async def wait(self, predicate: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The first recorded frame (from the start) that matches; consumed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, frame in enumerate(self.frames):
                if predicate(frame):
                    del self.frames[: index + 1]
                    return frame
            await asyncio.sleep(0.02)
        raise AssertionError(f"{self.name}: no matching frame in {timeout} s; got {self.frames[-5:]}")

    async def state(self, predicate: Any = lambda s: True, timeout: float = 10.0) -> dict[str, Any] | None:
        def matches(frame: dict[str, Any]) -> bool:
            try:  # an earlier state may lack what the predicate reads (no vote yet)
                return frame["type"] == "session" and frame["event"] == "state" and bool(predicate(frame["session"]))
            except (KeyError, TypeError):
                return False

        frame = await self.wait(matches, timeout)
        return frame["session"]

    async def error(self, timeout: float = 10.0) -> dict[str, Any]:
        return await self.wait(lambda f: f["type"] == "error", timeout)

    async def quiet(self, seconds: float = 0.6) -> list[dict[str, Any]]:
        """What arrives in the next ``seconds`` (session frames and errors only)."""
        await asyncio.sleep(seconds)
        got, self.frames = [f for f in self.frames if f["type"] in ("session", "error")], []
        return got

    def remaining_ms(self) -> float | None:
        """The timer as this client computes it now, from the server's clock."""
        timer = self.session["timer"]
        if timer["paused_remaining_ms"] is not None:
            return timer["paused_remaining_ms"]
        if timer["started_at"] is None:
            return None
        return timer["duration_ms"] - (time.time() * 1000 + self.offset_ms - timer["started_at"])

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


async def member_ticket(server: Any, map_id: str, token: str) -> str:
    status, body = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{map_id}/ws-ticket/", token)
    assert status == 201, body
    return body["ticket"]


async def member(server: Any, live: Any, user: Any, name: str) -> Peer:
    return await Peer.connect(server, live.map_id, await member_ticket(server, live.map_id, live.token(user)), name)


@pytest.fixture
def share_path(live_map) -> str:  # noqa: F811
    from maps.models import JourneyMap
    from sharing import links as sharing

    link = sharing.share_link_create(map=JourneyMap.objects.get(id=live_map.map_id), created_by=live_map.owner,
                                     label="Wall screen")
    return link.path


async def visitor(server: Any, live: Any, share_path: str) -> Peer:
    import urllib.request

    def ticket() -> str:
        request = urllib.request.Request(f"{server.http_url}{share_path}ws-ticket/", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["ticket"]

    return await Peer.connect(server, live.map_id, await asyncio.to_thread(ticket), "visitor")
