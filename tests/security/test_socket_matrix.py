"""Every socket action x every kind of caller, and other workspaces' ids in ops.

Actions: connect (and hello), push, presence, resync. Callers: owner, editor,
viewer, member of another workspace, anonymous, share viewer, revoked share viewer,
expired share viewer.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from journeymap.asgi import application
from maps.live import tickets
from maps.models import ShareLink
from sharing import links as sharing
from tests.factories import MapFactory

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
# What each caller may do: "write" (connect, push, presence, resync), "read"
# (connect, presence, resync; pushes rejected as forbidden) or "refused" with the close code.
MATRIX = {
    "owner": "write",
    "editor": "write",
    "viewer": "read",
    "outsider": 4404,
    "anonymous": 4401,
    "share_viewer": "read",
    "revoked_share_viewer": 4404,
    "expired_share_viewer": 4404,
}


def ticket_for(role: str, request, grid) -> str | None:
    if role == "anonymous":
        return None
    if role.endswith("share_viewer"):
        owner = request.getfixturevalue("owner")
        created = sharing.share_link_create(map=grid.map, created_by=owner, label=role)
        payload = tickets.make_payload(map_id=grid.map.id, share_link_id=created.link.id, role="viewer")
        ticket = tickets.issue(payload)
        if role == "revoked_share_viewer":
            sharing.share_link_revoke(link=created.link)
        elif role == "expired_share_viewer":
            ShareLink.objects.filter(id=created.link.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        return ticket
    user = request.getfixturevalue(role)
    return tickets.issue(tickets.make_payload(map_id=grid.map.id, user_id=user.pk))


async def frames_until(socket, kind: str, timeout: float = 5) -> dict:
    while True:
        output = await socket.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return {"type": "closed", "code": output.get("code")}
        frame = json.loads(output["text"])
        if frame["type"] == kind:
            return frame


@pytest.mark.parametrize("role", list(MATRIX))
async def test_socket_cell(request, grid, role):
    expected = MATRIX[role]
    ticket = await sync_to_async(ticket_for)(role, request, grid)
    path = f"/ws/maps/{grid.map.id}/" + (f"?ticket={ticket}" if ticket else "")
    # Anonymous: a browser with no session (Origin, no cookie).
    socket = WebsocketCommunicator(application, path, headers=ORIGIN if ticket is None else [])
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "client_id": f"c-{role}", "last_seq": None})
    welcome = await frames_until(socket, "welcome")
    if isinstance(expected, int):
        assert welcome == {"type": "closed", "code": expected}
        return
    assert welcome["type"] == "welcome" and welcome["role"] in ("owner", "editor", "viewer")
    # presence is accepted from anyone connected
    await socket.send_json_to({"type": "presence", "focus": None, "cursor": {"stage": grid.stages[0]}})
    # resync answers with ops or a snapshot
    await socket.send_json_to({"type": "resync", "from_seq": 0})
    # push
    await socket.send_json_to({"type": "push", "batch_id": f"{role}:1", "ops": [
        {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
         "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": role}}]})
    ack = await frames_until(socket, "ack")
    if expected == "write":
        assert ack["status"] in ("ok", "rebased"), ack
    else:
        assert ack["status"] == "rejected" and ack["error"]["code"] == "forbidden"
    await socket.disconnect()


async def test_ops_naming_another_workspaces_items_are_rejected_as_not_found(request, grid, editor, outsider):
    """IDOR over the socket: ids from another workspace's map are unknown here."""
    other = await sync_to_async(MapFactory)(workspace=(await sync_to_async(
        lambda: outsider.memberships.first().workspace)()))
    foreign_stage, foreign_card = str(uuid.uuid4()), str(uuid.uuid4())
    from maps.operations import actor_for, apply

    def seed():
        lane = str(uuid.uuid4())
        ack = apply(map_id=other.id, actor=actor_for(outsider, other.workspace_id), batch_id="seed", ops=[
            {"op": "create", "entity": "stage", "id": foreign_stage, "fields": {"name": "theirs"}},
            {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "theirs"}},
            {"op": "create", "entity": "card", "id": foreign_card,
             "fields": {"stage": foreign_stage, "lane": lane, "text": "their secret"}}])
        assert ack.status == "ok", ack.error

    await sync_to_async(seed)()
    ticket = await sync_to_async(ticket_for)("editor", request, grid)
    socket = WebsocketCommunicator(application, f"/ws/maps/{grid.map.id}/?ticket={ticket}")
    await socket.connect()
    await socket.send_json_to({"type": "hello", "client_id": "c-idor", "last_seq": None})
    await frames_until(socket, "welcome")
    attempts = [
        {"op": "update", "entity": "card", "id": foreign_card, "fields": {"text": "mine now"}},
        {"op": "delete", "entity": "card", "id": foreign_card},
        {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
         "fields": {"stage": foreign_stage, "lane": grid.lanes[0], "text": "x"}},
        {"op": "move", "entity": "card", "id": foreign_card, "fields": {"stage": grid.stages[0], "lane": grid.lanes[0]}},
    ]
    for n, op in enumerate(attempts):
        await socket.send_json_to({"type": "push", "batch_id": f"idor:{n}", "ops": [op]})
        ack = await frames_until(socket, "ack")
        assert ack["status"] == "rejected" and ack["error"]["code"] == "not_found", (op, ack)
        assert "their secret" not in json.dumps(ack)
    await socket.disconnect()

    # A socket opened on another workspace's map with our ticket is refused too.
    ticket = await sync_to_async(ticket_for)("editor", request, grid)
    socket = WebsocketCommunicator(application, f"/ws/maps/{other.id}/?ticket={ticket}")
    await socket.connect()
    output = await socket.receive_output(timeout=5)
    assert output["type"] == "websocket.close" and output["code"] == 4401
