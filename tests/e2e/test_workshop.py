"""Workshop sessions in three real browsers against real daphne: the facilitator
(Ana, owner) starts a session and a timer, opens a dot-voting round on the
opportunities; a participant (Ben, editor) places dots; a share-link visitor watches.
The timer agrees on every screen; Ben's dots show at once on his page and nowhere
else; after the reveal everyone sees the badges and the Priorities list by votes.
In English and in French, with screenshots of the round.

People: see tests/e2e/conftest.py (``workshop``).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in, wait_synced
from tests.e2e.test_editor import make_map, open_editor

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORT = {"width": 1440, "height": 900}
PAINS = {
    "en": ["An offer finder with three questions", "One clear price for two years", "A call-back slot instead of the queue"],
    "fr": ["Un guide des offres en trois questions", "Un seul prix clair sur deux ans", "Un rappel à l’heure choisie, sans attente"],
}


def voting_map(workshop: Any, language: str) -> tuple[Any, str, list[str], str]:
    """A current-state map with three opportunities on the first stages; returns the
    map, their lane, the cards and a share link's path."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document, stages_in_display_order
    from sharing import links as sharing

    title = "Commande en ligne" if language == "fr" else "Online order"
    journey_map = make_map(workshop, language=language, title=title)
    doc = map_document(map_id=journey_map.id)
    stages = [s["id"] for s in stages_in_display_order(doc["phases"], doc["stages"])]
    lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "opportunities")
    cards = [str(uuid.uuid4()) for _ in PAINS[language]]
    ops = [{"op": "create", "entity": "card", "id": card, "fields": {"stage": stages[i], "lane": lane, "text": text}}
           for i, (card, text) in enumerate(zip(cards, PAINS[language], strict=True))]
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id), batch_id="pains", ops=ops)
    assert ack.status == "ok", ack.error
    link = sharing.share_link_create(map=journey_map, created_by=workshop.owner, label="Wall screen")
    return journey_map, lane, cards, link.path


async def session_state(page: Any) -> Any:
    return await page.evaluate("() => ({ bar: !document.querySelector('.ws-bar').hidden,"
                               " timer: document.querySelector('.ws-timer-text').textContent,"
                               " vote: document.querySelector('.ws-vote').textContent })")


async def timer_ends(pages: list[Any]) -> list[float]:
    """When each page thinks the timer ends, on the machine's one clock: what the page
    computes is left, plus the local time it computed it at."""
    return await asyncio.gather(*(p.evaluate(
        "() => { const left = window.journeymapWorkshop.remainingMs(); return left === null ? null : Date.now() + left; }")
        for p in pages))


async def voting_round(browser: Any, workshop: Any, language: str) -> None:
    locale = "fr-FR" if language == "fr" else "en-GB"
    journey_map, lane, cards, share = await sync_to_async(voting_map)(workshop, language)
    ana = await sign_in(browser, workshop.url, "ana", locale=locale, viewport=VIEWPORT)
    ben = await sign_in(browser, workshop.url, "ben", locale=locale, viewport=VIEWPORT)
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    guest, guest_frames = await visitor_page(browser, f"{workshop.url}{share}", locale)

    # Ana starts the session; everyone's bar shows it.
    await ana.click("#workshop-button")
    await ana.click(".ws-start")
    for page in (ana, ben, guest):
        await page.wait_for_selector(".ws-bar:not([hidden])")
    assert await guest.locator("#workshop-button").count() == 0  # a visitor only watches

    # A five-minute timer: every screen computes the same end, within 200 ms.
    await ana.click("#workshop-button")
    await ana.fill(".ws-minutes", "5")
    await ana.click(".ws-timer-start")
    for page in (ana, ben, guest):
        await page.wait_for_selector(".ws-timer:not([hidden])[data-state='running']")
    ends = await timer_ends([ana, ben, guest])
    assert max(ends) - min(ends) < 200, ends
    assert (await session_state(ben))["timer"] in ("5:00", "4:59", "4:58")

    # Ana opens a round on the opportunities, two dots each.
    await ana.wait_for_selector(".ws-voting-controls .ws-lanes")
    for box in await ana.locator(".ws-lanes input").all():
        await box.set_checked(await box.get_attribute("value") == lane)
    await ana.fill(".ws-per-person", "2")
    await ana.click(".ws-open-vote")
    await ben.wait_for_selector(".board.is-voting .item.is-votable")
    assert await ben.locator(".item.is-votable").count() == 3
    # Someone adds an opportunity during the round: Ben can vote on it; moved to
    # another lane, it is no longer open to the vote (only the items a change names
    # are redrawn).
    extra = str(uuid.uuid4())
    other_lane = await ana.evaluate(
        "(lane) => document.querySelector(`.cell[data-entity=card]:not([data-lane='${lane}'])`).dataset.lane", lane)
    stage = await ana.evaluate("() => document.querySelector('.cell[data-entity=card]').dataset.stage")
    await ana.evaluate("([id, stage, lane]) => window.journeymapSync.push([{op: 'create', entity: 'card', id,"
                       " fields: {stage, lane, text: 'One more idea'}}])", [extra, stage, lane])
    await ben.wait_for_selector(f".item[data-id='{extra}'].is-votable .vote-add")
    await ana.evaluate("([id, stage, lane]) => window.journeymapSync.push([{op: 'move', entity: 'card', id,"
                       " fields: {stage, lane}}])", [extra, stage, other_lane])
    await ben.wait_for_selector(f".cell[data-lane='{other_lane}'] .item[data-id='{extra}']:not(.is-votable)", state="attached")
    assert await ben.locator(f".item[data-id='{extra}'] .vote-dots").count() == 0
    assert await ben.locator(".item.is-votable").count() == 3

    # Ben gives two dots: at once on his page, as counts only on Ana's, nothing on the visitor's.
    await ben.click(f".item[data-id='{cards[1]}'] .item-text")
    await ben.wait_for_selector(f".item[data-id='{cards[1]}'] .vote-dot.is-mine")
    await ben.click(f".item[data-id='{cards[2]}'] .item-text")
    await ben.wait_for_function(f"() => document.querySelectorAll(\".item[data-id='{cards[2]}'] .vote-dot.is-mine\").length === 1")
    await ana.wait_for_function("() => /2\\D+1/.test(document.querySelector('.ws-counts')?.textContent || '')")
    assert await ana.locator(".vote-dot").count() == 0 and await ana.locator(".vote-badge:not([hidden])").count() == 0
    assert await guest.locator(".vote-dot, .ws-vote:not([hidden])").count() == 0
    assert not any(cards[1] in frame and "my_votes" in frame for frame in guest_frames)
    # Ben's page reloads mid-vote (a dropped connection, a closed laptop): his dots are still his.
    await ben.reload()
    await ben.wait_for_selector(".stage-header")
    await wait_synced(ben)
    await ben.wait_for_selector(f".item[data-id='{cards[2]}'] .vote-dot.is-mine")
    assert await ben.locator(".vote-dot.is-mine").count() == 2
    await ben.evaluate("document.getElementById('board-scroller').scrollTop = 140")
    await ben.wait_for_timeout(300)
    await ben.screenshot(path=artifact(f"workshop/voting-participant-{language}.png"))
    await ana.evaluate("document.getElementById('board-scroller').scrollTop = 140")
    await ana.click("#workshop-button")
    await ana.wait_for_selector(".ws-reveal")
    await ana.screenshot(path=artifact(f"workshop/voting-facilitator-{language}.png"))

    # Ben takes one dot back and gives it elsewhere; then Ana reveals.
    await ben.click(f".item[data-id='{cards[2]}'] .vote-dot.is-mine")
    await ben.wait_for_selector(f".item[data-id='{cards[2]}'] .vote-dot", state="detached")
    await ben.click(f".item[data-id='{cards[1]}'] .item-text")
    await ben.wait_for_function(f"() => document.querySelectorAll(\".item[data-id='{cards[1]}'] .vote-dot.is-mine\").length === 2")
    await ana.click(".ws-reveal")
    for page in (ana, ben, guest):
        badge = page.locator(f".item[data-id='{cards[1]}'] .vote-badge")
        await badge.wait_for(state="visible")
        assert await badge.inner_text() == "2"
        assert await page.locator(f".item[data-id='{cards[2]}'] .vote-badge").is_hidden()
    # Revealed, the round is over: nothing is open to the vote any more.
    await ben.wait_for_selector(".board:not(.is-voting)")
    assert await ben.locator(".item.is-votable, .vote-dots").count() == 0
    await ana.keyboard.press("Escape")
    await ana.click("#priorities-button")
    await ana.click(".priorities-order label:has(input[value=votes])")
    first = ana.locator(".priorities-list .prio-voted").first
    await first.wait_for()
    assert PAINS[language][1] in await first.inner_text() and "2" in await first.locator(".prio-votes").inner_text()
    await ana.wait_for_timeout(300)
    await ana.screenshot(path=artifact(f"workshop/revealed-priorities-{language}.png"))
    await guest.screenshot(path=artifact(f"workshop/revealed-share-{language}.png"))

    # Ana hands the session over to Ben, who is on the map: he now runs it.
    await ana.click("#workshop-button")
    await ana.select_option(".ws-handover-to", str(workshop.editor.pk))
    await ana.click(".ws-handover-go")
    await ana.wait_for_function("() => document.querySelector('.ws-who').textContent.includes('Ben Martin')")
    await ben.click("#workshop-button")
    await ben.wait_for_selector(".ws-timer-controls")
    for page in (ana, ben, guest):
        assert page.errors == [], page.errors


async def visitor_page(browser: Any, url: str, locale: str) -> tuple[Any, list[str]]:
    """The share page in a fresh context; returns it and every socket frame it receives."""
    context = await browser.new_context(viewport=VIEWPORT, locale=locale)
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    await page.goto(url)
    await page.wait_for_function("() => window.journeymapSync && window.journeymapSync.status === 'online'")
    return page, frames


async def test_a_dot_voting_round_with_a_facilitator_a_participant_and_a_share_visitor(browser, workshop) -> None:
    await voting_round(browser, workshop, "en")


async def test_the_same_round_in_french(browser, workshop) -> None:
    await voting_round(browser, workshop, "fr")


async def test_a_refused_hand_over_is_explained_in_the_persons_language(browser, workshop) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    journey_map = await sync_to_async(make_map)(workshop)

    def a_viewer() -> int:
        user = UserFactory(username="cleo", first_name="Cléo")
        Membership.objects.create(workspace=workshop.workspace, user=user, role=Role.VIEWER)
        return user.pk

    viewer_id = await sync_to_async(a_viewer)()
    ana = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await ana.goto(f"{workshop.url}/maps/{journey_map.id}/")
    await ana.wait_for_function("() => window.journeymapSync && window.journeymapSync.status === 'online'")
    await ana.evaluate("() => window.journeymapSync.sendSession('start', {})")
    await ana.wait_for_selector(".ws-who")
    # A viewer cannot facilitate: the server refuses, the page says why in French.
    await ana.evaluate(f"() => window.journeymapSync.sendSession('handover', {{to: {viewer_id}}})")
    toast = ana.locator(".toast:has-text('Le nouvel animateur doit être propriétaire ou éditeur de cet espace.')")
    await toast.wait_for(timeout=10_000)
    assert "must be" not in await ana.locator(".toast").last.inner_text()
    assert ana.errors == []
