"""Bad input over a real daphne process: each gets its documented refusal, nothing
is written, and a bystander on another process is unaffected."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async

from journeymap.client import MapClient
from maps.live import tickets
from maps.models import Operation
from tests.realtime.conftest import rest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]


async def fresh_ticket(server, live, user) -> str:
    status, body = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live.map_id}/ws-ticket/",
                                           live.token(user))
    assert status == 201, body
    return body["ticket"]


async def raw_socket(server, live, ticket: str | None, origin: str | None = None):
    url = f"{server.ws_url}/ws/maps/{live.map_id}/" + (f"?ticket={ticket}" if ticket else "")
    return await websockets.connect(url, max_size=None, origin=origin)


async def next_of(ws, kind: str, timeout: float = 10) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] == kind:
            return frame


async def close_code(ws, timeout: float = 10) -> int | None:
    """Read (and drop) frames until the server closes the socket; its close code."""
    deadline = asyncio.get_running_loop().time() + timeout
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            await asyncio.wait_for(ws.recv(), max(remaining, 0.01))
    return closed.value.rcvd.code if closed.value.rcvd else None


async def count_ops(live) -> int:
    return await sync_to_async(Operation.objects.filter(map_id=live.map_id).count)()


def card(live, **fields) -> dict:
    return {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": live.stages[0], "lane": live.lanes[0], "text": "x", **fields}}


async def test_malformed_frames_and_bad_ops_are_refused_and_the_socket_stays_usable(
        live_map, daphne_server, settings):
    server, other = daphne_server.many(2)
    bystander = MapClient(other.http_url, live_map.map_id, token=live_map.token(live_map.editors[1]))
    await bystander.start()
    before = await count_ops(live_map)
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[0]))
    try:
        await ws.send(json.dumps({"type": "push", "batch_id": "early", "ops": [card(live_map)]}))
        assert (await next_of(ws, "error"))["code"] == "hello_required"
        await ws.send(json.dumps({"type": "hello", "client_id": "c-bad", "last_seq": None}))
        await next_of(ws, "welcome")
        await ws.send("this is not json")
        assert (await next_of(ws, "error"))["code"] == "invalid"
        await ws.send(json.dumps({"type": "launch"}))
        assert (await next_of(ws, "error"))["code"] == "invalid"
        await ws.send(json.dumps({"type": "push", "ops": []}))
        assert (await next_of(ws, "error"))["code"] == "invalid"
        await ws.send(json.dumps({"type": "push", "batch_id": "huge", "ops": [card(live_map, text="y" * 300 * 1024)]}))
        assert (await next_of(ws, "error"))["code"] == "too_large"

        # Another workspace's map: its stage is unknown here.
        foreign = await sync_to_async(foreign_stage)(live_map)
        bad_batches = {
            "types": [card(live_map, text=12)],
            "missing": [{"op": "create", "entity": "card", "id": str(uuid.uuid4()), "fields": {"text": "x"}}],
            "foreign": [card(live_map, stage=foreign)],
            "not-a-list": {"op": "create"},
        }
        for batch_id, ops in bad_batches.items():
            await ws.send(json.dumps({"type": "push", "batch_id": batch_id, "ops": ops}))
            ack = await next_of(ws, "ack")
            assert ack["batch_id"] == batch_id and ack["status"] == "rejected", ack
        assert (await count_ops(live_map)) == before

        # Still usable: a good push goes through and reaches the bystander.
        await ws.send(json.dumps({"type": "push", "batch_id": "good", "ops": [card(live_map)]}))
        ack = await next_of(ws, "ack")
        assert ack["status"] == "ok"
        await bystander.wait_seq(ack["seq"], 10)
        assert bystander.history[-1] == (ack["seq"], "good")
    finally:
        await ws.close()
        await bystander.close()


def foreign_stage(live) -> str:
    from maps.selectors import map_document
    from maps.services import map_create
    from tests.factories import WorkspaceFactory

    other = map_create(workspace=WorkspaceFactory(), title="Elsewhere", structure={"stages": [{"name": "S"}]})
    return map_document(map_id=other.id)["stages"][0]["id"]


async def test_a_flood_of_two_thousand_pushes_gets_an_ack_for_each_and_loses_none_silently(
        live_map, daphne_server):
    # The server ingests a socket's frames at about its commit pace (TCP flow
    # control holds the sender back), which on a small machine is close to the
    # default 50/s: a tighter bucket makes the refusal path certain to run.
    server = daphne_server(PUSH_RATE_PER_SECOND="10", PUSH_BURST="50")
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[0]))
    try:
        await ws.send(json.dumps({"type": "hello", "client_id": "c-flood", "last_seq": None}))
        await next_of(ws, "welcome")
        target = card(live_map)
        await ws.send(json.dumps({"type": "push", "batch_id": "target", "ops": [target]}))
        assert (await next_of(ws, "ack"))["status"] == "ok"
        batch_ids = [f"flood-{i}" for i in range(2000)]
        for i, batch_id in enumerate(batch_ids):
            await ws.send(json.dumps({"type": "push", "batch_id": batch_id, "ops": [
                {"op": "update", "entity": "card", "id": target["id"], "fields": {"text": f"flood {i}"}}]}))
        acks: dict[str, dict] = {}
        while len(acks) < len(batch_ids):
            frame = await next_of(ws, "ack", timeout=60)
            acks[frame["batch_id"]] = frame
        statuses = [ack["status"] for ack in acks.values()]
        assert set(statuses) == {"ok", "retry"}
        assert statuses.count("retry") > 0
        assert all(ack["retry_after_ms"] > 0 for ack in acks.values() if ack["status"] == "retry")
        logged = set(await sync_to_async(list)(
            Operation.objects.filter(map_id=live_map.map_id, batch_id__startswith="flood-")
            .values_list("batch_id", flat=True)))
        assert logged == {b for b, ack in acks.items() if ack["status"] == "ok"}
    finally:
        await ws.close()


async def test_a_viewer_push_is_rejected_as_forbidden(live_map, daphne_server):
    server = daphne_server()
    before = await count_ops(live_map)
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.viewer))
    try:
        await ws.send(json.dumps({"type": "hello", "client_id": "c-viewer", "last_seq": None}))
        assert (await next_of(ws, "welcome"))["role"] == "viewer"
        await ws.send(json.dumps({"type": "push", "batch_id": "v", "ops": [card(live_map)]}))
        ack = await next_of(ws, "ack")
        assert ack["status"] == "rejected" and ack["error"]["code"] == "forbidden"
        assert (await count_ops(live_map)) == before
    finally:
        await ws.close()


async def test_missing_expired_reused_tickets_a_foreign_origin_and_outsiders_are_refused(
        live_map, daphne_server, settings):
    server = daphne_server()
    assert await close_code(await raw_socket(server, live_map, None)) == 4401
    assert await close_code(await raw_socket(server, live_map, "made-up")) == 4401

    settings.WS_TICKET_TTL_SECONDS = 1
    expired = tickets.issue(tickets.make_payload(map_id=live_map.map_id, user_id=live_map.editors[0].pk))
    settings.WS_TICKET_TTL_SECONDS = 60
    await asyncio.sleep(1.5)
    assert await close_code(await raw_socket(server, live_map, expired)) == 4401

    ticket = await fresh_ticket(server, live_map, live_map.editors[0])
    first = await raw_socket(server, live_map, ticket)
    await first.send(json.dumps({"type": "hello", "client_id": "c-once", "last_seq": None}))
    await next_of(first, "welcome")
    assert await close_code(await raw_socket(server, live_map, ticket)) == 4401
    await first.close()

    good = await fresh_ticket(server, live_map, live_map.editors[0])
    assert await close_code(await raw_socket(server, live_map, good, origin="https://evil.example")) == 4403

    status, _ = await asyncio.to_thread(rest, server, "POST", f"/api/v1/maps/{live_map.map_id}/ws-ticket/",
                                        live_map.token(live_map.outsider))
    assert status == 404
    started = time.monotonic()
    assert await close_code(await raw_socket(server, live_map, None, origin=server.http_url)) == 4401
    assert time.monotonic() - started < 5


async def test_a_member_removed_from_the_workspace_is_disconnected_within_a_heartbeat(live_map, daphne_server):
    server = daphne_server(HEARTBEAT_SECONDS="1")
    editor = live_map.editors[0]
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, editor))
    await ws.send(json.dumps({"type": "hello", "client_id": "c-removed", "last_seq": None}))
    await next_of(ws, "welcome")
    from maps.models import Membership

    await sync_to_async(Membership.objects.filter(workspace=live_map.workspace, user=editor).delete)()
    started = time.monotonic()
    assert await close_code(ws) == 4403
    assert time.monotonic() - started < 3
