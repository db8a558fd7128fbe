"""The map socket in process (channels' WebsocketCommunicator): runs in the
embedded mode (SQLite, in-memory layer) as well as on PostgreSQL + Redis."""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from journeymap.asgi import application
from maps.live import tickets
from maps.models import Operation

pytestmark = pytest.mark.django_db(transaction=True)


def ticket_for(user, journey_map) -> str:
    return tickets.issue(tickets.make_payload(map_id=journey_map.id, user_id=user.pk))


async def open_socket(journey_map, *, ticket: str | None = None, headers=None) -> WebsocketCommunicator:
    path = f"/ws/maps/{journey_map.id}/" + (f"?ticket={ticket}" if ticket else "")
    communicator = WebsocketCommunicator(application, path, headers=headers or [])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def hello(communicator, last_seq=None) -> dict:
    await communicator.send_json_to({"type": "hello", "client_id": f"c-{uuid.uuid4()}", "last_seq": last_seq})
    return await next_of(communicator, "welcome")


async def next_of(communicator, kind: str, timeout: float = 5) -> dict:
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


def card_op(grid, text="hello") -> dict:
    return {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": text}}


async def test_an_editor_with_a_ticket_gets_a_snapshot_then_sees_their_own_batch_as_ops(grid, editor):
    socket = await open_socket(grid.map, ticket=ticket_for(editor, grid.map))
    welcome = await hello(socket)
    assert welcome["role"] == "editor"
    assert welcome["seq"] == 1 and len(welcome["snapshot"]["stages"]) == 3
    op = card_op(grid)
    await socket.send_json_to({"type": "push", "batch_id": "c-1:1", "ops": [op]})
    by_type: dict = {}
    while len(by_type) < 2:
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] in ("ack", "ops"):
            by_type[frame["type"]] = frame
    assert by_type["ack"]["status"] == "ok" and by_type["ack"]["seq"] == 2
    assert by_type["ops"]["seq"] == 2 and by_type["ops"]["batch_id"] == "c-1:1"
    assert by_type["ops"]["ops"][0]["fields"]["text"] == "hello"
    await socket.disconnect()


async def test_a_client_close_behind_gets_the_missing_batches_in_its_welcome(grid, editor, owner):
    await sync_to_async(grid.card)(owner, text="one")
    await sync_to_async(grid.card)(owner, text="two")
    socket = await open_socket(grid.map, ticket=ticket_for(editor, grid.map))
    welcome = await hello(socket, last_seq=1)
    assert "snapshot" not in welcome
    assert [b["seq"] for b in welcome["ops"]] == [2, 3]
    assert welcome["seq"] == 3
    await socket.disconnect()


async def test_a_ticket_works_once(grid, editor):
    ticket = ticket_for(editor, grid.map)
    first = await open_socket(grid.map, ticket=ticket)
    await hello(first)
    second = await open_socket(grid.map, ticket=ticket)
    closed = await second.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401, "reason": "invalid or expired ticket"}
    await first.disconnect()


async def test_no_ticket_and_no_origin_is_unauthenticated(grid):
    socket = await open_socket(grid.map)
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == 4401


async def test_an_outsider_with_a_ticket_for_a_map_they_cannot_see_is_refused(grid, outsider):
    socket = await open_socket(grid.map, ticket=ticket_for(outsider, grid.map))
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == 4404


async def test_a_browser_session_with_an_allowed_origin_connects_and_a_foreign_origin_does_not(grid, editor):
    client = Client()
    await sync_to_async(client.force_login)(editor)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    good = await open_socket(grid.map, headers=[(b"host", b"127.0.0.1:8000"), (b"cookie", cookie),
                                               (b"origin", b"http://127.0.0.1:8000")])
    assert (await hello(good))["role"] == "editor"
    await good.disconnect()
    bad = await open_socket(grid.map, headers=[(b"cookie", cookie), (b"origin", b"https://evil.example")])
    closed = await bad.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == 4403


async def test_malformed_frames_get_errors_and_the_socket_stays_usable(grid, editor):
    socket = await open_socket(grid.map, ticket=ticket_for(editor, grid.map))
    await socket.send_json_to({"type": "push", "batch_id": "x", "ops": []})
    assert (await next_of(socket, "error"))["code"] == "hello_required"
    await hello(socket)
    await socket.send_to(text_data="{not json")
    assert (await next_of(socket, "error"))["code"] == "invalid"
    await socket.send_json_to({"type": "dance"})
    assert (await next_of(socket, "error"))["code"] == "invalid"
    await socket.send_json_to({"type": "push", "ops": []})
    assert (await next_of(socket, "error"))["code"] == "invalid"
    await socket.send_to(text_data=json.dumps({"type": "push", "batch_id": "big", "ops": ["x" * 300 * 1024]}))
    assert (await next_of(socket, "error"))["code"] == "too_large"
    await socket.send_json_to({"type": "push", "batch_id": "b1", "ops": [{"op": "create", "entity": "card",
                                                                           "id": 7, "fields": {}}]})
    ack = await next_of(socket, "ack")
    assert ack["status"] == "rejected" and ack["error"]["code"] == "invalid"
    await socket.send_json_to({"type": "push", "batch_id": "b2", "ops": [card_op(grid)]})
    assert (await next_of(socket, "ack"))["status"] == "ok"
    assert await sync_to_async(Operation.objects.filter(map=grid.map).count)() == 2
    await socket.disconnect()


async def test_a_viewer_push_is_rejected_as_forbidden_and_nothing_is_written(grid, viewer):
    socket = await open_socket(grid.map, ticket=ticket_for(viewer, grid.map))
    assert (await hello(socket))["role"] == "viewer"
    await socket.send_json_to({"type": "push", "batch_id": "v1", "ops": [card_op(grid)]})
    ack = await next_of(socket, "ack")
    assert ack["status"] == "rejected" and ack["error"]["code"] == "forbidden"
    assert await sync_to_async(Operation.objects.filter(map=grid.map).count)() == 1
    await socket.disconnect()


async def test_presence_is_coalesced_and_reaches_the_other_socket(grid, editor, owner):
    first = await open_socket(grid.map, ticket=ticket_for(editor, grid.map))
    await hello(first)
    second = await open_socket(grid.map, ticket=ticket_for(owner, grid.map))
    welcome = await hello(second)
    assert len(welcome["presence"]) == 2
    for i in range(5):
        await first.send_json_to({"type": "presence", "focus": {"entity": "stage", "id": grid.stages[i % 3]},
                                  "cursor": None})
    frame = await next_of(second, "presence")
    # The five frames sent within one tick arrive as one change with the last focus.
    changes = [c for c in frame["changes"] if c["focus"]]
    while not changes:
        frame = await next_of(second, "presence")
        changes = [c for c in frame["changes"] if c["focus"]]
    assert len(changes) == 1 and changes[0]["focus"]["id"] == grid.stages[4 % 3]
    await first.disconnect()
    await second.disconnect()
