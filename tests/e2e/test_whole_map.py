"""The whole map at a glance (semantic zoom), in a real browser against real daphne.

When the cards of a big map would be too small to read, "Whole map" shows every
cell as a summary (how many, the teams' colours, the touchpoints' evaluations, the
first words) in a grid that fills the screen, with stage and lane names at a
readable size; a click (or Enter) on a cell goes back to full size on that cell.

People: the owner (Ana, Support team) of the workshop's workspace; the editor (Ben,
Sales team) adds a card from elsewhere; see tests/e2e/conftest.py.
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
from tests.e2e.test_rich_lanes import channel_id, lane_of, persona

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORT = {"width": 1440, "height": 900}
EXTRA_STAGES = ["Install", "First bill", "Change the plan", "Move house"]
THOUGHTS = [
    "Worried the fibre will not reach the flat before the move",
    "Wants one clear price, not a teaser that doubles after a year",
    "Feels lost between the app, the website and the shop",
    "Relieved when the technician calls ahead with a time slot",
    "Annoyed to repeat the contract number to every agent",
    "Proud to have set up the router alone in ten minutes",
]
ACTIONS = [
    "Reads comparison sites and forum threads late at night",
    "Calls the hotline twice to confirm the installation date",
    "Downloads the app to follow the order step by step",
    "Asks a neighbour which provider works in the building",
    "Photographs the router lights and sends them to support",
    "Checks the first bill line by line against the offer",
]
TOUCHPOINTS = [("Price comparator", "website", "irritant"), ("Order confirmation mail", "email", "delight"),
               ("Hotline", "call_centre", "irritant"), ("Technician visit", "in_store", "delight"),
               ("App tracking", "mobile_app", "neutral"), ("Shop counter", "in_store", "neutral")]


def readable_map(workshop: Any) -> tuple[Any, int]:
    """A current-state map of ten stages holding 88 cards and touchpoints, two
    personas' curves and the shared one: the size that made the old "Whole map"
    shrink to 20 %."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document

    journey_map = make_map(workshop, title="Fibre to the home")
    actor = actor_for(workshop.owner, workshop.workspace.id)
    chloe = persona(workshop, "Chloé, first home", "#7c3aed")
    marc = persona(workshop, "Marc, works from home", "#7c3aed")  # the same default colour as Chloé
    use_phase = next(p["id"] for p in map_document(map_id=journey_map.id)["phases"] if p["title"] == "Use")
    ops: list[dict[str, Any]] = [{"op": "create", "entity": "stage", "id": str(uuid.uuid4()),
                                  "fields": {"name": name, "phase": use_phase}} for name in EXTRA_STAGES]
    ops += [{"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()), "fields": {"persona": p}}
            for p in (chloe, marc)]
    ack = apply(map_id=journey_map.id, actor=actor, batch_id="whole-map-structure", ops=ops)
    assert ack.status in ("ok", "rebased"), ack.error
    doc = map_document(map_id=journey_map.id)
    stages = [s["id"] for s in doc["stages"]]
    text_lanes = [lane["id"] for lane in doc["lanes"] if lane["kind"] in ("text", "pain_points", "opportunities")]
    teams = [str(workshop.support.id), str(workshop.sales.id), ""]
    ops = []
    for i, stage in enumerate(stages):
        for k in range(i % 3 + 1):
            title, channel, evaluation = TOUCHPOINTS[(i + k) % len(TOUCHPOINTS)]
            ops.append({"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                        "fields": {"stage": stage, "lane": lane_of(doc, "touchpoints"), "title": title,
                                   "channel": channel_id(channel), "evaluation": evaluation,
                                   "owner_team": teams[k % 2]}})
    # Cards fill the text lanes unevenly (one to three a cell) up to 88 items in all.
    cells = [(i, j) for i in range(len(stages)) for j in range(len(text_lanes))]
    n = 0
    while len(ops) < 88:
        i, j = cells[n % len(cells)]
        if n < len(cells) or (i + j) % 3 >= n // len(cells):
            words = (THOUGHTS if j % 2 == 0 else ACTIONS)[(i + j + n) % 6]
            team = teams[(i + n) % 3]
            ops.append({"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                        "fields": {"stage": stages[i], "lane": text_lanes[j], "text": words,
                                   **({"team": team} if team else {})}})
        n += 1
    scores = {chloe: [1, 2, 0, -3, -1, 1, 2, -2, 0, 1], marc: [0, -1, 1, -2, 2, 2, -1, 0, 1, -3],
              None: [0, 1, 1, -2, 0, 2, 1, -1, 0, 0]}
    for who, points in scores.items():
        for stage, score in zip(stages, points, strict=True):
            ops.append({"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                        "fields": {"stage": stage, "score": score, **({"persona": who} if who else {})}})
    ack = apply(map_id=journey_map.id, actor=actor, batch_id="whole-map-cards", ops=ops)
    assert ack.status in ("ok", "rebased"), ack.error
    doc = map_document(map_id=journey_map.id)
    return journey_map, len(doc["cards"]) + len(doc["touchpoints"])


def big_map(workshop: Any, stages: int = 30, lanes: int = 10, cards: int = 1500) -> Any:
    """The benchmark's map (bench/browser.py): 30 stages x 10 lanes, 1,500 cards."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from maps.services import map_create

    journey_map = map_create(
        workspace=workshop.workspace, title="Big map", actor_user=workshop.owner,
        structure={"stages": [{"name": f"Stage {i + 1}"} for i in range(stages)],
                   "lanes": [{"title": f"Lane {i + 1}"} for i in range(lanes)]})
    doc = map_document(map_id=journey_map.id)
    cells = [(s["id"], lane["id"]) for s in doc["stages"] for lane in doc["lanes"]]
    teams = [str(workshop.support.id), str(workshop.sales.id)]
    ops = [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": stage, "lane": lane, "team": teams[n % 2],
                       "text": f"Card {n + 1}: something the customer does here"}}
           for n, (stage, lane) in enumerate(cells[i % len(cells)] for i in range(cards))]
    actor = actor_for(workshop.owner, workshop.workspace.id)
    for start in range(0, len(ops), 500):
        ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"seed-{start}", ops=ops[start:start + 500])
        assert ack.status == "ok", ack.error
    return journey_map


# Sizes the page reports: effective font sizes (font size x zoom) of the text in the
# summaries and headers, and how much of the scroller the grid covers.
MEASURE = """() => {
  const board = document.getElementById('board');
  const scroller = document.getElementById('board-scroller');
  const zoom = parseFloat(getComputedStyle(board).zoom || '1');
  const sizes = (selector) => [...board.querySelectorAll(selector)]
    .filter((n) => n.getClientRects().length)
    .map((n) => parseFloat(getComputedStyle(n).fontSize) * zoom);
  const cells = [...board.querySelectorAll('.cell')];
  const last = cells[cells.length - 1].getBoundingClientRect();
  const box = scroller.getBoundingClientRect();
  return {
    overview: board.classList.contains('is-overview'),
    zoom,
    summaryText: sizes('.cell-summary .sum-text, .cell-summary .sum-count, .cell-summary .sum-evals'),
    headers: sizes('.stage-name, .lane-title, .phase-band'),
    summaries: board.querySelectorAll('.cell-summary').length,
    gridWidth: Math.min(last.right, box.right) - box.left,
    gridHeight: Math.min(last.bottom, box.bottom) - box.top,
    scrollerWidth: scroller.clientWidth,
    scrollerHeight: scroller.clientHeight,
    zoomLabel: document.getElementById('zoom-level').textContent,
  };
}"""

# Where a cell is against the scroller and its sticky headers, and whether it has the
# focus, once the zoom has settled (a few frames: cells coming into view are laid out).
CELL_PLACE = """async (key) => {
  for (let i = 0; i < 4; i++) await new Promise((done) => requestAnimationFrame(done));
  const cell = document.querySelector(`.cell[data-key="${key}"]`);
  const r = cell.getBoundingClientRect();
  const box = document.getElementById('board-scroller').getBoundingClientRect();
  const header = document.querySelector(`.stage-header[data-stage="${cell.dataset.stage}"]`).getBoundingClientRect();
  const laneHeader = document.querySelector(`.lane-header[data-lane="${cell.dataset.lane}"]`).getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, boxRight: box.right, boxBottom: box.bottom,
          headerBottom: header.bottom, laneRight: laneHeader.right, focused: document.activeElement === cell,
          items: cell.querySelectorAll('.item').length, itemsShown: cell.querySelector('.item')?.getClientRects().length,
          ownSize: cell.style.containIntrinsicSize === '',
          // what shows above the stage headers, across the screen: never a card scrolled under them
          underHeaders: [...Array(20).keys()].map((i) => document.elementFromPoint(
            laneHeader.right + 5 + i * (box.right - laneHeader.right - 10) / 19, header.top - 3)?.closest('.cell') ? 1 : 0)
            .reduce((a, b) => a + b, 0)};
}"""


ON_SCREEN_SUMMARIES = """() => {
  const view = document.getElementById('board-scroller').getBoundingClientRect();
  const cells = [...document.querySelectorAll('.board.is-overview .cell')].filter((cell) => cell.querySelector('.item'));
  const onScreen = cells.filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.left < view.right && box.right > view.left && box.top < view.bottom && box.bottom > view.top;
  });
  return {onScreen: onScreen.length, summarised: onScreen.filter((cell) => cell.querySelector('.cell-summary')).length,
          all: document.querySelectorAll('.board.is-overview .cell-summary').length};
}"""


async def test_the_whole_map_of_88_cards_shows_readable_summaries_that_fill_the_screen(browser, workshop) -> None:
    journey_map, count = await sync_to_async(readable_map)(workshop)
    assert count == 88
    page = await sign_in(browser, workshop.url, "ana")
    await page.set_viewport_size(VIEWPORT)
    await open_editor(page, workshop.url, journey_map.id)
    await page.click("#zoom-fit")
    await page.wait_for_selector(".board.is-overview .cell-summary")
    seen = await page.evaluate(MEASURE)
    await page.screenshot(path=artifact("zoom/whole-map-88-cards.png"))
    assert seen["overview"] and seen["zoom"] == 1
    assert seen["zoomLabel"] == "Overview"
    assert await page.locator("#zoom-fit").get_attribute("aria-pressed") == "true"
    # Every cell that holds something has a summary; all of its text is 11 px or more.
    assert seen["summaries"] == await page.locator(".cell:has(.item)").count() > 30
    assert seen["summaryText"] and min(seen["summaryText"]) >= 11
    assert seen["headers"] and min(seen["headers"]) >= 11
    # The grid uses the width and the height of the screen, not a third of it.
    assert seen["gridWidth"] >= 0.95 * seen["scrollerWidth"]
    assert seen["gridHeight"] >= 0.95 * seen["scrollerHeight"]
    # A touchpoint cell counts its items and shows their evaluations as faces.
    tp_lane = await page.locator(".lane-header.lane-kind-touchpoints").get_attribute("data-lane")
    tp_cell = page.locator(f".cell[data-lane='{tp_lane}']").nth(2)
    assert await tp_cell.locator(".sum-count").inner_text() == str(await tp_cell.locator(".item").count())
    assert await tp_cell.locator(".sum-evals .eval-face").count() >= 1
    description = await tp_cell.get_attribute("aria-description")
    assert "items" in description and ("Irritant" in description or "Delight" in description)
    # The emotion lane is redrawn to the overview's columns: three curves, one per
    # persona and the shared one, side by side across the screen.
    assert await page.locator(".board.is-overview .emotion-line").count() == 3

    # Someone else adds a card while the whole map is shown: its cell's count follows.
    text_cell = page.locator(".cell[data-entity='card']:has(.item)").first
    key = await text_cell.get_attribute("data-key")
    before = int(await text_cell.locator(".sum-count").inner_text())
    stage, lane = key.split("|")

    def add_card() -> None:
        from maps.operations import actor_for, apply

        ack = apply(map_id=journey_map.id, actor=actor_for(workshop.editor, workshop.workspace.id),
                    batch_id="ben-adds", ops=[{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                                               "fields": {"stage": stage, "lane": lane, "text": "Added by Ben"}}])
        assert ack.status == "ok", ack.error

    await sync_to_async(add_card)()
    await page.wait_for_selector(f".cell[data-key='{key}'] .sum-count:text-is('{before + 1}')")

    # A click on a cell goes back to the cards at full size, that cell in view under
    # the sticky headers, with the focus.
    target_key = await tp_cell.get_attribute("data-key")
    await tp_cell.click()
    await page.wait_for_selector(".board:not(.is-overview)")
    assert await page.locator("#zoom-level").inner_text() == "100%"
    place = await page.evaluate(CELL_PLACE, target_key)
    # (on screen again, the cell is sized by its cards, not by the size kept for it)
    assert place["focused"] and place["itemsShown"] and place["ownSize"]
    assert place["underHeaders"] == 0
    assert place["top"] >= place["headerBottom"] - 1 and place["top"] < place["boxBottom"] - 60
    assert place["left"] >= place["laneRight"] - 1 and place["left"] < place["boxRight"] - 100
    await page.screenshot(path=artifact("zoom/whole-map-88-cards-zoomed-to-a-cell.png"))

    # With the keyboard: back to the whole map, an arrow to the next cell, Enter zooms in.
    await page.click("#zoom-fit")
    await page.wait_for_selector(".board.is-overview")
    await page.locator(f".cell[data-key='{target_key}']").focus()
    await page.keyboard.press("ArrowRight")
    next_key = await page.evaluate("() => document.activeElement.dataset.key")
    assert next_key != target_key and next_key.split("|")[1] == tp_lane
    await page.keyboard.press("Enter")
    await page.wait_for_selector(".board:not(.is-overview)")
    place = await page.evaluate(CELL_PLACE, next_key)
    assert place["focused"] and place["top"] >= place["headerBottom"] - 1
    assert not page.errors


async def test_the_whole_map_of_1500_cards_stays_readable_and_fills_the_height(browser, workshop) -> None:
    journey_map = await sync_to_async(big_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    await page.set_viewport_size(VIEWPORT)
    await open_editor(page, workshop.url, journey_map.id)
    assert await page.locator(".item").count() == 1500
    # How long entering the overview takes, to its second frame (reported, not asserted).
    took = await page.evaluate("""async () => {
      const t0 = performance.now();
      document.getElementById('zoom-fit').click();
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return performance.now() - t0;
    }""")
    # 300 cells are more than are summarised at once: those on screen have their
    # summaries by the second frame, the others follow while the page is idle.
    first = await page.evaluate(ON_SCREEN_SUMMARIES)
    assert first["onScreen"] >= 30 and first["summarised"] == first["onScreen"], first
    waited = await page.evaluate("""async () => {
      const t0 = performance.now();
      while (document.querySelectorAll('.board.is-overview .cell-summary').length < 300
             && performance.now() - t0 < 10000) {
        await new Promise((done) => setTimeout(done, 20));
      }
      return performance.now() - t0;
    }""")
    seen = await page.evaluate(MEASURE)
    await page.screenshot(path=artifact("zoom/whole-map-1500-cards.png"))
    assert seen["overview"] and seen["zoom"] == 1
    assert seen["summaries"] == 300
    assert min(seen["summaryText"]) >= 11 and min(seen["headers"]) >= 11
    # Thirty stages do not fit side by side at a readable width: the grid fills the
    # height and the width, and scrolls sideways.
    assert seen["gridWidth"] >= 0.95 * seen["scrollerWidth"]
    assert seen["gridHeight"] >= 0.95 * seen["scrollerHeight"]
    assert await page.evaluate("() => document.getElementById('board-scroller').scrollHeight"
                               " <= document.getElementById('board-scroller').clientHeight + 1")
    # Frames while scrolling sideways through the overview (reported, not asserted).
    frames = await page.evaluate("""async () => {
      const scroller = document.getElementById('board-scroller');
      const gaps = [];
      let last = performance.now();
      for (let i = 0; i < 60; i++) {
        scroller.scrollLeft += 30;
        await new Promise((done) => requestAnimationFrame(done));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      gaps.sort((a, b) => a - b);
      return {median: gaps[30], p95: gaps[56], max: gaps[59]};
    }""")
    print(f"\nwhole map, 1,500 cards: entered in {took:.0f} ms ({first['all']} summaries, every one on screen), "
          f"all 300 {waited:.0f} ms later; scrolling frames {frames}")
    await page.evaluate("() => document.getElementById('board-scroller').scrollTo(0, 0)")
    last_cell = page.locator(".cell[data-entity='card']").last
    await last_cell.scroll_into_view_if_needed()
    key = await last_cell.get_attribute("data-key")
    await last_cell.click()
    await page.wait_for_selector(".board:not(.is-overview)")
    place = await page.evaluate(CELL_PLACE, key)
    assert place["focused"] and place["items"] == 5
    assert place["top"] >= place["headerBottom"] - 1 and place["bottom"] <= place["boxBottom"] + 1
    assert place["left"] >= place["laneRight"] - 1 and place["right"] <= place["boxRight"] + 1
    assert not page.errors


async def test_the_whole_map_speaks_french_and_passes_axe(browser, workshop, axe_script) -> None:  # noqa: F811
    journey_map, _count = await sync_to_async(readable_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await page.context.add_init_script(path=str(axe_script))
    await page.set_viewport_size(VIEWPORT)
    await open_editor(page, workshop.url, journey_map.id)
    await page.get_by_role("button", name="Toute la carte").click()
    await page.wait_for_selector(".board.is-overview .cell-summary")
    assert await page.locator("#zoom-level").inner_text() == "Vue d’ensemble"
    assert await page.locator(".kbd-hint").inner_text() == (
        "Flèches pour se déplacer · Entrée ou un clic montre une cellule en taille réelle")
    tp_lane = await page.locator(".lane-header.lane-kind-touchpoints").get_attribute("data-lane")
    description = await page.locator(f".cell[data-lane='{tp_lane}']").nth(2).get_attribute("aria-description")
    assert "éléments" in description and ("Irritant" in description or "Enchantement" in description)
    await page.screenshot(path=artifact("zoom/whole-map-fr.png"))
    assert await violations(page) == []
    # Home and End go to the first and last cell of the lane.
    await page.locator(f".cell[data-lane='{tp_lane}']").nth(2).focus()
    await page.keyboard.press("End")
    assert await page.evaluate("() => document.activeElement.dataset.col") == "9"
    await page.keyboard.press("Home")
    assert await page.evaluate("() => [document.activeElement.dataset.col, document.activeElement.dataset.lane]") == [
        "0", tp_lane]
    # Back to the cards: the hint is the editing one again.
    await page.get_by_role("button", name="Toute la carte").click()
    await page.wait_for_selector(".board:not(.is-overview)")
    assert "Entrée pour ajouter ou modifier" in await page.locator(".kbd-hint").inner_text()
    assert not page.errors


async def test_a_share_viewer_sees_the_whole_map_without_the_hidden_lane(browser, workshop) -> None:
    from sharing import links as sharing

    journey_map, _count = await sync_to_async(readable_map)(workshop)

    def share() -> tuple[Any, str]:
        from maps.selectors import map_document

        hidden = lane_of(map_document(map_id=journey_map.id), "opportunities")
        return sharing.share_link_create(map=journey_map, created_by=workshop.owner, label="for the wall",
                                         hidden_lanes=[hidden]), hidden

    created, hidden = await sync_to_async(share)()
    # A visitor with the link: no account, read only.
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    await page.goto(f"{workshop.url}{created.path}")
    await page.wait_for_selector(".stage-header")
    await page.click("#zoom-fit")
    await page.wait_for_selector(".board.is-overview .cell-summary")
    seen = await page.evaluate(MEASURE)
    await page.screenshot(path=artifact("zoom/whole-map-share-view.png"))
    assert seen["gridHeight"] >= 0.95 * seen["scrollerHeight"] and min(seen["summaryText"]) >= 11
    assert await page.locator(f"[data-lane='{hidden}']").count() == 0
    assert await page.locator(".lane-header").count() == 5
    cell = page.locator(".cell[data-entity='touchpoint']").nth(5)
    key = await cell.get_attribute("data-key")
    await cell.click()
    await page.wait_for_selector(".board:not(.is-overview)")
    place = await page.evaluate(CELL_PLACE, key)
    assert place["focused"] and place["top"] >= place["headerBottom"] - 1 and place["top"] < place["boxBottom"] - 60
    assert not page.errors


async def test_a_big_map_opens_sized_and_shows_far_edits_by_others_when_scrolled_to(browser, workshop) -> None:
    """300 cells: the page guesses the cells off screen at first and measures them while
    idle; an edit by someone else to a card in the far corner is there when scrolled to,
    as text (never markup), and "Whole map" counts every cell's cards, that one's too."""
    journey_map = await sync_to_async(big_map)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    assert await ana.locator(".item").count() == 1500
    # Every cell ends up with its own size (none left at a guess).
    await ana.wait_for_function(
        "() => [...document.querySelectorAll('.cell')].every((cell) => cell.style.containIntrinsicSize === '')")
    far = ana.locator(".cell[data-entity='card']").last
    key = await far.get_attribute("data-key")
    top_before = await ana.evaluate("(key) => document.querySelector(`.cell[data-key=\"${key}\"]`).offsetTop", key)

    # Ben rewrites the first card of that far cell, with markup in it.
    card = await ana.evaluate("(key) => document.querySelector(`.cell[data-key=\"${key}\"] .item`).dataset.id", key)
    text = "Far away <b>edit</b> & <img src=x onerror=alert(1)>"
    await ben.evaluate("([id, text]) => window.journeymapSync.push([{op: 'update', entity: 'card', id, fields: {text}}])",
                       [card, text])
    await ana.wait_for_function("([id, text]) => document.querySelector(`.item[data-id=\"${id}\"] .item-text`)"
                                "?.textContent === text", arg=[card, text])
    await far.scroll_into_view_if_needed()
    place = await ana.evaluate(CELL_PLACE, key)
    assert place["itemsShown"] and place["items"] == 5
    shown = await ana.evaluate("""(id) => {
      const node = document.querySelector(`.item[data-id="${id}"]`);
      const cell = node.closest('.cell').getBoundingClientRect();
      const box = node.getBoundingClientRect();
      return {markup: node.querySelector('.item-text').children.length, inside: box.bottom <= cell.bottom + 1,
              top: node.closest('.cell').offsetTop};
    }""", card)
    assert shown["markup"] == 0 and shown["inside"], shown
    # Measured before it came into view: its row did not move when it did.
    assert shown["top"] == top_before
    assert await ana.locator(f".item[data-id='{card}'] .item-text").inner_text() == text

    # Whole map: every card cell's count is its number of cards, a card Ben adds there too.
    await ana.click("#zoom-fit")
    await ana.wait_for_selector(".board.is-overview")
    stage, lane = key.split("|")
    await ben.evaluate("([stage, lane]) => window.journeymapSync.push([{op: 'create', entity: 'card',"
                       " id: crypto.randomUUID(), fields: {stage, lane, text: 'One more'}}])", [stage, lane])
    await ana.wait_for_function("(key) => document.querySelector(`.cell[data-key=\"${key}\"] .sum-count`)"
                                "?.textContent === '6'", arg=key)
    # Summaries off screen are built while the page is idle: wait until every card
    # cell with items has one before comparing the counts.
    await ana.wait_for_function("""() => [...document.querySelectorAll('.cell[data-entity=card]')].every((cell) =>
      !cell.querySelector('.item') || cell.querySelector('.cell-summary'))""", timeout=10_000)
    counts = await ana.evaluate("""() => [...document.querySelectorAll('.cell[data-entity=card]')].map((cell) =>
      [cell.querySelectorAll('.item').length, Number(cell.querySelector('.sum-count')?.textContent || 0)])""")
    assert sum(n for n, _ in counts) == 1501 and all(n == shown_n for n, shown_n in counts)
    assert not ana.errors and not ben.errors
