"""A share viewer on the map socket (in process): live, read-only, filtered,
and cut off when the link is revoked or expires."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from journeymap.asgi import application
from maps.models import ShareLink
from sharing import links as sharing

pytestmark = pytest.mark.django_db(transaction=True)


def share_ticket(share) -> str:
    response = Client().post(f"{share.path}ws-ticket/")
    assert response.status_code == 201, response.content
    return response.json()["ticket"]


async def open_share_socket(share, journey_map) -> tuple[WebsocketCommunicator, dict, list[str]]:
    """Connect as the share page does; returns the socket, the welcome and every raw text received."""
    ticket = await sync_to_async(share_ticket)(share)
    socket = WebsocketCommunicator(application, f"/ws/maps/{journey_map.id}/?ticket={ticket}",
                                   headers=[(b"host", b"testserver"), (b"origin", b"http://testserver")])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "client_id": f"c-{uuid.uuid4()}", "last_seq": None})
    raw: list[str] = []
    welcome = await next_of(socket, "welcome", raw)
    return socket, welcome, raw


async def next_of(socket, kind: str, raw: list[str], timeout: float = 5) -> dict:
    while True:
        output = await socket.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            raise ConnectionError(output.get("code"))
        raw.append(output["text"])
        frame = json.loads(output["text"])
        if frame["type"] == kind:
            return frame


async def push(grid, user, ops):
    ack = await sync_to_async(grid.push)(user, ops)
    assert ack.status in ("ok", "rebased"), ack.error
    return ack


async def test_a_share_viewer_sees_live_edits_but_never_the_hidden_lane(hidden_grid, owner, share):
    socket, welcome, raw = await open_share_socket(share, hidden_grid.map)
    assert welcome["role"] == "viewer"
    snapshot = welcome["snapshot"]
    assert [c["text"] for c in snapshot["cards"]] == ["Customer calls support"]
    assert hidden_grid.hidden not in {lane["id"] for lane in snapshot["lanes"]}

    # A visible edit arrives live.
    new_card = str(uuid.uuid4())
    await push(hidden_grid, owner, [{"op": "create", "entity": "card", "id": new_card,
                                     "fields": {"stage": hidden_grid.stages[1], "lane": hidden_grid.lanes[0],
                                                "text": "Live from the workshop"}}])
    frame = await next_of(socket, "ops", raw)
    assert frame["ops"][0]["fields"]["text"] == "Live from the workshop"

    # Edits inside the hidden lane arrive as empty frames (the seq stays gap-free).
    await push(hidden_grid, owner, [{"op": "update", "entity": "card", "id": hidden_grid.hidden_card,
                                     "fields": {"text": "Margin drops to 2 percent"}}])
    frame = await next_of(socket, "ops", raw)
    assert frame["ops"] == []

    # Moving the visible card into the hidden lane removes it for the viewer...
    await push(hidden_grid, owner, [{"op": "move", "entity": "card", "id": new_card,
                                     "fields": {"stage": hidden_grid.stages[1], "lane": hidden_grid.hidden}}])
    frame = await next_of(socket, "ops", raw)
    assert [(op["op"], op["id"]) for op in frame["ops"]] == [("delete", new_card)]

    # ... and moving the hidden card out shows it, with every field.
    await push(hidden_grid, owner, [{"op": "move", "entity": "card", "id": hidden_grid.hidden_card,
                                     "fields": {"stage": hidden_grid.stages[2], "lane": hidden_grid.lanes[1]}}])
    frame = await next_of(socket, "ops", raw)
    (op,) = frame["ops"]
    assert op["op"] == "create" and op["id"] == hidden_grid.hidden_card
    assert op["fields"]["text"] == "Margin drops to 2 percent" and op["fields"]["lane"] == hidden_grid.lanes[1]

    everything = "".join(raw)
    assert hidden_grid.hidden not in everything
    assert "Internal costs" not in everything and "Margin is 4 percent" not in everything
    await socket.disconnect()


async def test_a_share_viewer_cannot_push(hidden_grid, share):
    socket, _, raw = await open_share_socket(share, hidden_grid.map)
    await socket.send_json_to({"type": "push", "batch_id": "c-1:1", "ops": [
        {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
         "fields": {"stage": hidden_grid.stages[0], "lane": hidden_grid.lanes[0], "text": "sneaky"}}]})
    ack = await next_of(socket, "ack", raw)
    assert ack["status"] == "rejected" and ack["error"]["code"] == "forbidden"
    await socket.disconnect()


async def test_revoking_a_link_closes_its_open_socket_within_five_seconds(hidden_grid, share):
    socket, _, _ = await open_share_socket(share, hidden_grid.map)
    link = await sync_to_async(ShareLink.objects.get)(id=share.link.id)
    started = time.monotonic()
    await sync_to_async(sharing.share_link_revoke)(link=link)
    while True:
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert time.monotonic() - started < 5
    assert output["code"] == 4404


async def test_an_expiring_link_closes_its_socket_when_it_expires(hidden_grid, owner):
    created = await sync_to_async(sharing.share_link_create)(
        map=hidden_grid.map, created_by=owner, expires_at=timezone.now() + dt.timedelta(seconds=2))
    socket, _, _ = await open_share_socket(created, hidden_grid.map)
    started = time.monotonic()
    while True:
        output = await socket.receive_output(timeout=6)
        if output["type"] == "websocket.close":
            break
    assert time.monotonic() - started < 5
    assert output["code"] == 4404


async def test_a_ticket_issued_before_revocation_opens_nothing(hidden_grid, share):
    ticket = await sync_to_async(share_ticket)(share)
    link = await sync_to_async(ShareLink.objects.get)(id=share.link.id)
    await sync_to_async(sharing.share_link_revoke)(link=link)
    socket = WebsocketCommunicator(application, f"/ws/maps/{hidden_grid.map.id}/?ticket={ticket}")
    connected, _ = await socket.connect()
    assert connected  # accepted first, so the close code reaches the client
    output = await socket.receive_output(timeout=5)
    assert output["type"] == "websocket.close" and output["code"] == 4404
    await asyncio.sleep(0)
