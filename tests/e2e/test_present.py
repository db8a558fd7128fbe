"""Present mode, in a real browser against real daphne: the map one stage at a
time, full screen, large type, moved with the keys and the click areas; in English
and French; on a share page, without the lanes the link hides.

People: the owner (Ana, Support team) presents in the editor; a visitor opens a
share link; see tests/e2e/conftest.py.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import axe_script, violations  # noqa: F401  (axe_script: a fixture)
from tests.e2e.test_editor import make_map, open_editor
from tests.e2e.test_rich_lanes import channel_id, lane_of
from tests.e2e.test_share_view import until, visitor_page
from tests.e2e.test_whole_map import VIEWPORT, readable_map

pytestmark = pytest.mark.django_db(transaction=True)

SLIDE = ".present:not([hidden]) .present-slide"


def add_moment(workshop: Any, journey_map: Any, stage_index: int, title: str, description: str) -> dict[str, Any]:
    """A moment of truth and a description on one stage; returns the document."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document, stages_in_display_order

    doc = map_document(map_id=journey_map.id)
    stage = stages_in_display_order(doc["phases"], doc["stages"])[stage_index]
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id), batch_id="moment",
                ops=[{"op": "create", "entity": "moment", "id": str(uuid.uuid4()),
                      "fields": {"stage": stage["id"], "title": title, "valence": "negative"}},
                     {"op": "update", "entity": "stage", "id": stage["id"], "fields": {"description": description}}])
    assert ack.status == "ok", ack.error
    return map_document(map_id=journey_map.id)


def stage_names(doc: dict[str, Any]) -> list[str]:
    from maps.selectors import stages_in_display_order

    return [stage["name"] for stage in stages_in_display_order(doc["phases"], doc["stages"])]


def french_map(workshop: Any) -> Any:
    """A French current-state map with cards, touchpoints, a curve and a moment of truth."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document, stages_in_display_order

    journey_map = make_map(workshop, language="fr", title="Commande en ligne")
    doc = map_document(map_id=journey_map.id)
    stages = [s["id"] for s in stages_in_display_order(doc["phases"], doc["stages"])]
    text_lanes = [lane["id"] for lane in doc["lanes"] if lane["kind"] in ("text", "pain_points", "opportunities")]
    support, sales = str(workshop.support.id), str(workshop.sales.id)
    ops: list[dict[str, Any]] = []
    cards = ["Compare trois offres sur son téléphone dans le métro",
             "Ne comprend pas pourquoi le prix change après un an",
             "Cherche un avis de voisin sur la qualité du réseau",
             "Voudrait un seul prix clair, sans astérisque"]
    for n, text in enumerate(cards):
        ops.append({"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                    "fields": {"stage": stages[1], "lane": text_lanes[n % len(text_lanes)], "text": text,
                               "team": support if n % 2 else sales}})
    for title, channel, evaluation in (("Comparateur de prix", "website", "irritant"),
                                       ("Chat avec un conseiller", "live_chat", "delight")):
        ops.append({"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                    "fields": {"stage": stages[1], "lane": lane_of(doc, "touchpoints"), "title": title,
                               "channel": channel_id(channel), "evaluation": evaluation, "owner_team": support,
                               "volume_share": 64}})
    ops.append({"op": "create", "entity": "emotion", "id": str(uuid.uuid4()), "fields": {
        "stage": stages[1], "score": -2, "note": "Perdu entre les offres"}})
    ops.append({"op": "create", "entity": "moment", "id": str(uuid.uuid4()), "fields": {
        "stage": stages[1], "title": "Le prix affiché n'est pas celui payé", "valence": "negative"}})
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id), batch_id="fr",
                ops=ops)
    assert ack.status == "ok", ack.error
    return journey_map


async def slide_state(page: Any) -> dict[str, Any]:
    return await page.evaluate("""() => {
      const root = document.querySelector('.present');
      const slide = root.querySelector('.present-slide');
      const size = (sel) => { const n = slide.querySelector(sel); return n ? parseFloat(getComputedStyle(n).fontSize) : 0; };
      const box = root.getBoundingClientRect();
      return { open: !root.hidden, stage: slide?.querySelector('.ps-stage-name')?.textContent,
               counter: root.querySelector('.present-counter').textContent,
               lanes: [...slide.querySelectorAll('.ps-lane-title')].map((n) => n.textContent),
               moments: [...slide.querySelectorAll('.ps-moment-title')].map((n) => n.textContent),
               stageSize: size('.ps-stage'), textSize: size('.ps-tile'),
               covers: box.width >= innerWidth && box.height >= innerHeight,
               overflow: slide.scrollHeight > root.querySelector('.present-stage-host').clientHeight + 1 };
    }""")


async def test_present_mode_moves_stage_by_stage_in_large_type_with_keys_and_clicks(browser, workshop) -> None:
    journey_map, _ = await sync_to_async(readable_map)(workshop)
    doc = await sync_to_async(add_moment)(workshop, journey_map, 2, "The price on the bill is not the one announced",
                                          "The customer reads the offers and the small print, late at night.")
    names = stage_names(doc)
    page = await sign_in(browser, workshop.url, "ana", viewport=VIEWPORT)
    await open_editor(page, workshop.url, journey_map.id)
    assert await page.locator("#present-button").get_attribute("title") == "Show the map one stage at a time, full screen"
    # Named by its word (shown from 1320 px wide; icon only below).
    assert (await page.locator("#present-button").text_content()).strip() == "Present"
    assert await page.locator("#follow-toggle").is_hidden()  # no session: nobody to lead
    await page.screenshot(path=artifact("present/editor-toolbar-en.png"), clip={"x": 0, "y": 0, "width": 1440, "height": 200})

    await page.click("#present-button")
    await page.wait_for_selector(SLIDE)
    await page.wait_for_timeout(400)  # the slide's entrance
    await page.screenshot(path=artifact("present/present-first-en.png"))
    state = await slide_state(page)
    assert state["open"] and state["covers"]
    assert (state["stage"], state["counter"]) == (names[0], f"1 / {len(names)}")
    # Type read from the back of a room: at 1440 px wide, the stage name over 48 px and
    # the cards' text over 20 px (the board's is 13 px).
    assert state["stageSize"] >= 40 and state["textSize"] >= 18, state

    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("Space")
    state = await slide_state(page)
    assert (state["stage"], state["counter"]) == (names[2], f"3 / {len(names)}")
    assert state["moments"] == ["The price on the bill is not the one announced"]
    assert "Touchpoints" in state["lanes"] and not state["overflow"]
    await page.wait_for_timeout(400)  # the slide's entrance
    await page.screenshot(path=artifact("present/present-en.png"))

    # A 1024 x 768 projector and a 1080p screen: the same slide, type scaled to the screen.
    for width, height in ((1024, 768), (1920, 1080)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.keyboard.press("ArrowRight")
        await page.keyboard.press("ArrowLeft")
        await page.wait_for_timeout(400)
        await page.screenshot(path=artifact(f"present/present-en-{width}.png"))
        assert (await slide_state(page))["stage"] == names[2]
    await page.set_viewport_size(VIEWPORT)

    await page.keyboard.press("End")
    assert (await slide_state(page))["counter"] == f"{len(names)} / {len(names)}"
    assert await page.locator(".present-next").is_disabled()
    await page.keyboard.press("PageUp")
    await page.keyboard.press("ArrowLeft")
    assert (await slide_state(page))["stage"] == names[-3]
    await page.keyboard.press("Home")
    assert await page.locator(".present-prev").is_disabled()
    await page.click(".present-next")
    assert (await slide_state(page))["stage"] == names[1]
    await page.click(f".present-track [data-index='{len(names) - 1}']")
    assert (await slide_state(page))["stage"] == names[-1]
    await page.click(".present-prev")
    assert (await slide_state(page))["stage"] == names[-2]

    # Someone edits meanwhile: the slide shows it.
    card_text = "Added while presenting"
    await page.evaluate("""(text) => {
      const doc = window.journeymapSync.doc;
      const stage = document.querySelector('.present-slide').dataset.stage;
      const lane = doc.lanes.find((l) => l.kind === 'text').id;
      window.journeymapSync.push([{ op: 'create', entity: 'card', id: crypto.randomUUID(), fields: { stage, lane, text } }]);
    }""", card_text)
    await page.locator(".present-slide .ps-text", has_text=card_text).wait_for()

    await page.keyboard.press("Escape")
    await until(page, "document.querySelector('.present').hidden && !document.fullscreenElement")
    # The board's own keys work again.
    assert not await page.evaluate("document.body.classList.contains('is-presenting')")
    assert page.errors == []


async def test_present_mode_in_french_passes_axe(browser, workshop, axe_script) -> None:  # noqa: F811
    journey_map = await sync_to_async(french_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana", locale="fr-FR", viewport=VIEWPORT)
    await page.context.add_init_script(path=str(axe_script))
    await open_editor(page, workshop.url, journey_map.id)
    assert (await page.locator("#present-button").text_content()).strip() == "Présenter"
    await page.click("#present-button")
    await page.wait_for_selector(SLIDE)
    await page.keyboard.press("ArrowRight")
    state = await slide_state(page)
    assert state["moments"] == ["Le prix affiché n'est pas celui payé"]
    assert state["counter"].startswith("2 / ")
    assert await page.locator(".present-close").get_attribute("aria-label") == "Quitter la présentation (Échap)"
    assert await page.locator(".present-hint").inner_text() == "← → ou espace pour avancer · Échap pour quitter"
    # The map speaks French whatever the interface: "Tous les clients" is the shared curve's name.
    assert await page.locator(".ps-feeling-who").first.inner_text() == "Tous les clients"
    assert await page.locator(".ps-eval").first.inner_text() == "Irritant"
    await page.wait_for_timeout(400)
    await page.screenshot(path=artifact("present/present-fr.png"))
    assert await violations(page) == []
    # A modal: the board behind is out of reach until present mode closes.
    assert await page.evaluate("document.querySelector('.editor-main, main').closest('[inert]') !== null")
    await page.keyboard.press("Escape")
    assert await page.evaluate("document.querySelector('[inert]') === null")
    assert page.errors == []


def hidden_lane_link(workshop: Any, journey_map: Any, doc: dict[str, Any]) -> tuple[str, str]:
    from sharing import links as sharing

    hidden = next(lane for lane in doc["lanes"] if lane["kind"] in ("text", "pain_points"))
    created = sharing.share_link_create(map=journey_map, created_by=workshop.owner, label="Room screen",
                                        hidden_lanes=[hidden["id"]])
    return created.path, hidden["title"]


async def test_present_mode_on_a_share_page_leaves_out_hidden_lanes(browser, workshop) -> None:
    journey_map, _ = await sync_to_async(readable_map)(workshop)
    from maps.selectors import map_document

    doc = await sync_to_async(map_document)(map_id=journey_map.id)
    path, hidden_title = await sync_to_async(hidden_lane_link)(workshop, journey_map, doc)
    page, _frames = await visitor_page(browser, f"{workshop.url}{path}")
    await page.screenshot(path=artifact("present/share-toolbar-en.png"), clip={"x": 0, "y": 0, "width": 1400, "height": 200})
    await page.click("#present-button")
    await until(page, "document.querySelector('.present-slide')")
    for _ in range(len(doc["stages"])):
        state = await slide_state(page)
        assert hidden_title not in state["lanes"], state
        assert state["lanes"], state
        await page.keyboard.press("ArrowRight")
    assert (await slide_state(page))["counter"] == f"{len(doc['stages'])} / {len(doc['stages'])}"
    assert await page.locator("#follow-toggle").count() == 0
    assert page.errors == []
