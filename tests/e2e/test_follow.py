"""Follow me and present mode in a workshop session, with three browsers against a
real daphne: the facilitator (Ana, owner), a participant (Ben, editor) and a visitor
on a share link. Positions are checked as stages and lanes in view, never pixels.

People: see tests/e2e/conftest.py; Cleo belongs to another workspace only.
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
from tests.e2e.test_editor import open_editor
from tests.e2e.test_present import stage_names
from tests.e2e.test_share_view import until
from tests.e2e.test_whole_map import VIEWPORT, readable_map

pytestmark = pytest.mark.django_db(transaction=True)

# Which stage is at the left edge of the board's visible area (right of the sticky
# lane headers): the first whose header is at least half in view; and whether a
# stage's header is wholly in view.
AT_LEFT = """() => {
  const scroller = document.getElementById('board-scroller');
  const box = scroller.getBoundingClientRect();
  const left = box.left + document.querySelector('.corner').getBoundingClientRect().width;
  const header = [...document.querySelectorAll('.stage-header')].find((h) => {
    const r = h.getBoundingClientRect();
    return r.left + r.width / 2 >= left;
  });
  return header ? header.querySelector('.stage-name').textContent : null;
}"""
IN_VIEW = """(name) => {
  const scroller = document.getElementById('board-scroller');
  const box = scroller.getBoundingClientRect();
  const left = box.left + document.querySelector('.corner').getBoundingClientRect().width;
  const header = [...document.querySelectorAll('.stage-header')].find((h) => h.querySelector('.stage-name').textContent === name);
  const r = header.getBoundingClientRect();
  return r.left >= left - 2 && r.right <= box.right + 2 && r.top >= box.top - 2 && r.bottom <= box.bottom;
}"""
PILL = "document.querySelector('.follow-pill')"
# The stage shown in present mode, or null when it is closed.
PRESENTED = """() => { const root = document.querySelector('.present');
  return root && !root.hidden ? root.querySelector('.ps-stage-name').textContent : null; }"""


async def pill(page: Any) -> dict[str, Any]:
    return await page.evaluate(f"""() => {{ const p = {PILL};
      return p ? {{ hidden: p.hidden, state: p.dataset.state, text: p.querySelector('.follow-text').textContent,
                   button: p.querySelector('.follow-button').textContent }} : null; }}""")


async def eventually_equal(page: Any, expression: str, expected: Any, timeout: float = 10, arg: Any = None) -> None:
    started = time.monotonic()
    while True:
        value = await page.evaluate(expression, arg)
        if value == expected:
            return
        assert time.monotonic() - started < timeout, f"{expression}: {value!r} != {expected!r}"
        await asyncio.sleep(0.1)


async def scroll_to_stage(page: Any, name: str) -> None:
    """The facilitator brings a stage to the left edge, as a drag of the scroll bar would."""
    await page.evaluate("""(name) => {
      const scroller = document.getElementById('board-scroller');
      const header = [...document.querySelectorAll('.stage-header')].find((h) => h.querySelector('.stage-name').textContent === name);
      const corner = document.querySelector('.corner').getBoundingClientRect().width;
      scroller.scrollBy({ left: header.getBoundingClientRect().left - scroller.getBoundingClientRect().left - corner });
    }""", name)


async def present_stage(page: Any) -> str | None:
    return await page.evaluate(PRESENTED)


async def french_visitor(browser: Any, url: str) -> Any:
    """The share page in a fresh context whose browser prefers French."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    await page.goto(url)
    await until(page, "window.journeymapSync && window.journeymapSync.status === 'online'")
    return page


def share_link(workshop: Any, journey_map: Any) -> str:
    from sharing import links as sharing

    return sharing.share_link_create(map=journey_map, created_by=workshop.owner, label="Room screen").path


def outsider() -> None:
    from tests.factories import UserFactory
    from workspaces.services import workspace_create

    cleo = UserFactory(username="cleo", first_name="Cleo", last_name="Durand")
    workspace_create(name="Other Co", owner=cleo)


async def test_participants_and_share_viewers_follow_the_facilitator_and_her_presentation(browser, workshop) -> None:
    journey_map, _ = await sync_to_async(readable_map)(workshop)
    from maps.selectors import map_document

    names = stage_names(await sync_to_async(map_document)(map_id=journey_map.id))
    path = await sync_to_async(share_link)(workshop, journey_map)
    await sync_to_async(outsider)()
    ana = await sign_in(browser, workshop.url, "ana", viewport=VIEWPORT)
    ben = await sign_in(browser, workshop.url, "ben", viewport={"width": 1200, "height": 800})  # another screen
    sent: list[tuple[float, dict[str, Any]]] = []  # what Ana's page sends, with when
    ana.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append((time.monotonic(), json.loads(payload)))))
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    visitor = await french_visitor(browser, f"{workshop.url}{path}")

    # Ana starts a session and turns "Follow me" on; nobody else gets the toggle.
    await ana.click("#workshop-button")
    await ana.click(".ws-start")
    await ana.locator("#follow-toggle").wait_for()
    await ana.keyboard.press("Escape")  # the Workshop menu closes
    assert await ben.locator("#follow-toggle").is_hidden()
    await ana.click("#follow-toggle")
    assert await ana.locator("#follow-toggle").get_attribute("aria-pressed") == "true"
    await until(ben, f"{PILL} && !{PILL}.hidden")
    assert await pill(ben) == {"hidden": False, "state": "following", "text": "Following Ana Lopez", "button": "Stop"}
    assert (await pill(ana))["hidden"]  # the facilitator follows nobody
    await ana.screenshot(path=artifact("present/facilitator-follow-me-en.png"), clip={"x": 0, "y": 0, "width": 1440, "height": 240})

    # Ana scrolls to stage 5: Ben's board shows stage 5 at its left edge, in full.
    await scroll_to_stage(ana, names[4])
    await eventually_equal(ben, AT_LEFT, names[4])
    assert await ben.evaluate(IN_VIEW, names[4])
    await until(visitor, f"{PILL} && !{PILL}.hidden")
    assert (await pill(visitor))["text"] == "Vous suivez Ana Lopez"
    await eventually_equal(visitor, AT_LEFT, names[4])
    await ben.screenshot(path=artifact("present/following-en.png"))

    # Ben scrolls away by himself: he stops following; Ana moves on without him.
    await ben.mouse.move(700, 500)
    await ben.mouse.wheel(-900, 0)
    await eventually_equal(ben, f"{PILL}.dataset.state", "paused")
    state = await pill(ben)
    assert "Following" not in state["text"] and state["button"] == "Follow again"
    assert state["text"] == "Ana Lopez is leading"
    await ben.screenshot(path=artifact("present/follow-paused-en.png"))
    await scroll_to_stage(ana, names[5])
    assert await ana.evaluate(AT_LEFT) == names[5]
    await eventually_equal(visitor, AT_LEFT, names[5])
    assert await ben.evaluate(AT_LEFT) not in (names[4], names[5])
    # "Follow again" takes him where Ana is now.
    await ben.click(".follow-pill .follow-button")
    await eventually_equal(ben, AT_LEFT, names[5])
    assert (await pill(ben))["state"] == "following"

    # Ana scrolls back and forth over a stage boundary for a second (her view changes
    # 25 times; slower when the machine is busy): at most 5 views a second leave her
    # page, and Ben ends where she stops.
    started = time.monotonic()
    for step in range(25):
        await ana.evaluate("(dx) => document.getElementById('board-scroller').scrollBy({ left: dx })",
                           -260 if step % 2 == 0 else 260)
        await asyncio.sleep(0.04)
    elapsed = time.monotonic() - started + 0.3  # the last view may leave up to 200 ms later
    await asyncio.sleep(0.3)
    views = [at for at, frame in sent if frame.get("action") == "view" and at >= started]
    assert 3 <= len(views) <= 5 * elapsed + 1, (len(views), elapsed)
    # 200 ms apart on the page; its frames reach this process with some jitter.
    assert all(b - a >= 0.15 for a, b in zip(views, views[1:], strict=False)), views
    await eventually_equal(ben, AT_LEFT, await ana.evaluate(AT_LEFT))

    # "Whole map" is followed as the whole map, and back.
    await ana.click("#zoom-fit")
    await eventually_equal(ben, "document.getElementById('zoom-fit').getAttribute('aria-pressed')", "true")
    await ana.click("#zoom-fit")
    await eventually_equal(ben, "document.getElementById('zoom-level').textContent", "100%")
    await scroll_to_stage(ana, names[5])
    await eventually_equal(ben, AT_LEFT, names[5])
    assert (await pill(ben))["state"] == "following"

    # Ben starts writing on a card in view: he stops following, so Ana's moves do not
    # pull the card from under his text.
    await ben.evaluate("""(name) => {
      const header = [...document.querySelectorAll('.stage-header')].find((h) => h.querySelector('.stage-name').textContent === name);
      document.querySelector(`.cell[data-stage='${header.dataset.stage}'] .item-card`).focus();
    }""", names[5])
    await ben.keyboard.press("Enter")
    await ben.locator("#board textarea").wait_for()
    await eventually_equal(ben, f"{PILL}.dataset.state", "paused")
    await ben.keyboard.press("Escape")
    await ben.click(".follow-pill .follow-button")
    await eventually_equal(ben, f"{PILL}.dataset.state", "following")

    # Ana presents from where she is and moves on twice: Ben and the visitor follow.
    await ana.click("#present-button")
    await ana.locator(".present:not([hidden]) .present-slide").wait_for()
    assert await present_stage(ana) == names[5]
    await eventually_equal(ben, PRESENTED, names[5])
    await eventually_equal(visitor, PRESENTED, names[5])
    await ana.keyboard.press("ArrowRight")
    await ana.keyboard.press("ArrowRight")
    assert await present_stage(ana) == names[7]
    await eventually_equal(ben, PRESENTED, names[7])
    await eventually_equal(visitor, PRESENTED, names[7])
    assert (await pill(visitor))["text"] == "Vous suivez Ana Lopez"
    await ben.wait_for_timeout(400)
    await ben.screenshot(path=artifact("present/follower-present-en.png"))
    await visitor.screenshot(path=artifact("present/share-visitor-present-fr.png"))

    # Ana's page reloads mid-presentation: she is back on the stage everyone sees.
    await ana.reload()
    await ana.locator(".present:not([hidden]) .present-slide").wait_for()
    assert await present_stage(ana) == names[7]
    await ana.keyboard.press("ArrowLeft")
    await eventually_equal(visitor, PRESENTED, names[6])

    # The visitor leaves the presentation: "Ana Lopez présente · Suivre" takes them back
    # to where Ana is by then.
    await visitor.keyboard.press("Escape")
    await eventually_equal(visitor, PRESENTED, None)
    assert await pill(visitor) == {"hidden": False, "state": "paused", "text": "Ana Lopez présente", "button": "Suivre"}
    await ana.keyboard.press("ArrowLeft")
    await eventually_equal(ben, PRESENTED, names[5])
    assert await present_stage(visitor) is None
    await visitor.click(".follow-pill .follow-button")
    await eventually_equal(visitor, PRESENTED, names[5])

    # Ana leaves present mode: so do her followers.
    await ana.keyboard.press("Escape")
    await eventually_equal(ben, PRESENTED, None)
    await eventually_equal(visitor, PRESENTED, None)

    # The visitor cannot lead: a session frame from a share page is refused.
    await visitor.evaluate("window.journeymapSync.sendSession('follow', { on: false })")
    await asyncio.sleep(0.5)
    assert (await pill(ben))["state"] == "following"
    for page in (ana, ben, visitor):
        assert page.errors == []

    # Someone of another workspace gets nothing: no page, and a socket closed unwelcomed.
    cleo = await sign_in(browser, workshop.url, "cleo")
    response = await cleo.goto(f"{workshop.url}/maps/{journey_map.id}/")
    assert response.status == 404
    await cleo.goto(f"{workshop.url}/")
    outcome = await cleo.evaluate("""(path) => new Promise((resolve) => {
      const frames = [];
      const ws = new WebSocket(`ws://${location.host}${path}`);
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', client_id: 'c-cleo', last_seq: null }));
      ws.onmessage = (event) => frames.push(JSON.parse(event.data).type);
      ws.onclose = (event) => resolve({ code: event.code, frames });
      setTimeout(() => resolve({ code: null, frames }), 5000);
    })""", f"/ws/maps/{journey_map.id}/")
    assert outcome["frames"] == [] and outcome["code"] in (4403, 4404), outcome

