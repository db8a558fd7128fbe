"""Property-based fuzzing of every input boundary (Hypothesis), bounded for CI.

- ``journeymap.strict`` itself: no false refusal of valid JSON, no invalid text or
  over-deep JSON let through, nothing raised but ``InvalidInput``.
- The map socket on a real daphne process: generated frames of every type (lone
  surrogates, NUL, controls, huge and negative numbers, NaN, wrong types, deep
  nesting, broken JSON, binary) sent as an editor, a viewer and a share viewer.
  No socket is closed, nothing answers ``server_error``, the same socket still
  acks the next valid push and a newcomer connects and sees the edit.
- Every REST write of the OpenAPI schema: generated hostile bodies (JSON and
  form-encoded). Never a 5xx; every refusal is the API's JSON error.

Generation is derandomised (the same examples on every run) and keeps no
example database, so CI runs are repeatable and stay within a few dozen seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from asgiref.sync import sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from journeymap import strict
from maps.live import tickets
from tests import servers
from tests.realtime import conftest as realtime
from tests.realtime.test_bad_input import card, fresh_ticket, next_of, raw_socket

# The socket fixtures of tests/realtime: a map on real daphne processes with Redis.
live_map = realtime.live_map
services = realtime.services
close_worker_connections = realtime.close_worker_connections
daphne_server = servers.daphne_server

BOUNDED = settings(derandomize=True, database=None, deadline=None,
                   suppress_health_check=list(HealthCheck))


def bounded(examples: int) -> settings:
    return settings(BOUNDED, max_examples=examples)

# --- what hostile input is made of ----------------------------------------------------------

HOSTILE_CHARS = ["\ud800", "\udfff", "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff",
                 "\t", "\n", "\r", "é", "😀", "<script>", "'", '"', "\\", "%00", "{{", "[[["]
# Text every boundary must refuse.
BAD_STRINGS = ["x\ud800", "\udfff", "a\x00b", "ring \x07", "esc \x1b", "del \x7f", "next \x85"]
hostile_text = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(HOSTILE_CHARS)), max_size=6).map("".join)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, hostile_text)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(hostile_text, children, max_size=4)),
    max_leaves=12,
)
# Spliced into the serialised frame in place of these markers (json.dumps cannot
# write them): nesting deeper than any limit, and numbers too long to read.
DEEP = "@@deep@@"
RAW_LITERALS = {DEEP: None, "@@huge@@": "1" * 5000, "@@big-float@@": "1e999", "@@nan@@": "NaN",
                "@@neg-inf@@": "-Infinity"}
raw_markers = st.sampled_from(sorted(RAW_LITERALS))


def values_for(ids: list[str]) -> st.SearchStrategy:
    """Any value, though more often a plausible one (a real id of the map, plain
    text, a small number) so that ops get past the first checks to the deeper ones."""
    return st.one_of(plausible(ids), plausible(ids), json_values, raw_markers)


def plausible(ids: list[str]) -> st.SearchStrategy:
    """Valid JSON of acceptable text, right or wrong for its place: these frames
    get past the strict reading to the validators and the database."""
    plain = st.one_of(st.sampled_from(ids), st.text("abc XYZ é\n", max_size=12), st.integers(-3, 3),
                      st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.none(),
                      st.sampled_from(["#1a2b3c", "a0", "https://example.com/x", "", "x" * 300]))
    return st.recursive(plain, lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text("abcxyz", max_size=6), c, max_size=3)), max_leaves=6)


def typed_ops(stages: list[str], lanes: list[str], cards: list[str]) -> st.SearchStrategy:
    """Ops of the right shape whose values are generated: they reach the write
    transaction and PostgreSQL, where a value the checks missed would fail."""
    text = st.one_of(st.text(max_size=40), hostile_text)
    new_id = st.uuids().map(str)
    stage, lane, card_id = st.sampled_from(stages), st.sampled_from(lanes), st.sampled_from(cards)

    def op(kind: str, entity: str, item: Any, fields: dict, **extra: Any) -> dict:
        return {"op": kind, "entity": entity, "id": item, "fields": fields, **extra}

    return st.one_of(
        st.builds(lambda i, s, ln, t: op("create", "card", i, {"stage": s, "lane": ln, "text": t}),
                  new_id, stage, lane, text),
        st.builds(lambda c, t: op("update", "card", c, {"text": t}), card_id, text),
        st.builds(lambda s, t: op("update", "stage", s, {"name": t}), stage, text),
        st.builds(lambda c, s, v: op("move", "card", c, {"stage": s}, if_version=v), card_id, stage, numbers),
        st.builds(lambda i, s, v: op("create", "emotion", i, {"stage": s, "score": v}), new_id, stage, numbers),
        st.builds(lambda i, s, ln, t: op("create", "touchpoint", i, {"stage": s, "lane": ln, "title": "T",
                                                                     "evidence": [{"url": "https://x.example/" + t}]}),
                  new_id, stage, lane, text),
        st.builds(lambda c, p: op("move", "card", c, {"position": p}), card_id, text),
        st.builds(lambda c, v: op("delete", "card", c, {}, if_version=v), card_id, numbers),
        st.builds(lambda c: op("restore", "card", c, {}), card_id),
    )


def frames(ids: list[str], stages: list[str], lanes: list[str], cards: list[str]) -> list[tuple[Any, int, int]]:
    """(frame, depth of any deep nesting in it, how to mangle it): pushes of the
    right shape, frames of valid JSON, and frames of anything, in a fixed mix
    (Hypothesis alone would favour some kinds), shuffled the same way every run."""
    typed_push = st.fixed_dictionaries({
        "type": st.just("push"), "batch_id": st.one_of(st.uuids().map(str), hostile_text),
        "ops": st.lists(typed_ops(stages, lanes, cards), min_size=1, max_size=3)})
    depth = st.integers(60, 100_000)
    examples = [(frame, 0, 0) for frame in generated(typed_push, 60)]
    examples += [(frame, 0, 0) for frame in generated(frames_of(plausible(ids), ids), 40)]
    examples += generated(st.tuples(frames_of(values_for(ids), ids), depth, st.sampled_from([0] * 7 + [1, 2, 3])),
                          60)
    random.Random(12).shuffle(examples)
    return examples


def frames_of(value: st.SearchStrategy, ids: list[str]) -> st.SearchStrategy:
    fields = st.dictionaries(
        st.one_of(st.sampled_from(["text", "name", "title", "stage", "lane", "after", "before", "position",
                                   "color", "team", "score", "note", "evidence", "attachments", "persona",
                                   "goal", "nps", "channel", "kind", "priority"]), hostile_text),
        value, max_size=4)
    op = st.fixed_dictionaries(
        {"op": st.one_of(st.sampled_from(["create", "update", "move", "delete", "restore"]), value),
         "entity": st.one_of(st.sampled_from(["card", "stage", "lane", "phase", "touchpoint", "moment",
                                              "emotion", "persona_link", "map"]), value),
         "id": st.one_of(st.sampled_from(ids), st.just(str(uuid.uuid4())), value)},
        optional={"fields": st.one_of(fields, fields, value), "if_version": value})
    batch_id = st.one_of(st.text("abc-:0123", min_size=1, max_size=20), hostile_text, value)
    push = st.fixed_dictionaries({"type": st.just("push"), "batch_id": batch_id,
                                  "ops": st.one_of(st.lists(op, min_size=1, max_size=3), value)})
    return st.one_of(
        push, push, push,
        st.fixed_dictionaries({"type": st.just("presence"), "focus": value, "cursor": value}),
        st.fixed_dictionaries({"type": st.just("hello"), "client_id": st.one_of(hostile_text, value),
                               "last_seq": value}),
        st.fixed_dictionaries({"type": st.just("resync"), "from_seq": value}),
        st.fixed_dictionaries({"type": value}, optional={"ops": value}),
        value,
    )


def serialise(value: Any, depth: int) -> str:
    text = json.dumps(value)  # ASCII, lone surrogates as escapes, NaN as NaN
    for marker, literal in RAW_LITERALS.items():
        text = text.replace(json.dumps(marker), literal if literal is not None else "[" * depth + "]" * depth)
    return text


def mangle(text: str, how: int) -> str | bytes:
    """Most frames go as generated; some are cut, some sent as binary or bad UTF-8."""
    if how == 1:
        return text[: len(text) // 2]
    if how == 2:
        return text.encode()
    if how == 3:
        return b"\xff\xfe" + text.encode()
    return text


def generated(strategy: st.SearchStrategy, count: int) -> list[Any]:
    """``count`` examples of ``strategy``, the same on every run."""
    examples: list[Any] = []

    @bounded(count)
    @given(strategy)
    def collect(example: Any) -> None:
        examples.append(example)

    collect()
    return examples


# --- the strict decoder ------------------------------------------------------------------------


def depth_of(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def has_bad_text(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if strict.bad_text(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
            if any(strict.bad_text(key) for key in item):
                return True
        elif isinstance(item, list):
            stack.extend(item)
    return False


@bounded(250)
@given(value=st.one_of(json_values, st.integers(60, 70).map(lambda n: json.loads("[" * n + "]" * n))),
       ascii_only=st.booleans())
def test_the_strict_decoder_refuses_exactly_invalid_text_and_over_deep_json(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    if not ascii_only:
        try:
            text.encode()
        except UnicodeEncodeError:
            return  # a lone surrogate cannot travel as UTF-8 text; its escaped form is tested
    # What any JSON reader makes of the text (an escaped high and low surrogate,
    # for one, read as one valid character).
    expected = json.loads(text)
    finite = "NaN" not in text and "Infinity" not in text
    acceptable = finite and not has_bad_text(expected) and depth_of(expected) <= strict.MAX_DEPTH
    try:
        parsed = strict.loads(text)
    except strict.InvalidInput:
        assert not acceptable, text[:200]
        return
    assert acceptable, text[:200]
    assert parsed == expected


@bounded(300)
@given(st.one_of(st.text(), st.binary(), st.lists(st.sampled_from(['{"a":', "[", "]", "{", "}", '"\\u', "d800",
                                                                    '"', ",", "1e999", "NaN", "\\"]), max_size=30)
                 .map("".join)))
def test_the_strict_decoder_raises_nothing_but_invalid_input(data):
    with contextlib.suppress(strict.InvalidInput):
        strict.loads(data)


# --- the socket ----------------------------------------------------------------------------------


class Watched:
    """A raw socket whose frames are read as they come, so nothing backs up."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: list[dict] = []
        self.closed: int | None = None
        self.reader = asyncio.ensure_future(self.read())

    async def read(self) -> None:
        import websockets

        try:
            async for message in self.ws:
                self.frames.append(json.loads(message))
        except websockets.ConnectionClosed as closed:
            self.closed = closed.rcvd.code if closed.rcvd else -1
        else:
            self.closed = self.ws.close_code or -1

    async def wait_for(self, test, timeout: float = 20) -> dict:
        deadline = asyncio.get_running_loop().time() + timeout
        seen = 0
        while asyncio.get_running_loop().time() < deadline:
            for frame in self.frames[seen:]:
                if test(frame):
                    return frame
            seen = len(self.frames)
            assert self.closed is None, f"the socket was closed with {self.closed}"
            await asyncio.sleep(0.02)
        raise AssertionError(f"no such frame within {timeout} s; last frames {self.frames[-3:]}")

    def server_errors(self) -> list[dict]:
        return [f for f in self.frames if isinstance(f, dict) and (
            f.get("code") == "server_error" or (f.get("type") == "ack" and (f.get("error") or {}).get("code")
                                                 == "server_error"))]


def share_ticket(live) -> str:
    from maps.models import JourneyMap
    from sharing import links as sharing

    created = sharing.share_link_create(map=JourneyMap.objects.get(id=live.map_id), created_by=live.owner,
                                        label="Fuzz")
    return tickets.issue(tickets.make_payload(map_id=live.map_id, share_link_id=created.link.id, role="viewer"))


def map_ids(live) -> list[str]:
    from maps.selectors import map_document

    doc = map_document(map_id=live.map_id)
    return [live.map_id, *live.stages, *live.lanes, *(c["id"] for c in doc["cards"])]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("services")
@pytest.mark.timeout(240)
async def test_generated_frames_never_break_a_socket_or_anyone_elses(live_map, daphne_server):
    # A generous bucket: generated pushes should meet the validators, not the limiter.
    server = daphne_server(PUSH_RATE_PER_SECOND="1000", PUSH_BURST="1000")
    seed = card(live_map)
    status, _ = await asyncio.to_thread(realtime.rest, server, "POST", f"/api/v1/maps/{live_map.map_id}/operations/",
                                        live_map.token(live_map.owner), {"batch_id": "seed", "ops": [seed]})
    assert status == 200
    ids = await sync_to_async(map_ids)(live_map)
    cards = [seed["id"]]
    examples = frames(ids, live_map.stages, live_map.lanes, cards)
    roles = {
        "editor": await fresh_ticket(server, live_map, live_map.editors[0]),
        "viewer": await fresh_ticket(server, live_map, live_map.viewer),
        "share viewer": await sync_to_async(share_ticket)(live_map),
    }
    sockets = {role: Watched(await raw_socket(server, live_map, ticket)) for role, ticket in roles.items()}
    try:
        for index, watched in enumerate(sockets.values()):
            mine = examples[index::3]
            # A few before hello (a generated hello may even be accepted), the rest after.
            for frame, depth, how in mine[:5]:
                await watched.ws.send(mangle(serialise(frame, depth), how))
            await watched.ws.send(json.dumps({"type": "hello", "client_id": f"c-fuzz-{index}", "last_seq": None}))
            await watched.wait_for(lambda f: f.get("type") == "welcome"
                                   or (f.get("type") == "error" and "hello" in f.get("message", "")))
            for frame, depth, how in mine[5:]:
                await watched.ws.send(mangle(serialise(frame, depth), how))

        # The editor's socket still commits; viewers are still refused as viewers.
        good = card(live_map, text="after the fuzz")
        editor = sockets["editor"]
        await editor.ws.send(json.dumps({"type": "push", "batch_id": "fuzz-good", "ops": [good]}))
        ack = await editor.wait_for(lambda f: f.get("type") == "ack" and f.get("batch_id") == "fuzz-good", 60)
        assert ack["status"] == "ok", ack
        for role in ("viewer", "share viewer"):
            await sockets[role].ws.send(json.dumps({"type": "push", "batch_id": "fuzz-ro", "ops": [card(live_map)]}))
            ack = await sockets[role].wait_for(lambda f: f.get("type") == "ack" and f.get("batch_id") == "fuzz-ro")
            assert ack["error"]["code"] == "forbidden", ack

        # A newcomer connects, gets its welcome and sees the next edit live.
        newcomer = await raw_socket(server, live_map, await fresh_ticket(server, live_map, live_map.editors[1]))
        try:
            await newcomer.send(json.dumps({"type": "hello", "client_id": "c-newcomer", "last_seq": None}))
            welcome = await next_of(newcomer, "welcome", timeout=20)
            assert good["id"] in {c["id"] for c in welcome["snapshot"]["cards"]}
            await editor.ws.send(json.dumps({"type": "push", "batch_id": "seen", "ops": [card(live_map)]}))
            while (frame := await next_of(newcomer, "ops", timeout=20))["batch_id"] != "seen":
                pass
        finally:
            await newcomer.close()

        for role, watched in sockets.items():
            assert watched.closed is None, f"{role}: closed with {watched.closed}"
            assert not watched.server_errors(), (role, watched.server_errors()[:3])
        # Nothing failed inside the server either, not even quietly in a log.
        assert "Traceback" not in server.log.read_text(errors="replace"), server.tail(60)
    finally:
        for watched in sockets.values():
            watched.reader.cancel()
            await watched.ws.close()


# --- every REST write ----------------------------------------------------------------------------

# Exports are left out: an accepted body starts a PDF render (tests/exports cover them).
SKIPPED_WRITES = ("/exports/",)


def write_operations() -> list[tuple[str, str, list[str]]]:
    """(method, path template, body property names) of every write in the schema."""
    from django.test import Client

    schema = json.loads(Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").content)
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch") or any(s in path for s in SKIPPED_WRITES):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = next(iter(content.values()), {}).get("schema", {})
            ref = body.get("$ref", "").rsplit("/", 1)[-1]
            properties = sorted(components.get(ref, {}).get("properties", {}))
            found.append((method, path, properties))
    return found


def fill(path: str, ids: dict[str, str]) -> str:
    parts = path.strip("/").split("/")
    out = []
    for i, part in enumerate(parts):
        if part.startswith("{"):
            name = part.strip("{}")
            key = {"map_id": "map_id", "workspace_id": "workspace_id", "persona_id": "persona_id",
                   "team_id": "team_id", "channel_id": "channel_id", "member_id": "member_id",
                   "link_id": "link_id", "touchpoint_id": "touchpoints"}.get(name, parts[i - 1])
            part = ids.get(key, str(uuid.uuid4()))
        out.append(part)
    return "/" + "/".join(out) + "/"


@pytest.mark.django_db
@pytest.mark.timeout(240)
def test_generated_bodies_to_every_rest_write_never_answer_5xx(world, owner, media):
    operations = write_operations()
    assert len(operations) >= 30, operations  # the schema's writes, not a handful
    ids = list(world.ids.values())
    client = APIClient()
    client.force_authenticate(owner)
    grid = world.grid
    for method, path, properties in operations:
        names = st.sampled_from(properties) if properties else hostile_text
        general = st.one_of(st.dictionaries(st.one_of(names, hostile_text), values_for(ids), max_size=4),
                            values_for(ids))
        # The right field names with text that must be refused: what used to reach
        # the serializers and PostgreSQL.
        named = st.dictionaries(names, st.sampled_from(BAD_STRINGS), min_size=1, max_size=2)
        examples = [(body, 0, as_form) for body, as_form in generated(st.tuples(named, st.booleans()), 6)]
        examples += generated(st.tuples(general, st.integers(60, 100_000), st.booleans()), 12)
        if path.endswith("/operations/"):
            examples += [(body, 0, False) for body in generated(st.fixed_dictionaries({
                "batch_id": st.one_of(st.uuids().map(str), hostile_text),
                "ops": st.lists(typed_ops(grid.stages, grid.lanes, [world.ids["cards"]]), min_size=1, max_size=3)}),
                20)]
        url = fill(path, world.ids)
        for body, depth, as_form in examples:
            if as_form and isinstance(body, dict):
                flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
                data = urlencode({k.encode("utf-8", "surrogatepass"): v.encode("utf-8", "surrogatepass")
                                  for k, v in flat.items()})
                response = client.generic(method.upper(), url, data, content_type="application/x-www-form-urlencoded")
            else:
                response = client.generic(method.upper(), url, serialise(body, depth).encode(),
                                          content_type="application/json")
            assert response.status_code < 500, (method, url, body, response.status_code, response.content[:300])
            if response.status_code >= 400:
                error = response.json()
                if error.get("type") == "ack":  # POST .../operations/ answers with the socket's ack
                    error = error["error"]
                    assert {"code", "message", "field"} <= set(error), (method, url, error)
                else:
                    assert {"code", "message", "fields"} <= set(error), (method, url, error)
