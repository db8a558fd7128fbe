"""The editor's acceptance checks, two people at once: Ana (owner, Support team)
and Ben (editor, Sales team) on the same map, each in a browser context of their
own, against a real daphne (see tests/e2e/conftest.py).

A card reaches the other person within a second; edits of different cards made at
the same moment both survive; a same-field race converges; a moved card moves on
the other page; a deleted stage comes back with its cards on undo, for everyone;
presence shows who is here and who is editing what; edits made offline are sent on
reconnect; card text never runs as code. Every page is compared with the REST
document, the server's own view of the map.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.e2e.conftest import wait_synced
from tests.e2e.test_editor import make_map, two_people

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


async def rest_document(page: Any, map_id: Any) -> dict[str, Any]:
    return await page.evaluate(
        """async (mapId) => {
          const response = await fetch(`/api/v1/maps/${mapId}/document/`, {headers: {Accept: 'application/json'}});
          if (!response.ok) throw new Error(`document: HTTP ${response.status}`);
          return response.json();
        }""", str(map_id))


def seed_cards(workshop: Any, journey_map: Any, cards: list[tuple[int, int, str]]) -> list[dict[str, str]]:
    """Cards (stage index, lane index among card lanes, text) written as Ana; returns their ids and places."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document

    doc = map_document(map_id=journey_map.id)
    card_lanes = [lane["id"] for lane in doc["lanes"] if lane["kind"] not in
                  ("touchpoints", "emotion", "moments_of_truth") and not lane["kind"].startswith("line_of_")]
    seeded = [{"id": str(uuid.uuid4()), "stage": doc["stages"][stage]["id"], "lane": card_lanes[lane], "text": text}
              for stage, lane, text in cards]
    ops = [{"op": "create", "entity": "card", "id": card["id"],
            "fields": {"stage": card["stage"], "lane": card["lane"], "text": card["text"]}} for card in seeded]
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id),
                batch_id=f"seed-{uuid.uuid4()}", ops=ops)
    assert ack.status == "ok", ack.error
    return seeded


# When Ana saves (Enter in the card editor), in ms since the epoch: the page's own
# clock, comparable across the two pages of one machine.
NOTE_SAVES = """() => {
  window.__saves = [];
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && event.target.closest('.inline-editor')) {
      window.__saves.push(performance.timeOrigin + performance.now());
    }
  }, {capture: true});
}"""

# On Ben's page: resolves with the time (same clock) a card with this text shows.
WHEN_SHOWN = """(text) => {
  const shown = () => [...document.querySelectorAll('#board .item-text')].some((node) => node.textContent === text);
  window.__shown = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (shown()) {
        observer.disconnect();
        resolve(performance.timeOrigin + performance.now());
      }
    });
    observer.observe(document.getElementById('board'), {subtree: true, childList: true, characterData: true});
  });
}"""


async def test_a_card_one_person_adds_shows_on_the_others_page_within_a_second(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana, ben = await two_people(browser, workshop, journey_map)
    await ana.evaluate(NOTE_SAVES)
    delays = []
    for n, cell in enumerate((0, 3, 7)):
        text = f"Asks where the parcel is ({n + 1})"
        await ben.evaluate(WHEN_SHOWN, text)
        await ana.locator(".cell[data-entity=card]").nth(cell).click()
        await ana.wait_for_selector(".item.draft .inline-editor")
        await ana.keyboard.type(text)
        await ana.keyboard.press("Enter")
        shown_at = await asyncio.wait_for(ben.evaluate("() => window.__shown"), timeout=15)
        saved_at = (await ana.evaluate("() => window.__saves"))[-1]
        delays.append(shown_at - saved_at)
        # Ben's card shows Ana's team, in the team's colour bar.
        card = ben.locator(".item", has_text=text)
        assert "Support" in await card.locator(".team-tag").inner_text()
        assert await card.evaluate("(n) => n.style.getPropertyValue('--bar')") == workshop.support.color
    assert len(delays) == 3 and all(delay >= 0 for delay in delays), delays
    assert max(delays) <= 1000, f"Enter on Ana's page -> card on Ben's page took {delays} ms"
    cards = await converged([ana, ben], journey_map.id)
    assert len(cards) == 3
    assert not ana.errors and not ben.errors


async def test_both_editing_different_cards_at_the_same_time_keep_both_edits(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    first, second = await sync_to_async(seed_cards)(workshop, journey_map, [(0, 0, "Compares prices"),
                                                                           (1, 0, "Reads reviews")])
    ana, ben = await two_people(browser, workshop, journey_map)

    async def start_editing(page: Any, card_id: str) -> None:
        await page.locator(f".item[data-id='{card_id}'] .item-text").click()
        await page.wait_for_selector(f".item[data-id='{card_id}'] .inline-editor")
        await page.keyboard.press("Control+a")

    # Both open their card's editor; each sees the other's card marked as being edited.
    await asyncio.gather(start_editing(ana, first["id"]), start_editing(ben, second["id"]))
    await ana.wait_for_selector(f".item[data-id='{second['id']}'].is-locked .editing-badge:has-text('Ben Martin')")
    await ben.wait_for_selector(f".item[data-id='{first['id']}'].is-locked .editing-badge:has-text('Ana Lopez')")
    # Both type at once, then both save in the same moment.
    await asyncio.gather(ana.keyboard.type("Compares prices on three sites"),
                         ben.keyboard.type("Reads reviews on the phone"))
    await asyncio.gather(ana.keyboard.press("Enter"), ben.keyboard.press("Enter"))
    cards = await converged([ana, ben], journey_map.id)
    assert cards == {first["id"]: "Compares prices on three sites", second["id"]: "Reads reviews on the phone"}
    for page in (ana, ben):
        await page.wait_for_selector(".item.is-locked", state="detached")

    # Again, Ben saving while Ana is still typing: his change lands on her page
    # without closing her editor or losing what she has typed so far.
    await asyncio.gather(start_editing(ana, first["id"]), start_editing(ben, second["id"]))
    await ana.keyboard.type("Compares delivery")
    await ben.keyboard.type("Asks a friend")
    await ben.keyboard.press("Enter")
    await ana.wait_for_selector(f".item[data-id='{second['id']}'] .item-text:text-is('Asks a friend')")
    editor = ana.locator(f".item[data-id='{first['id']}'] .inline-editor")
    assert await editor.input_value() == "Compares delivery"
    await ana.keyboard.type(" times")
    await ana.keyboard.press("Enter")
    cards = await converged([ana, ben], journey_map.id)
    assert cards == {first["id"]: "Compares delivery times", second["id"]: "Asks a friend"}
    assert not ana.errors and not ben.errors


async def test_edits_made_offline_reach_the_other_person_on_reconnect(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana, ben = await two_people(browser, workshop, journey_map)
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
    ana, ben = await two_people(browser, workshop, journey_map)
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
    ana, ben = await two_people(browser, workshop, journey_map)
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


def stage_order(page: Any) -> Any:
    return page.evaluate("""() => [...document.querySelectorAll('.stage-header')]
      .sort((a, b) => parseInt(a.style.gridColumnStart) - parseInt(b.style.gridColumnStart))
      .map((node) => node.dataset.stage)""")


async def test_a_stage_deleted_with_its_cards_comes_back_for_everyone_on_undo(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    seeded = await sync_to_async(seed_cards)(workshop, journey_map, [
        (1, 0, "Orders on the website"), (1, 1, "Thinks the shop is slow"), (1, 1, "Expected next-day delivery"),
        (2, 0, "Pays by card")])
    stage = seeded[0]["stage"]
    held = [card["id"] for card in seeded if card["stage"] == stage]
    ana, ben = await two_people(browser, workshop, journey_map)
    order = await stage_order(ben)
    before = await converged([ana, ben], journey_map.id)
    assert len(before) == 4

    header = ana.locator(f".stage-header[data-stage='{stage}']")
    await header.hover()
    await header.locator(".header-menu").click()
    await ana.locator("#popover").get_by_role("button", name="Delete").click()
    # It holds cards: she confirms in the dialog that names them.
    await ana.get_by_role("dialog").get_by_role("button", name="Delete the stage").click()
    # Gone on Ben's page, the stage and every card it held.
    await ben.wait_for_selector(f".stage-header[data-stage='{stage}']", state="detached")
    for card_id in held:
        await ben.wait_for_selector(f".item[data-id='{card_id}']", state="detached")
    await wait_synced(ana)
    document = await rest_document(ana, journey_map.id)
    assert stage not in [s["id"] for s in document["stages"]]
    assert not {c["id"] for c in document["cards"]} & set(held)

    # Ana undoes with the keyboard: the same stage, in the same place, with the same cards.
    await ana.keyboard.press("Control+z")
    await ben.wait_for_selector(f".stage-header[data-stage='{stage}']")
    for card in seeded:
        await ben.wait_for_selector(f".cell[data-stage='{card['stage']}'][data-lane='{card['lane']}']"
                                    f" .item[data-id='{card['id']}']")
    assert await stage_order(ben) == order
    assert await converged([ana, ben], journey_map.id) == before
    document = await rest_document(ben, journey_map.id)
    assert stage in [s["id"] for s in document["stages"]]
    restored = {c["id"]: (c["stage"], c["lane"]) for c in document["cards"]}
    assert restored == {card["id"]: (card["stage"], card["lane"]) for card in seeded}
    assert not ana.errors and not ben.errors


async def test_a_card_the_other_person_drags_to_another_stage_moves_on_my_page(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    (card,) = await sync_to_async(seed_cards)(workshop, journey_map, [(0, 0, "Tracks the parcel")])
    ana, ben = await two_people(browser, workshop, journey_map)
    target = ben.locator(f".cell[data-lane='{card['lane']}']").nth(2)
    new_stage = await target.get_attribute("data-stage")
    assert new_stage != card["stage"]

    await ben.locator(f".item[data-id='{card['id']}']").drag_to(target)
    await ana.wait_for_selector(f".cell[data-stage='{new_stage}'][data-lane='{card['lane']}']"
                                f" .item[data-id='{card['id']}']")
    assert await ana.locator(f".cell[data-stage='{card['stage']}'] .item[data-id='{card['id']}']").count() == 0
    await wait_synced(ben)
    document = await rest_document(ana, journey_map.id)
    assert [(c["id"], c["stage"], c["lane"]) for c in document["cards"]] == [(card["id"], new_stage, card["lane"])]
    assert not ana.errors and not ben.errors


async def test_the_other_person_sees_my_avatar_and_what_i_am_editing(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    (card,) = await sync_to_async(seed_cards)(workshop, journey_map, [(0, 0, "Waits on hold")])
    ana, ben = await two_people(browser, workshop, journey_map)

    # Ben sees Ana's avatar: her initials, her name and team, ringed in her team's colour.
    avatar = ben.locator("#presence .avatar[title*='Ana Lopez']")
    assert await avatar.inner_text() == "AL"
    assert await avatar.get_attribute("title") == "Ana Lopez · Support"
    assert await avatar.evaluate("(n) => n.style.getPropertyValue('--avatar')") == workshop.support.color

    # Ana starts editing the card: on Ben's page it says so and is softly locked.
    await ana.locator(f".item[data-id='{card['id']}'] .item-text").click()
    on_ben = ben.locator(f".item[data-id='{card['id']}']")
    badge = on_ben.locator(".editing-badge")
    await ben.wait_for_selector(f".item[data-id='{card['id']}'].is-locked .editing-badge:visible")
    assert await badge.inner_text() == "Ana Lopez is editing"
    await on_ben.locator(".item-text").click()
    await ben.wait_for_selector(".toast:has-text('Ana Lopez is editing this card')")
    assert await ben.locator(".inline-editor").count() == 0

    # She stops (Escape): the marker goes, and Ben may edit the card again.
    await ana.keyboard.press("Escape")
    await ben.wait_for_selector(f".item[data-id='{card['id']}'].is-locked", state="detached")
    assert await badge.is_hidden()
    await on_ben.locator(".item-text").click()
    await ben.wait_for_selector(f".item[data-id='{card['id']}'] .inline-editor")
    assert not ana.errors and not ben.errors
