"""Archiving a map ends its share links at once: open share sockets close within
seconds (as with revocation and expiry) and the link's page says the map is no
longer available. Real daphne, a real websocket client.

People: the owner archives the map; a share visitor has its link open.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
import websockets
from asgiref.sync import sync_to_async

from sharing import links as sharing
from tests.servers import daphne_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def http(server, method: str, path: str, token: str | None = None, language: str = "en") -> tuple[int, str]:
    request = urllib.request.Request(f"{server.http_url}{path}", method=method)
    request.add_header("Accept-Language", language)
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def open_share_socket(server, link, journey_map):
    status, body = await asyncio.to_thread(http, server, "POST", f"{link.path}ws-ticket/")
    assert status == 201, body
    ticket = json.loads(body)["ticket"]
    ws = await websockets.connect(f"{server.ws_url}/ws/maps/{journey_map.id}/?ticket={ticket}")
    await ws.send(json.dumps({"type": "hello", "client_id": "c-visitor", "last_seq": None}))
    while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "welcome":
        pass
    return ws


async def closed_within(ws, seconds: float) -> tuple[int | None, float]:
    """The close code and how long it took (frames before it are skipped)."""
    started = time.monotonic()
    try:
        while True:  # heartbeats keep coming: the wait is for the whole, not per frame
            await asyncio.wait_for(ws.recv(), max(0.01, seconds - (time.monotonic() - started)))
    except websockets.ConnectionClosed as closed:
        return (closed.rcvd.code if closed.rcvd else None), time.monotonic() - started
    except TimeoutError:
        return None, time.monotonic() - started


def owner_token(owner) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=owner)[0].key


async def test_archiving_a_map_closes_its_share_sockets_at_once_and_the_page_says_so(
        daphne_server, grid, owner, require_redis):  # noqa: F811
    # The archive is asked of daphne over REST; its share sockets may be on any process.
    link = await sync_to_async(sharing.share_link_create)(map=grid.map, created_by=owner, label="for Support")
    token = await sync_to_async(owner_token)(owner)
    # A long heartbeat: only the archive itself can close the socket in time.
    server = await sync_to_async(daphne_server)(HEARTBEAT_SECONDS="30")
    ws = await open_share_socket(server, link, grid.map)

    status, _ = await asyncio.to_thread(http, server, "DELETE", f"/api/v1/maps/{grid.map.id}/", token)
    assert status == 204
    code, took = await closed_within(ws, 10)
    assert code == 4404 and took < 3

    status, page = await asyncio.to_thread(http, server, "GET", link.path)
    assert status == 404
    assert "This map is no longer available" in page
    status, page = await asyncio.to_thread(http, server, "GET", link.path, None, "fr")
    assert status == 404 and "Cette carte n’est plus disponible" in page
    status, _ = await asyncio.to_thread(http, server, "POST", f"{link.path}ws-ticket/")
    assert status == 404


async def test_a_map_archived_behind_the_apps_back_closes_share_sockets_within_a_heartbeat(
        daphne_server, grid, owner):  # noqa: F811
    # An archive that sends no event (a database update, a lost message): the
    # heartbeat checks the share links of the sockets it serves.
    from maps.models import JourneyMap

    link = await sync_to_async(sharing.share_link_create)(map=grid.map, created_by=owner)
    server = await sync_to_async(daphne_server)(HEARTBEAT_SECONDS="1")
    ws = await open_share_socket(server, link, grid.map)
    await sync_to_async(JourneyMap.objects.filter(id=grid.map.id).update)(archived=True)
    code, took = await closed_within(ws, 10)
    assert code == 4404 and took < 4
