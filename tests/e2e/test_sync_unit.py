"""The browser sync module (static/js/sync/), tested in a real Chromium.

The JS tests (tests/js/sync/) run in the page with a fake socket and fake timers;
this file serves them beside the static directory, opens the page and fails with
the JS failures.
It also checks that the JS ``applyOps`` and ``maps.document.apply_ops`` rebuild
the same document from the same canonical-op fixtures.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from maps.document import apply_ops
from tests.conftest import need_service
from tests.servers import daphne_server  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
# The modules under test at /static/ as the app serves them; their tests at /tests/,
# kept out of static/ so that collectstatic does not ship them.
MOUNTS = {"/static/": ROOT / "static", "/tests/": ROOT / "tests" / "js"}
FIXTURES = ROOT / "tests" / "js" / "sync" / "fixtures.json"
TESTS_PAGE = "/tests/sync/index.html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".json": "application/json"}

    def translate_path(self, path: str) -> str:
        for prefix, folder in MOUNTS.items():
            if path.startswith(prefix):
                self.directory = str(folder)
                return super().translate_path(path[len(prefix) - 1:])
        return str(ROOT / "nothing-here")  # anything else: 404

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="module")
def static_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def page(static_server: str) -> AsyncIterator[Any]:
    need_service("Chromium", os.path.exists(CHROMIUM), f"install Debian's chromium ({CHROMIUM})")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.errors = errors
            yield page
        finally:
            await browser.close()


async def test_every_browser_unit_test_of_the_sync_module_passes(page: Any, static_server: str) -> None:
    await page.goto(f"{static_server}{TESTS_PAGE}")
    await page.wait_for_function("window.__results && window.__results.done", timeout=60_000)
    results = await page.evaluate("window.__results")
    failures = [r for r in results["results"] if not r["ok"]]
    for failure in failures:
        print(f"FAIL {failure['name']}\n{failure['error']}\n")
    assert not page.errors, page.errors
    assert results["passed"] >= 30, f"only {results['passed']} JS tests ran"
    assert not failures, f"{len(failures)} JS test(s) failed: {[f['name'] for f in failures]}"


async def test_js_apply_ops_rebuilds_the_same_document_as_the_python_one(page: Any, static_server: str) -> None:
    fixtures = json.loads(FIXTURES.read_text())["cases"]
    await page.goto(f"{static_server}{TESTS_PAGE}")
    from_js = await page.evaluate(
        """async () => {
            const { applyOps, cloneDocument } = await import("/static/js/sync/document.js");
            const { cases } = await (await fetch("./fixtures.json")).json();
            return cases.map((fixture) => {
                const doc = cloneDocument(fixture.doc);
                for (const batch of fixture.batches) applyOps(doc, batch.ops, batch.seq);
                return doc;
            });
        }"""
    )
    assert len(from_js) == len(fixtures) >= 4
    for fixture, js_doc in zip(fixtures, from_js, strict=True):
        doc = copy.deepcopy(fixture["doc"])
        for batch in fixture["batches"]:
            apply_ops(doc, batch["ops"], batch["seq"])
        assert js_doc == doc, fixture["name"]


@pytest.mark.django_db(transaction=True)
async def test_two_browser_clients_on_a_real_server_converge(
    page: Any, static_server: str, grid: Any, owner: Any, require_redis: None,
    daphne_server: Any,  # noqa: F811 - the fixture imported above
) -> None:
    """The module against the real consumer: one client's edit reaches the other,
    both settle at the same seq and the same cards, and the write is in the database."""
    from django.db import connections

    from maps.live import tickets
    from maps.models import Card

    # The test page comes from another port than daphne: a foreign Origin, which the
    # socket refuses unless it is trusted, as a deployment would list it.
    server = await asyncio.to_thread(daphne_server, CSRF_TRUSTED_ORIGINS=static_server)
    map_id = str(grid.map.id)

    def new_ticket() -> str:
        return tickets.issue(tickets.make_payload(map_id=map_id, user_id=owner.pk, role="owner"))

    await page.expose_function("newTicket", new_ticket)
    await page.goto(f"{static_server}{TESTS_PAGE}")
    outcome = await page.evaluate(
        """async ({ url, stage, lane }) => {
            const { MapSync } = await import("/static/js/sync/index.js");
            const open = () => {
                const sync = new MapSync({ url, getTicket: () => window.newTicket() });
                sync.start();
                return sync;
            };
            const until = (check, what) => new Promise((resolve, reject) => {
                const started = Date.now();
                const poll = () => check() ? resolve() : Date.now() - started > 15000
                    ? reject(new Error("timed out waiting for " + what)) : setTimeout(poll, 20);
                poll();
            });
            const a = open(), b = open();
            await until(() => a.status === "online" && b.status === "online", "both online");
            const remote = [];
            b.on("remote", (e) => remote.push(e.seq));
            const id = crypto.randomUUID();
            a.push([{ op: "create", entity: "card", id, fields: { stage, lane, text: "from A" } }]);
            const shownAtOnce = a.doc.cards.some((c) => c.id === id);
            await until(() => b.doc.cards.some((c) => c.id === id) && a.pendingCount === 0, "the card on B");
            const rejected = [];
            a.on("rejected", (e) => rejected.push(e.error.code));
            a.push([{ op: "update", entity: "card", id: crypto.randomUUID(), fields: { text: "nobody" } }]);
            await until(() => rejected.length === 1 && a.pendingCount === 0, "the rejection");
            const result = {
                shownAtOnce, rejected, remote,
                seqs: [a.lastSeq, b.lastSeq],
                cardsA: a.doc.cards.map((c) => [c.id, c.text, c.position]),
                cardsB: b.doc.cards.map((c) => [c.id, c.text, c.position]),
                id,
            };
            a.close(); b.close();
            return result;
        }""",
        {"url": f"{server.ws_url}/ws/maps/{map_id}/", "stage": grid.stages[0], "lane": grid.lanes[0]},
    )
    assert outcome["shownAtOnce"]
    assert outcome["rejected"] == ["not_found"]
    assert outcome["seqs"][0] == outcome["seqs"][1]
    assert outcome["remote"] == [outcome["seqs"][0]]
    assert outcome["cardsA"] == outcome["cardsB"]
    def stored() -> tuple[str, str]:
        try:
            card = Card.objects.get(id=outcome["id"])
            return card.text, card.position
        finally:
            connections.close_all()  # this worker thread's own connection

    text, position = await asyncio.to_thread(stored)
    assert text == "from A"
    assert outcome["cardsA"] == [[outcome["id"], "from A", position]]
