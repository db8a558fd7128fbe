"""Share visitors see no attachments: not on the page, not in the socket's
snapshot, not in any frame after an editor attaches a research file.

People: the owner edits the map and attaches files; a share visitor (no account)
opens the link, with and without hidden lanes.
"""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sharing import links as sharing
from tests.sharing.test_share_socket import next_of, open_share_socket, push
from tests.touchpoints import samples
from touchpoints.attachments import attachment_add

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media")]

# What must never reach a share visitor: the file name, its type, its size, its signature.
SECRET_NAME = "Interview Marie Dupont 2026-03-12.pdf"


def attach(grid, user, touchpoint: str, name: str = SECRET_NAME) -> dict:
    return attachment_add(journey_map=grid.map, touchpoint_id=touchpoint, user=user,
                          upload=SimpleUploadedFile(name, samples.PDF, content_type="application/pdf"))


def touchpoint(grid, owner, lane: str, stage: int = 0) -> str:
    tp = str(uuid.uuid4())
    ack = grid.push(owner, [{"op": "create", "entity": "touchpoint", "id": tp,
                             "fields": {"stage": grid.stages[stage], "lane": lane, "title": "Order page"}}])
    assert ack.status == "ok", ack.error
    return tp


def assert_no_attachment(text: str, entry: dict) -> None:
    assert SECRET_NAME not in text and "Interview" not in text
    assert entry["sig"] not in text and entry["id"] not in text
    assert '"attachments"' not in text and "application/pdf" not in text


def initial_doc(html: str) -> dict:
    start = html.index('<script id="initial-doc" type="application/json">') + len(
        '<script id="initial-doc" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


@pytest.mark.parametrize("hiding", [False, True], ids=["every-lane", "a-hidden-lane"])
def test_the_share_page_carries_no_attachment_of_any_touchpoint(hidden_grid, owner, hiding):
    tp = touchpoint(hidden_grid, owner, hidden_grid.lanes[1])
    entry = attach(hidden_grid, owner, tp)
    link = sharing.share_link_create(map=hidden_grid.map, created_by=owner,
                                     hidden_lanes=[hidden_grid.hidden] if hiding else [])
    response = Client().get(link.path)
    assert response.status_code == 200
    html = response.content.decode()
    # The touchpoint itself is shown, without its files.
    assert [t["id"] for t in initial_doc(html)["touchpoints"]] == [tp]
    assert_no_attachment(html, entry)


@pytest.mark.parametrize("hiding", [False, True], ids=["every-lane", "a-hidden-lane"])
async def test_no_frame_to_a_share_visitor_carries_attachments(hidden_grid, owner, hiding):
    tp = await sync_to_async(touchpoint)(hidden_grid, owner, hidden_grid.lanes[1])
    first = await sync_to_async(attach)(hidden_grid, owner, tp)
    link = await sync_to_async(sharing.share_link_create)(
        map=hidden_grid.map, created_by=owner, hidden_lanes=[hidden_grid.hidden] if hiding else [])
    socket, welcome, raw = await open_share_socket(link, hidden_grid.map)
    assert [t["id"] for t in welcome["snapshot"]["touchpoints"]] == [tp]

    # An editor attaches another file: the visitor gets the batch (its seq), not the file.
    second = await sync_to_async(attach)(hidden_grid, owner, tp, name="Verbatims Marie Dupont.pdf")
    frame = await next_of(socket, "ops", raw)
    assert all(op["op"] != "update" or set(op.get("fields", {})) <= {"version"} for op in frame["ops"])

    # A touchpoint moved out of a hidden lane arrives whole, minus its files.
    hidden_tp = await sync_to_async(touchpoint)(hidden_grid, owner, hidden_grid.hidden, 1)
    await sync_to_async(attach)(hidden_grid, owner, hidden_tp)
    await push(hidden_grid, owner, [{"op": "move", "entity": "touchpoint", "id": hidden_tp,
                                     "fields": {"stage": hidden_grid.stages[1], "lane": hidden_grid.lanes[1]}}])
    # The stage holding the first touchpoint is deleted and restored: the cascade
    # carries the touchpoint's fields back.
    await push(hidden_grid, owner, [{"op": "delete", "entity": "stage", "id": hidden_grid.stages[0]}])
    await push(hidden_grid, owner, [{"op": "restore", "entity": "stage", "id": hidden_grid.stages[0]}])
    while True:
        frame = await next_of(socket, "ops", raw)
        if any(op["op"] == "restore" for op in frame["ops"]):
            break
    await socket.send_json_to({"type": "resync", "from_seq": welcome["seq"]})
    # A share visitor always resyncs from a filtered snapshot, never from raw batches.
    await next_of(socket, "welcome", raw)
    await socket.disconnect()

    everything = "".join(raw)
    for entry in (first, second):
        assert_no_attachment(everything, entry)
    assert "Verbatims" not in everything
