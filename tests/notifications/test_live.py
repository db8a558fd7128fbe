"""The ``notification`` frame through real daphne, PostgreSQL and Redis: a comment
written over REST reaches the mentioned person's bell socket (and their open map
socket) within a second; marking read updates the count on every socket; the
bell's socket takes only the app's own pages, signed in.

People as in conftest: Ana (writes), Ben (mentioned), Chloé (a viewer, unconcerned).
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.notifications.conftest import make_room
from tests.realtime.conftest import rest
from tests.servers import daphne_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("require_postgres", "require_redis")]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def bell(server, user=None, origin: str | None = "") -> websockets.ClientConnection:
    headers = {"Cookie": f"sessionid={await sync_to_async(session_cookie)(user)}"} if user else {}
    return await websockets.connect(f"{server.ws_url}/ws/notifications/",
                                    origin=server.http_url if origin == "" else origin,
                                    additional_headers=headers)


async def next_frame(socket, kind: str = "notification", timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), max(0.01, deadline - time.monotonic())))
        if frame.get("type") == kind:
            return frame


async def close_code(socket) -> int:
    try:
        await asyncio.wait_for(socket.recv(), 5)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else -1
    raise AssertionError("the socket stayed open")


async def test_a_mention_reaches_the_bell_and_the_map_socket_within_a_second(daphne_server):  # noqa: F811
    from journeymap.client import MapClient

    room = await sync_to_async(make_room)()
    server = await sync_to_async(daphne_server)()
    tokens = {u.username: (await sync_to_async(Token.objects.create)(user=u)).key
              for u in (room.ana, room.ben, room.chloe)}
    ben_bell, chloe_bell = await bell(server, room.ben), await bell(server, room.chloe)
    assert await next_frame(ben_bell) == {"type": "notification", "event": "hello", "unread": 0}
    await next_frame(chloe_bell)
    heard_on_map: list[dict] = []
    map_socket = MapClient(server.http_url, str(room.map.id), token=tokens["ben"],
                           inbound_filter=lambda f: heard_on_map.append(f) or True)
    await map_socket.start()
    try:
        started = time.monotonic()
        status, thread = await asyncio.to_thread(
            rest, server, "POST", f"/api/v1/maps/{room.map.id}/comments/", tokens["ana"],
            {"anchor": {"type": "map"}, "body": "@ben <b>can you</b> check the delivery stage?"})
        assert status == 201, thread
        frame = await next_frame(ben_bell)
        assert time.monotonic() - started < 1.0
        assert frame["event"] == "created" and frame["unread"] == 1
        item = frame["notification"]
        assert item["summary"] == "Ana Lopez mentioned you on « Delivery journey »"
        assert item["excerpt"] == "@ben <b>can you</b> check the delivery stage?"  # text, escaped where shown
        assert item["thread"] == thread["id"] and item["url"].startswith(f"/maps/{room.map.id}/?comment=")
        for _ in range(50):
            if any(f.get("type") == "notification" for f in heard_on_map):
                break
            await asyncio.sleep(0.05)
        assert [f["notification"]["id"] for f in heard_on_map if f.get("type") == "notification"] == [item["id"]]

        status, answer = await asyncio.to_thread(rest, server, "POST", "/api/v1/notifications/read/",
                                                 tokens["ben"], {"ids": [item["id"]]})
        assert status == 200 and answer == {"marked": 1, "unread": 0}
        assert await next_frame(ben_bell) == {"type": "notification", "event": "read", "unread": 0}
        with pytest.raises(asyncio.TimeoutError):
            await next_frame(chloe_bell, timeout=0.5)  # nothing for the unconcerned
    finally:
        await map_socket.close()
        for socket in (ben_bell, chloe_bell):
            await socket.close()


async def test_the_bell_socket_is_for_signed_in_pages_of_the_app_only(daphne_server):  # noqa: F811
    room = await sync_to_async(make_room)()
    server = await sync_to_async(daphne_server)()
    assert await close_code(await bell(server)) == 4401  # nobody signed in
    assert await close_code(await bell(server, room.ben, origin="http://evil.example")) == 4403
    assert await close_code(await bell(server, room.ben, origin=None)) == 4403  # no Origin: not a page of ours
    ok = await bell(server, room.ben)
    assert (await next_frame(ok))["event"] == "hello"
    await ok.send("anything")  # it only listens, and stays open
    await ok.ping()
    await ok.close()
