"""The editor's acceptance checks that test_editor.py does not make: offline edits
sent on reconnect, a same-field race that converges, and card text that never runs.

People: the owner (Ana, Support team) and an editor (Ben, Sales team) of one
workspace; see tests/e2e/conftest.py. Every page is compared with the REST document,
the server's own view of the map.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.e2e.conftest import sign_in, wait_synced
from tests.e2e.test_editor import make_map, open_editor

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_CARDS = """() => Object.fromEntries([...document.querySelectorAll('.cell[data-entity=card] .item[data-id]')]
  .map((node) => [node.dataset.id, node.querySelector('.item-text').textContent]))"""

REST_CARDS = """async (mapId) => {
  const response = await fetch(`/api/v1/maps/${mapId}/document/`, {headers: {Accept: 'application/json'}});
  if (!response.ok) throw new Error(`document: HTTP ${response.status}`);
  const doc = await response.json();
  const cards = Array.isArray(doc.cards) ? doc.cards : Object.values(doc.cards);
  return Object.fromEntries(cards.filter((c) => c.deleted_by_seq == null).map((c) => [c.id, c.text]));
}"""


async def page_cards(page: Any) -> dict[str, str]:
    return await page.evaluate(PAGE_CARDS)


async def rest_cards(page: Any, map_id: Any) -> dict[str, str]:
    return await page.evaluate(REST_CARDS, str(map_id))


async def converged(pages: list[Any], map_id: Any, timeout: float = 10.0) -> dict[str, str]:
    """Wait until every page shows exactly the cards of the REST document; returns them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for page in pages:
            await wait_synced(page)
        expected = await rest_cards(pages[0], map_id)
        shown = [await page_cards(page) for page in pages]
        if all(cards == expected for cards in shown):
            return expected
        if loop.time() > deadline:
            assert shown == [expected] * len(pages), "pages differ from the REST document"
        await asyncio.sleep(0.1)


async def add_card(page: Any, cell_index: int, text: str) -> None:
    await page.locator(".cell[data-entity=card]").nth(cell_index).click()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")


async def test_edits_made_offline_reach_the_other_person_on_reconnect(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    await add_card(ana, 0, "Needs a reply today")
    await ben.locator(".item", has_text="Needs a reply today").wait_for()

    await ben.context.set_offline(True)
    await ben.wait_for_function("() => document.querySelector('#conn-badge').dataset.status === 'offline'")
    # Three edits of different kinds while offline: a new card, another, and a rewrite.
    await add_card(ben, 1, "Offline one")
    await add_card(ben, 2, "Offline two")
    await ben.locator(".item", has_text="Needs a reply today").click()
    await ben.keyboard.press("Control+a")
    await ben.keyboard.type("Needs a reply within the hour")
    await ben.keyboard.press("Enter")
    await ben.wait_for_function("() => Number(document.querySelector('#conn-badge').dataset.pending) >= 1")
    assert "unsent" in await ben.locator("#conn-badge").inner_text()
    # Nothing has left Ben's browser yet.
    await asyncio.sleep(0.5)
    assert await ana.locator(".item", has_text="Offline one").count() == 0
    assert await ana.locator(".item", has_text="within the hour").count() == 0

    await ben.context.set_offline(False)
    for text in ("Offline one", "Offline two", "Needs a reply within the hour"):
        await ana.locator(".item", has_text=text).wait_for(timeout=20_000)
    cards = await converged([ana, ben], journey_map.id)
    assert sorted(cards.values()) == ["Needs a reply within the hour", "Offline one", "Offline two"]
    assert not ana.errors and not ben.errors


async def test_both_editing_the_same_card_field_at_once_end_on_the_same_value(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    await add_card(ana, 0, "Start")
    await ben.locator(".item", has_text="Start").wait_for()
    await wait_synced(ana)
    card_id = await ana.locator(".item", has_text="Start").get_attribute("data-id")
    push = "([id, text]) => window.journeymapSync.push([{op: 'update', entity: 'card', id, fields: {text}}])"

    # Several rounds, each a real race: both browsers send their batch in the same tick.
    for round_ in range(5):
        await asyncio.gather(ana.evaluate(push, [card_id, f"Ana's wording {round_}"]),
                             ben.evaluate(push, [card_id, f"Ben's wording {round_}"]))
        cards = await converged([ana, ben], journey_map.id)
        assert cards[card_id] in {f"Ana's wording {round_}", f"Ben's wording {round_}"}

    assert not ana.errors and not ben.errors


async def test_card_text_with_script_and_onerror_payloads_shows_as_text_and_never_runs(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    script = "<script>window.__pwned = 'script'</script>"
    image = "<img src=x onerror=\"window.__pwned = 'onerror'\">"
    await add_card(ana, 0, script)
    await add_card(ana, 1, image)
    await converged([ana, ben], journey_map.id)

    async def shows_as_text(page: Any) -> None:
        for payload in (script, image):
            await page.locator(".item-text", has_text=payload).wait_for()
            assert await page.locator(".item-text", has_text=payload).inner_text() == payload
        assert await page.locator("#board img[src='x'], #board .item script").count() == 0
        await asyncio.sleep(0.3)  # an <img src=x> would have failed to load by now
        assert await page.evaluate("() => window.__pwned") is None

    # The author's page, the other person's live page, and a fresh load of the map.
    await shows_as_text(ana)
    await shows_as_text(ben)
    await ben.reload()
    await ben.wait_for_selector(".stage-header")
    await wait_synced(ben)
    await shows_as_text(ben)
    assert not ana.errors and not ben.errors
