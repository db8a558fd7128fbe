"""The share page is a viewer's view: no editing hints, a touchpoint set out to be
read in the side panel, and the team's names only when the link shows them.

People: the owner (Ana Lopez, Support) works in the editor with a touchpoint's
panel open; a visitor (no account) opens a share link in another browser.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor

pytestmark = pytest.mark.django_db(transaction=True)

TP = "7d1e4b2a-5c3f-4e8d-9a6b-0c1d2e3f4a5b"


def seed(workshop: Any, show_presence: bool) -> tuple[Any, str]:
    """A map with a fully described touchpoint, and a share link to it."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from sharing import links as sharing
    from touchpoints.models import Channel

    journey_map = make_map(workshop, title="Online order")
    doc = map_document(map_id=journey_map.id)
    lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints")
    website = str(Channel.objects.get(workspace=None, key="website").id)
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id), batch_id="seed-tp",
                ops=[{"op": "create", "entity": "touchpoint", "id": TP, "fields": {
                    "stage": doc["stages"][1]["id"], "lane": lane, "title": "Compare page", "channel": website,
                    "evaluation": "irritant", "csat": 62, "nps": -12, "volume_share": 35,
                    "owner_team": str(workshop.support.id),
                    "description": "Plans are hard to compare: prices shown per month on one page, per year on another.",
                    "evidence": [{"url": "https://research.example.com/study-12", "label": "Usability study, March"}],
                }}])
    assert ack.status == "ok", ack.error
    created = sharing.share_link_create(map=journey_map, created_by=workshop.owner, label="Workshop with Sales",
                                        show_presence=show_presence)
    return journey_map, created.path


async def visitor_page(browser: Any, url: str) -> tuple[Any, list[str]]:
    """The share page in a fresh context; returns it and every socket frame it receives."""
    context = await browser.new_context(viewport={"width": 1400, "height": 860}, locale="en-GB")
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    await page.goto(url)
    await until(page, "window.journeymapSync && window.journeymapSync.status === 'online'")
    return page, frames


async def until(page: Any, expression: str, timeout: float = 15) -> None:
    # Polled from here: the page's CSP forbids the eval that wait_for_function uses.
    started = time.monotonic()
    while not await page.evaluate(f"() => Boolean({expression})"):
        assert time.monotonic() - started < timeout, expression
        await asyncio.sleep(0.1)


async def staff_at_work(browser: Any, workshop: Any, journey_map: Any) -> Any:
    """Ana in the editor with the touchpoint's panel open (presence: her focus)."""
    ana = await sign_in(browser, workshop.url, "ana")
    await open_editor(ana, workshop.url, journey_map.id)
    await ana.locator(f".item[data-id='{TP}']").click()
    await ana.locator("#side-panel input[name=title]").wait_for()
    return ana


async def test_a_share_visitor_reads_a_touchpoint_and_sees_no_staff_names_by_default(browser, workshop) -> None:
    journey_map, path = await sync_to_async(seed)(workshop, False)
    ana = await staff_at_work(browser, workshop, journey_map)
    visitor, frames = await visitor_page(browser, f"{workshop.url}{path}")

    # No editing hints for someone who cannot edit.
    text = await visitor.locator("body").inner_text()
    assert "Enter adds or edits" not in text and "editing is for editors" not in text
    assert "Shared view, read-only" in text

    # The touchpoint opens to be read: its facts, no form.
    await visitor.locator(f".item[data-id='{TP}']").click()
    panel = visitor.locator("#side-panel")
    await panel.locator(".read-title").wait_for()
    assert await panel.locator(".read-title").text_content() == "Compare page"
    assert await panel.locator("input, textarea, select, button:disabled").count() == 0
    assert await panel.locator(".panel-metrics").count() == 0  # metric series are for members
    facts = await panel.locator(".read-facts").inner_text()
    for expected in ("Website", "Support", "35 %", "62 %", "-12"):
        assert expected in facts, facts
    assert "Irritant" in await panel.locator(".read-evaluation").inner_text()
    assert "Plans are hard to compare" in await panel.inner_text()
    link = panel.locator("a[href='https://research.example.com/study-12']")
    assert await link.text_content() == "Usability study, March"

    # Ana edits the touchpoint: the visitor's panel follows, and never learns who did it.
    await ana.locator("#side-panel input[name=title]").fill("Plan comparison page")
    await ana.locator("#side-panel input[name=title]").press("Enter")
    await until(visitor, "document.querySelector('#side-panel .read-title').textContent === 'Plan comparison page'")
    await visitor.screenshot(path=artifact("sharing/share-view-read-panel.png"))

    # Nobody of the team shows, in the page or in any frame it received.
    assert await visitor.locator("#presence, .presence-avatar").count() == 0
    await asyncio.sleep(0.6)  # a presence tick or two
    received = [json.loads(frame) for frame in frames]
    assert not [f for f in received if f.get("type") == "presence"]
    assert all(not f.get("presence") for f in received if f.get("type") == "welcome")
    assert "Ana" not in "".join(frames) and "Lopez" not in "".join(frames)
    assert visitor.errors == [] and ana.errors == []


async def test_a_link_that_shows_the_team_shows_who_is_on_the_map(browser, workshop) -> None:
    journey_map, path = await sync_to_async(seed)(workshop, True)
    ana = await staff_at_work(browser, workshop, journey_map)
    visitor, _ = await visitor_page(browser, f"{workshop.url}{path}")
    avatar = visitor.locator("#presence .presence-avatar")
    await avatar.first.wait_for(timeout=10_000)
    assert await avatar.first.get_attribute("title") == "Ana Lopez · Support"
    await visitor.screenshot(path=artifact("sharing/share-view-with-presence.png"))
    assert visitor.errors == [] and ana.errors == []


async def test_a_share_visitor_switches_the_page_to_french(browser, workshop) -> None:
    journey_map, path = await sync_to_async(seed)(workshop, False)
    visitor, _ = await visitor_page(browser, f"{workshop.url}{path}")
    async with visitor.expect_navigation():
        await visitor.select_option("#lang-select", "fr")
    assert "Vue partagée, en lecture seule" in await visitor.locator("body").inner_text()
    await until(visitor, "window.journeymapSync && window.journeymapSync.status === 'online'")
    await visitor.screenshot(path=artifact("sharing/share-view-fr.png"))
