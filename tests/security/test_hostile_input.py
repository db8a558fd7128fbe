"""Hostile input at every boundary: socket frames (a real daphne process and a real
websocket client), REST bodies, query strings, paths, forms and file names.

Lone surrogates, NUL and control characters, JSON nested too deep, NaN and
Infinity are refused as ``invalid`` naming the field; the socket that sent them
stays open and keeps working, and nobody else's connection notices.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from maps.live import tickets
from maps.models import Operation
from tests import servers
from tests.realtime import conftest as realtime
from tests.realtime.test_bad_input import card, fresh_ticket, next_of, raw_socket

# The socket fixtures of tests/realtime: a map on real daphne processes with Redis.
live_map = realtime.live_map
services = realtime.services
close_worker_connections = realtime.close_worker_connections
daphne_server = servers.daphne_server

SURROGATE = "\\ud800"  # as a client writes it in JSON: the escape, not the character


def share_viewer_ticket(live) -> str:
    from maps.models import JourneyMap
    from sharing import links as sharing

    journey_map = JourneyMap.objects.get(id=live.map_id)
    created = sharing.share_link_create(map=journey_map, created_by=live.owner, label="Partners")
    return tickets.issue(tickets.make_payload(map_id=live.map_id, share_link_id=created.link.id, role="viewer"))


async def count_ops(live) -> int:
    return await sync_to_async(Operation.objects.filter(map_id=live.map_id).count)()


async def hello(ws, client_id: str) -> dict:
    await ws.send(json.dumps({"type": "hello", "client_id": client_id, "last_seq": None}))
    return await next_of(ws, "welcome")


async def still_open(ws) -> None:
    """The socket answers a frame, so it was not closed (a 1011 would raise here)."""
    await ws.send(json.dumps({"type": "resync", "from_seq": 0}))
    while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] not in ("ops", "welcome"):
        pass


# --- item 1: presence and hello ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
async def test_a_lone_surrogate_in_hello_or_presence_is_refused_and_every_newcomer_still_gets_a_welcome(
        live_map, daphne_server):
    first, second = daphne_server.many(2)
    ws = await raw_socket(first, live_map, await sync_to_async(share_viewer_ticket)(live_map))
    try:
        await ws.send('{"type":"hello","client_id":"evil' + SURROGATE + '","last_seq":null}')
        error = await next_of(ws, "error")
        assert (error["code"], error["field"]) == ("invalid", "client_id"), error
        await hello(ws, "c-share")

        await ws.send('{"type":"presence","focus":{"id":"x' + SURROGATE + '"},"cursor":null}')
        error = await next_of(ws, "error")
        assert (error["code"], error["field"]) == ("invalid", "focus.id"), error
        # Presence is flushed to the shared roster every 0.2 s: give it several ticks.
        await asyncio.sleep(1.0)

        for server in (first, second):
            newcomer = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[0]))
            try:
                welcome = await hello(newcomer, f"c-new-{server.port}")
                roster = {entry["client_id"]: entry for entry in welcome["presence"]}
                # (Another process sees the viewer once the roster is flushed to Redis.)
                assert roster.get("c-share", {}).get("focus") is None
                assert not any(key.startswith("evil") for key in roster)
            finally:
                await newcomer.close()
        await still_open(ws)
    finally:
        await ws.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
async def test_a_poisoned_roster_entry_in_the_store_cannot_break_the_welcome(live_map, daphne_server, settings):
    import redis

    from maps.live import presence

    server = daphne_server()
    store = redis.Redis.from_url(settings.REDIS_URL)
    # What an older server stored: ASCII-escaped JSON holding a lone surrogate.
    entry = {"client_id": "evil", "user": {"id": None, "name": "Guest", "team": ""},
             "focus": {"id": "x\ud800"}, "cursor": None, "left": False, "ts": time.time() + 60}
    store.hset(presence.KEY.format(live_map.map_id), mapping={"evil": json.dumps(entry)})
    try:
        ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[0]))
        try:
            welcome = await hello(ws, "c-after")
            assert "evil" not in {e["client_id"] for e in welcome["presence"]}
            assert "c-after" in {e["client_id"] for e in welcome["presence"]}
        finally:
            await ws.close()
    finally:
        store.delete(presence.KEY.format(live_map.map_id))
        store.close()


# --- item 2: surrogates, NUL and control characters ------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
async def test_invalid_text_in_a_push_is_rejected_as_invalid_naming_the_field_and_the_socket_goes_on(
        live_map, daphne_server):
    # A tight bucket: refusals that spent tokens would soon be answered `retry`.
    server = daphne_server(PUSH_RATE_PER_SECOND="0.2", PUSH_BURST="2")
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[0]))
    stage = live_map.stages[0]
    try:
        await hello(ws, "c-hostile")
        before = await count_ops(live_map)
        create = card(live_map)
        cases = {
            # batch_id -> (op as JSON text, the field the refusal names)
            "surrogate-text": (json.dumps(create).replace('"text": "x"', '"text": "x' + SURROGATE + '"'),
                               "ops[0].fields.text"),
            "nul-text": (json.dumps(card(live_map, text="a\x00b")), "ops[0].fields.text"),
            "bell-text": (json.dumps(card(live_map, text="ring \x07")), "ops[0].fields.text"),
            "c1-text": (json.dumps(card(live_map, text="next \x85 line"), ensure_ascii=False), "ops[0].fields.text"),
            "stage-name": (json.dumps({"op": "update", "entity": "stage", "id": stage,
                                       "fields": {"name": "S\ud800"}}), "ops[0].fields.name"),
            "evidence": (json.dumps({"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                                     "fields": {"stage": stage, "lane": live_map.lanes[0], "title": "T",
                                                "evidence": [{"url": "https://a.example/\x00"}]}}),
                         "ops[0].fields.evidence[0].url"),
            "key": (json.dumps({"op": "update", "entity": "stage", "id": stage, "fields": {"na\x01me": "S"}}),
                    "ops[0].fields"),
        }
        for batch_id, (op_text, field) in cases.items():
            await ws.send('{"type":"push","batch_id":"' + batch_id + '","ops":[' + op_text + "]}")
            ack = await next_of(ws, "ack")
            assert (ack["batch_id"], ack["status"]) == (batch_id, "rejected"), ack
            assert (ack["error"]["code"], ack["error"]["field"]) == ("invalid", field), ack

        # A batch_id the client cannot have meant: rejected, echoed as sent, never retried.
        for raw_id, expected in (('nul\\u0000', "nul\x00"), ("sur" + SURROGATE, "sur\ud800")):
            await ws.send('{"type":"push","batch_id":"' + raw_id + '","ops":[' + json.dumps(card(live_map)) + "]}")
            ack = await next_of(ws, "ack")
            assert (ack["batch_id"], ack["status"], ack["error"]["code"], ack["error"]["field"]) == (
                expected, "rejected", "invalid", "batch_id"), ack
        assert await count_ops(live_map) == before

        # The writer task is alive and no token was spent on refusals: the next pushes commit.
        for batch_id in ("good-1", "good-2"):
            await ws.send(json.dumps({"type": "push", "batch_id": batch_id, "ops": [card(live_map)]}))
            ack = await next_of(ws, "ack")
            assert (ack["batch_id"], ack["status"]) == (batch_id, "ok"), ack

        # Other frames: an error frame naming the field, the socket stays.
        await ws.send('{"type":"resync","from_seq":0,"note":"' + SURROGATE + '"}')
        error = await next_of(ws, "error")
        assert (error["code"], error["field"]) == ("invalid", "note"), error
        await still_open(ws)
    finally:
        await ws.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
async def test_a_ticket_that_is_not_plain_text_is_refused_before_it_reaches_redis(live_map, daphne_server):
    import websockets

    server = daphne_server()
    ws = await websockets.connect(f"{server.ws_url}/ws/maps/{live_map.map_id}/?ticket=abc%00def")
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 4401


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def refused(response, field: str) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"], body
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.django_db
def test_invalid_text_in_rest_bodies_is_refused_with_400_naming_the_field(world, owner):
    client = api(owner)
    map_id, card_id = world.ids["map_id"], world.ids["cards"]
    before = Operation.objects.filter(map_id=map_id).count()
    op = {"op": "update", "entity": "card", "id": card_id, "fields": {"text": "x"}}
    surrogate_batch = json.dumps({"batch_id": "b1", "ops": [op]}).replace('"text": "x"', '"text": "x' + SURROGATE + '"')
    refused(client.post(f"/api/v1/maps/{map_id}/operations/", surrogate_batch, content_type="application/json"),
            "ops[0].fields.text")
    refused(client.post(f"/api/v1/maps/{map_id}/operations/", {"batch_id": "b\x00", "ops": [op]}, format="json"),
            "batch_id")
    refused(client.patch(f"/api/v1/maps/{map_id}/cards/{card_id}/", '{"text":"x' + SURROGATE + '"}',
                         content_type="application/json"), "text")
    refused(client.patch(f"/api/v1/maps/{map_id}/cards/{card_id}/", {"text": "a\x00b"}, format="json"), "text")
    refused(client.patch(f"/api/v1/maps/{map_id}/stages/{world.ids['stages']}/", {"name": "tab\tis fine, \x1b is not"},
                         format="json"), "name")
    refused(client.patch(f"/api/v1/maps/{map_id}/touchpoints/{world.ids['touchpoints']}/",
                         '{"evidence":[{"url":"https://a.example/' + SURROGATE + '"}]}',
                         content_type="application/json"),
            "evidence[0].url")
    refused(client.patch(f"/api/v1/workspaces/{world.ids['workspace_id']}/personas/{world.ids['persona_id']}/",
                         '{"quote":"' + SURROGATE + '"}', content_type="application/json"), "quote")
    assert Operation.objects.filter(map_id=map_id).count() == before
    # Tab, newline and CR are text: still accepted.
    response = client.patch(f"/api/v1/maps/{map_id}/cards/{card_id}/", {"text": "one\ttwo\r\nthree"}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_invalid_text_in_query_strings_paths_forms_and_file_names_is_refused(world, owner, media):
    client = api(owner)
    map_id = world.ids["map_id"]
    refused(client.get(f"/api/v1/maps/{map_id}/operations/?since=%00"), "since")
    refused(client.get("/api/v1/maps/?q=%01"), "q")
    response = client.get("/api/v1/maps/%00/")
    assert response.status_code == 404 and response.json()["code"] == "not_found", response.content
    assert client.get("/maps/%01/").status_code == 404
    png = SimpleUploadedFile("face\x07.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    refused(client.put(f"/api/v1/workspaces/{world.ids['workspace_id']}/personas/{world.ids['persona_id']}/avatar/",
                       {"avatar": png}, format="multipart"), "avatar")
    note = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    refused(client.post(f"/api/v1/maps/{map_id}/touchpoints/{world.ids['touchpoints']}/attachments/",
                        {"file": note, "label": "x\x00"}, format="multipart"), "label")
    # A page form: plain 400, nothing processed.
    response = client.post("/accounts/login/", {"username": "a\x01", "password": "x"})
    assert response.status_code == 400
    assert "username" in response.content.decode()


# --- item 3: deep nesting, NaN and Infinity ------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
async def test_json_nested_too_deep_or_with_nan_is_refused_and_the_socket_stays_open(live_map, daphne_server):
    server = daphne_server()
    ws = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[0]))
    try:
        await hello(ws, "c-deep")
        before = await count_ops(live_map)
        await ws.send('{"type":"push","batch_id":"n","ops":' + "[" * 100_000)
        error = await next_of(ws, "error")
        assert error["code"] == "invalid" and "64" in error["message"], error
        # Readable, but 70 levels deep: the push is rejected by its batch_id.
        await ws.send('{"type":"push","batch_id":"deep","ops":' + "[" * 70 + "]" * 70 + "}")
        ack = await next_of(ws, "ack")
        assert (ack["batch_id"], ack["status"], ack["error"]["code"], ack["error"]["field"]) == (
            "deep", "rejected", "invalid", "ops"), ack
        for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
            await ws.send('{"type":"push","batch_id":"num","ops":[{"op":"create","entity":"emotion","id":"'
                          + str(uuid.uuid4()) + '","fields":{"stage":"' + live_map.stages[0] + '","score":'
                          + literal + "}}]}")
            error = await next_of(ws, "error")
            assert error["code"] == "invalid", error
        assert await count_ops(live_map) == before
        await ws.send(json.dumps({"type": "push", "batch_id": "after", "ops": [card(live_map)]}))
        ack = await next_of(ws, "ack")
        assert (ack["batch_id"], ack["status"]) == ("after", "ok"), ack
    finally:
        await ws.close()


@pytest.mark.django_db
def test_json_nested_too_deep_or_with_nan_over_rest_answers_400(world, owner):
    client = api(owner)
    path = f"/api/v1/maps/{world.ids['map_id']}/operations/"
    body = refused(client.post(path, '{"batch_id":"n","ops":' + "[" * 100_000, content_type="application/json"),
                   "non_field_errors")
    assert "64" in body["message"]
    refused(client.post(path, '{"batch_id":"n","ops":' + "[" * 70 + "]" * 70 + "}", content_type="application/json"),
            "ops")
    emotion = world.ids["emotions"]
    for literal in ("NaN", "Infinity", "1e999"):
        refused(client.post(path, '{"batch_id":"n","ops":[{"op":"update","entity":"emotion","id":"' + emotion
                            + '","fields":{"score":' + literal + "}}]}", content_type="application/json"),
                "non_field_errors")


# --- item 7: no existence oracle ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_create_with_a_taken_id_answers_the_same_whether_the_id_is_here_or_in_another_workspace(
        world, owner, outsider):
    from maps.models import Membership
    from maps.services import map_create

    elsewhere = map_create(workspace=Membership.objects.get(user=outsider).workspace, title="Theirs",
                           structure={"stages": [{"name": "S"}], "lanes": [{"title": "L"}]}, actor_user=outsider)
    from maps.selectors import map_document

    doc = map_document(map_id=elsewhere.id)
    foreign_stage = doc["stages"][0]["id"]
    own_stage = world.ids["stages"]
    client = api(owner)
    path = f"/api/v1/maps/{world.ids['map_id']}/operations/"

    def create_stage_with(stage_id: str) -> tuple[int, bytes]:
        response = client.post(path, {"batch_id": "same", "ops": [
            {"op": "create", "entity": "stage", "id": stage_id, "fields": {"name": "Copy"}}]}, format="json")
        return response.status_code, response.content.replace(stage_id.encode(), b"<id>")

    own = create_stage_with(own_stage)
    foreign = create_stage_with(foreign_stage)
    assert own[0] == 400
    assert own == foreign
    assert b"already taken" in own[1]


# --- a page form in a real browser ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
async def test_a_page_form_with_a_pasted_control_character_shows_what_to_do(daphne_server, locale):
    import os

    from tests.conftest import artifact, need_service
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    server = await sync_to_async(daphne_server)()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 760}, locale=locale)
            await page.goto(f"{server.http_url}/accounts/login/")
            # Text pasted from a word processor can carry a vertical tab.
            await page.fill("#id_username", "camille\x0b")
            await page.fill("#id_password", "not-checked")
            async with page.expect_navigation():
                await page.click("main button[type=submit]")
            heading = await page.text_content("h1")
            expected = ("Some characters could not be accepted" if locale.startswith("en")
                        else "Certains caractères n’ont pas pu être acceptés")
            assert heading.strip() == expected
            assert "username" in await page.text_content("main")
            await page.screenshot(path=artifact(f"security/invalid-input-{locale[:2]}.png"))
            await page.click("text=" + ("Go back" if locale.startswith("en") else "Revenir en arrière"))
            await page.wait_for_selector("#id_username")
        finally:
            await browser.close()


# --- a failure inside the server stays with its frame -------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_failure_while_handling_a_frame_is_answered_and_the_socket_and_its_writer_go_on(
        grid, editor, monkeypatch):
    """A fault injected into the handlers (a bug, or a database that refuses a value)
    becomes an ``error`` frame or a ``rejected`` ack, never ``retry``: resending would
    fail the same way. Only a database that is away answers ``retry``."""
    from channels.testing import WebsocketCommunicator
    from django.db import DataError, OperationalError

    from journeymap.asgi import application
    from maps.live import sockets

    ticket = await sync_to_async(tickets.issue)(tickets.make_payload(map_id=grid.map.id, user_id=editor.pk))
    socket = WebsocketCommunicator(application, f"/ws/maps/{grid.map.id}/?ticket={ticket}")
    assert (await socket.connect())[0]

    async def frame_of(kind: str) -> dict:
        while True:
            output = await socket.receive_output(timeout=10)
            assert output["type"] == "websocket.send", output  # not closed
            frame = json.loads(output["text"])
            if frame["type"] == kind:
                return frame

    def push(batch_id: str) -> dict:
        return {"type": "push", "batch_id": batch_id, "ops": [
            {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": batch_id}}]}

    await socket.send_json_to({"type": "hello", "client_id": "c-faults", "last_seq": None})
    await frame_of("welcome")

    def broken_resync(*args, **kwargs):
        raise RuntimeError("a bug in resync")

    monkeypatch.setattr(sockets, "resync", broken_resync)
    await socket.send_json_to({"type": "resync", "from_seq": 0})
    assert (await frame_of("error"))["code"] == "server_error"

    real_push = sockets.push
    for fault, status, code in ((RuntimeError("a bug in the write path"), "rejected", "server_error"),
                                (DataError("value refused"), "rejected", "invalid"),
                                (OperationalError("connection lost"), "retry", "rate_limited")):
        def failing_push(*args, fault=fault, **kwargs):
            raise fault

        monkeypatch.setattr(sockets, "push", failing_push)
        await socket.send_json_to(push(f"fault-{code}"))
        ack = await frame_of("ack")
        assert (ack["batch_id"], ack["status"], ack["error"]["code"]) == (f"fault-{code}", status, code), ack

    # The same writer task commits the next push.
    monkeypatch.setattr(sockets, "push", real_push)
    await socket.send_json_to(push("after-faults"))
    ack = await frame_of("ack")
    assert (ack["batch_id"], ack["status"]) == ("after-faults", "ok"), ack
    await socket.disconnect()
