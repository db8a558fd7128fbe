"""The editor's safety nets, in a real browser with two people: the side panel with
someone else in the same touchpoint, deleting what holds content and restoring it
from "Recently deleted", the persona picker's empty state and live library, and
the panel never hiding the item it edits.

People: Ana (owner, Support team) and Ben (editor, Sales team) of one workspace;
see tests/e2e/conftest.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import eventually, sign_in, wait_synced
from tests.e2e.test_accessibility import axe_script, violations  # noqa: F401  (axe_script: a fixture)
from tests.e2e.test_editor import make_map, open_editor
from tests.e2e.test_rich_lanes import lane_of, seed, touchpoint

pytestmark = pytest.mark.django_db(transaction=True)

TP = "6b1d7b66-2e1f-4d72-8b8e-3c8e4d5f6071"


async def until(page: Any, script: str, arg: Any = None, timeout: float = 10.0) -> Any:
    """Poll ``script`` in the page (from here: the page's CSP forbids eval-based waits)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await page.evaluate(script, arg)
        if value or loop.time() > deadline:
            assert value, f"still false after {timeout}s: {script}"
            return value
        await asyncio.sleep(0.05)


async def people(browser: Any, workshop: Any, journey_map: Any, *, ben_locale: str = "en-GB") -> tuple[Any, Any]:
    """Ana's and Ben's editors on the map, each seeing the other."""
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben", locale=ben_locale)
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    await ana.wait_for_selector("#presence .avatar[title*='Ben Martin']")
    await ben.wait_for_selector("#presence .avatar[title*='Ana Lopez']")
    return ana, ben


def a_touchpoint(workshop: Any, journey_map: Any, *, stage: int = 1, title: str = "Contact form") -> None:
    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][stage]["id"], "lane": lane_of(doc, "touchpoints"),
                            "title": title, "csat": 30}}]

    seed(workshop, journey_map, ops)


# ---- #14.4: the side panel with two people in one touchpoint -------------------------------

async def test_two_people_in_one_touchpoint_panel_see_each_other_and_nobody_loses_a_value_silently(
        browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    await sync_to_async(a_touchpoint)(workshop, journey_map)
    # Ben reads the editor in French: the notices speak his language.
    ana, ben = await people(browser, workshop, journey_map, ben_locale="fr-FR")
    await ana.locator(f".item[data-id='{TP}']").click()
    await ben.locator(f".item[data-id='{TP}']").click()
    a_panel, b_panel = ana.locator("#side-panel"), ben.locator("#side-panel")

    # Each panel says who else has the touchpoint open.
    await ana.wait_for_selector("#side-panel .panel-peers:not([hidden])")
    assert await a_panel.locator(".panel-peers-text").inner_text() == "Also open by Ben Martin"
    await ben.wait_for_selector("#side-panel .panel-peers:not([hidden])")
    assert await b_panel.locator(".panel-peers-text").inner_text() == "Ouvert aussi par Ana Lopez"

    # Ben clicks into CSAT: Ana's panel marks that field as his.
    await b_panel.locator("input[name=csat]").click()
    badge = a_panel.locator(".panel-row[data-field=csat] .panel-peer-badge")
    await badge.wait_for()
    assert await badge.inner_text() == "Ben Martin is editing"

    # A field Ana is not in takes Ben's change live (NPS).
    await b_panel.locator("input[name=nps]").fill("-20")
    await b_panel.locator("input[name=nps]").press("Enter")
    await until(ana, "() => document.querySelector('#side-panel input[name=nps]').value === '-20'")

    # Both type a CSAT at once; Ben saves first while Ana is still typing: Ana keeps
    # what she typed and is told, inline, who changed it to what.
    await a_panel.locator("input[name=csat]").fill("50")
    await b_panel.locator("input[name=csat]").fill("70")
    await b_panel.locator("input[name=csat]").press("Enter")
    notice = a_panel.locator(".panel-row[data-field=csat] .panel-conflict")
    await notice.wait_for()
    assert await notice.locator(".panel-conflict-text").inner_text() == "Ben Martin changed it to 70 %"
    assert await notice.get_attribute("role") == "alert"
    assert await a_panel.locator("input[name=csat]").input_value() == "50"
    assert await eventually(lambda: touchpoint(TP).csat == 70)
    await ana.screenshot(path=artifact("editor-safety/panel-conflict.png"))

    # She keeps hers: it is saved, and Ben, whose 70 it replaces, is told in turn.
    await notice.locator(".keep-mine").click()
    assert await notice.count() == 0
    assert await eventually(lambda: touchpoint(TP).csat == 50)
    b_notice = b_panel.locator(".panel-row[data-field=csat] .panel-conflict")
    await b_notice.wait_for()
    assert await b_notice.locator(".panel-conflict-text").inner_text() == "Ana Lopez l’a changé en 50 %"
    assert await b_panel.locator("input[name=csat]").input_value() == "50"
    await ben.screenshot(path=artifact("editor-safety/panel-conflict-fr.png"))
    # Ben accepts hers: nothing more is written, the notice goes.
    await b_notice.locator(".keep-theirs").click()
    assert await b_notice.count() == 0

    # Both save a different value at the same moment: whoever the server put first
    # is told that the other's value replaced theirs; both pages show the final value.
    await a_panel.locator("input[name=csat]").fill("40")
    await b_panel.locator("input[name=csat]").fill("45")
    await asyncio.gather(a_panel.locator("input[name=csat]").press("Enter"),
                         b_panel.locator("input[name=csat]").press("Enter"))
    await wait_synced(ana)
    await wait_synced(ben)
    final = await eventually(lambda: touchpoint(TP).csat in (40, 45) and touchpoint(TP).csat)
    loser, winner_name = (ana, "Ben Martin changed it to 45 %") if final == 45 else (ben, "Ana Lopez l’a changé en 40 %")
    winner = ben if loser is ana else ana
    await loser.wait_for_selector("#side-panel .panel-row[data-field=csat] .panel-conflict")
    assert await loser.locator("#side-panel .panel-conflict-text").inner_text() == winner_name
    for page in (ana, ben):
        await until(page, "(v) => document.querySelector('#side-panel input[name=csat]').value === v", f"{final:g}")
    assert await winner.locator("#side-panel .panel-conflict").count() == 0
    assert not ana.errors and not ben.errors


# ---- #14.7: deleting what holds content, and "Recently deleted" --------------------------------

def stage_with_content(workshop: Any, journey_map: Any) -> dict[str, Any]:
    """Stage 2 holds three cards and two touchpoints; stage 4 holds nothing."""
    import uuid

    from maps.selectors import map_document

    doc = map_document(map_id=journey_map.id)
    stage = doc["stages"][1]["id"]
    card_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "text")
    cards = [str(uuid.uuid4()) for _ in range(3)]
    touchpoints = [str(uuid.uuid4()) for _ in range(2)]

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return ([{"op": "create", "entity": "card", "id": card_id,
                  "fields": {"stage": stage, "lane": card_lane, "text": f"Compares prices {i + 1}"}}
                 for i, card_id in enumerate(cards)]
                + [{"op": "create", "entity": "touchpoint", "id": tp_id,
                    "fields": {"stage": stage, "lane": lane_of(doc, "touchpoints"), "title": f"Review site {i + 1}"}}
                   for i, tp_id in enumerate(touchpoints)])

    seed(workshop, journey_map, ops)
    return {"stage": stage, "name": doc["stages"][1]["name"], "cards": cards, "touchpoints": touchpoints,
            "empty_stage": doc["stages"][3]["id"]}


async def open_stage_menu(page: Any, stage: str) -> None:
    header = page.locator(f".stage-header[data-stage='{stage}']")
    await header.hover()
    await header.locator(".header-menu").click()


async def api_json(page: Any, path: str) -> Any:
    return await page.evaluate("""async (path) => {
      const response = await fetch(path, {headers: {Accept: 'application/json'}});
      return {status: response.status, body: await response.json()};
    }""", path)


async def test_a_stage_with_content_is_deleted_only_once_confirmed_and_another_editor_restores_it(
        browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    seeded = await sync_to_async(stage_with_content)(workshop, journey_map)
    stage, held = seeded["stage"], seeded["cards"] + seeded["touchpoints"]
    ana, ben = await people(browser, workshop, journey_map)

    # Ana deletes the stage: a dialog says what goes with it; she cancels first.
    await open_stage_menu(ana, stage)
    await ana.locator("#popover").get_by_role("button", name="Delete").click()
    dialog = ana.get_by_role("dialog", name=f"Delete the stage “{seeded['name']}”?")
    await dialog.wait_for()
    assert await dialog.locator(".confirm-what").inner_text() == "This also deletes 3 cards and 2 touchpoints."
    assert await ana.evaluate("() => document.activeElement.classList.contains('confirm-cancel')")
    await ana.screenshot(path=artifact("editor-safety/confirm-delete-stage.png"))
    await ana.keyboard.press("Escape")  # Escape is "Cancel"
    await dialog.wait_for(state="detached")
    await wait_synced(ana)
    assert await ana.locator(f".stage-header[data-stage='{stage}']").count() == 1

    # Then she confirms: gone on Ben's page with everything it held.
    await open_stage_menu(ana, stage)
    await ana.locator("#popover").get_by_role("button", name="Delete").click()
    await dialog.locator(".confirm-delete").click()
    await ben.wait_for_selector(f".stage-header[data-stage='{stage}']", state="detached")
    for item_id in held:
        assert await ben.locator(f".item[data-id='{item_id}']").count() == 0

    # An empty stage goes at once, without a question (and shows in the list too).
    await open_stage_menu(ana, seeded["empty_stage"])
    await ana.locator("#popover").get_by_role("button", name="Delete").click()
    await ana.wait_for_selector(f".stage-header[data-stage='{seeded['empty_stage']}']", state="detached")
    assert await ana.locator(".confirm-dialog").count() == 0
    await wait_synced(ana)

    # Ben (not the one who deleted it) opens "Recently deleted" and restores the stage.
    await ben.locator("#deleted-button").click()
    entry = ben.locator(f"#side-panel .deleted-item[data-id='{stage}']")
    await entry.wait_for()
    assert await entry.locator(".deleted-label").inner_text() == seeded["name"]
    assert await entry.locator(".deleted-holds").inner_text() == "With 3 cards and 2 touchpoints"
    assert (await entry.locator(".deleted-by").inner_text()).startswith("Deleted by Ana Lopez, ")
    # The two stages, not their cards (the list follows Ana's second delete live).
    await until(ben, "() => document.querySelectorAll('#side-panel .deleted-item').length === 2")
    await ben.screenshot(path=artifact("editor-safety/recently-deleted.png"))
    await entry.get_by_role("button", name=f"Restore: Stage {seeded['name']}").click()

    # Back on both pages, with its cards and touchpoints in their cells.
    for page in (ana, ben):
        await page.wait_for_selector(f".stage-header[data-stage='{stage}']")
        for item_id in held:
            await page.wait_for_selector(f".cell[data-stage='{stage}'] .item[data-id='{item_id}']")
    await entry.wait_for(state="detached")  # the list follows
    await wait_synced(ben)
    document = (await api_json(ana, f"/api/v1/maps/{journey_map.id}/document/"))["body"]
    assert stage in [s["id"] for s in document["stages"]]
    live = {c["id"] for c in document["cards"]} | {t["id"] for t in document["touchpoints"]}
    assert set(held) <= live
    listed = (await api_json(ana, f"/api/v1/maps/{journey_map.id}/deleted/"))["body"]
    assert [(e["entity"], e["id"]) for e in listed] == [("stage", seeded["empty_stage"])]

    def restored_by_ben() -> Any:
        from maps.models import Operation

        last = Operation.objects.filter(map_id=journey_map.id).order_by("-seq").first()
        return last.actor_id == workshop.editor.id and last.ops[0]["op"] == "restore" and last.ops[0]["id"] == stage

    assert await eventually(restored_by_ben)
    assert not ana.errors and not ben.errors


def share_hiding(workshop: Any, journey_map: Any, lane: str) -> str:
    from sharing import links as sharing

    return sharing.share_link_create(map=journey_map, created_by=workshop.owner, label="for Sales",
                                     hidden_lanes=[lane]).path


async def test_a_phase_deleted_from_its_menu_in_french_comes_back_for_everyone_and_a_hidden_lane_stays_hidden(
        browser, workshop) -> None:
    from maps.selectors import map_document

    journey_map = await sync_to_async(make_map)(workshop)
    seeded = await sync_to_async(stage_with_content)(workshop, journey_map)
    doc = await sync_to_async(map_document)(map_id=journey_map.id)
    phase = next(st["phase"] for st in doc["stages"] if st["id"] == seeded["stage"])
    title = next(p["title"] for p in doc["phases"] if p["id"] == phase)
    in_phase = [st["id"] for st in doc["stages"] if st["phase"] == phase]
    card_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "text")
    path = await sync_to_async(share_hiding)(workshop, journey_map, card_lane)
    ana, ben = await people(browser, workshop, journey_map, ben_locale="fr-FR")
    viewer = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    await viewer.goto(f"{workshop.url}{path}")
    await viewer.wait_for_selector(f".stage-header[data-stage='{seeded['stage']}']")
    await viewer.wait_for_selector(f".item[data-id='{seeded['touchpoints'][0]}']")

    # Ben deletes the phase from its band's menu; the question is in French.
    band = ben.locator(f".phase-band[data-phase='{phase}']")
    await band.hover()
    await band.locator(".header-menu").click()
    await ben.locator("#popover").get_by_role("button", name="Supprimer la phase").click()
    dialog = ben.get_by_role("dialog", name=f"Supprimer la phase « {title} » ?")
    await dialog.wait_for()
    assert await dialog.locator(".confirm-what").inner_text() == (
        f"Cela supprime aussi {len(in_phase)} étapes, 3 cartes et 2 points de contact.")
    await ben.screenshot(path=artifact("editor-safety/confirm-delete-phase-fr.png"))
    await dialog.get_by_role("button", name="Supprimer la phase").click()
    for page in (ana, viewer):
        for stage in in_phase:
            await page.wait_for_selector(f".stage-header[data-stage='{stage}']", state="detached")

    # Ana restores it from her list: the stages, cards and touchpoints come back for
    # everyone; the share viewer gets the touchpoints but never the hidden lane's cards.
    await ana.locator("#deleted-button").click()
    entry = ana.locator(f"#side-panel .deleted-item[data-id='{phase}']")
    assert await entry.locator(".deleted-holds").inner_text() == (
        f"With {len(in_phase)} stages, 3 cards and 2 touchpoints")
    await entry.locator(".deleted-restore").click()
    for page in (ana, ben, viewer):
        await page.wait_for_selector(f".phase-band[data-phase='{phase}']")
        for tp_id in seeded["touchpoints"]:
            await page.wait_for_selector(f".cell[data-stage='{seeded['stage']}'] .item[data-id='{tp_id}']")
    for page in (ana, ben):
        for card_id in seeded["cards"]:
            await page.wait_for_selector(f".item[data-id='{card_id}']")
    await wait_synced(ana)
    assert await viewer.locator(".item-card, .cell[data-entity=card] .item").count() == 0
    assert "Compares prices" not in await viewer.content()
    await ben.locator("#deleted-button").click()
    await ben.wait_for_selector("#side-panel .deleted-empty")
    assert await ben.locator("#side-panel .deleted-empty").inner_text() == "Rien n’a été supprimé sur cette carte."
    assert not ana.errors and not ben.errors


# ---- #14.6: "Add a persona" with an empty library, and a live library -------------------------

def persona_rows(workshop: Any, journey_map: Any) -> list[tuple[str, str, bool]]:
    from maps.models import MapPersona
    from personas.models import Persona

    followed = set(MapPersona.objects.filter(map=journey_map, deleted_by_seq__isnull=True)
                   .values_list("persona_id", flat=True))
    return sorted((p.name, p.role, p.id in followed) for p in Persona.objects.filter(workspace=workshop.workspace))


async def test_a_first_persona_is_created_from_the_empty_picker_and_one_made_in_another_tab_shows_live(
        browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    ana, ben = await people(browser, workshop, journey_map)

    # The workspace has no persona: the picker says so and offers to create one, here.
    await ana.locator("#persona-strip .strip-add").click()
    picker = ana.locator("#popover .persona-picker")
    await picker.wait_for()
    assert await picker.locator(".picker-empty").inner_text() == (
        "The workspace has no persona yet: create the first one here.")
    assert "already on this map" not in await picker.inner_text()
    assert await ana.evaluate("() => document.activeElement.classList.contains('persona-create-name')")
    await picker.get_by_role("button", name="Create and add to the map").click()
    assert await picker.get_by_role("alert").inner_text() == "Give the persona a name."
    await picker.get_by_label("Name").fill("Chloé")
    await picker.get_by_label("Who they are").fill("Commuter, first-time buyer")
    await ana.screenshot(path=artifact("editor-safety/persona-picker-empty.png"))
    await picker.get_by_role("button", name="Create and add to the map").click()

    # Created in the library and followed by the map, on both pages.
    for page in (ana, ben):
        await page.wait_for_selector("#persona-strip .persona-pill:has-text('Chloé')")
    assert await eventually(lambda: persona_rows(workshop, journey_map) == [
        ("Chloé", "Commuter, first-time buyer", True)])

    # Ana opens the picker again and leaves it open: everyone is on the map.
    await ana.locator("#persona-strip .strip-add").click()
    await picker.wait_for()
    assert await picker.locator(".picker-empty").inner_text() == "Every persona of the library is already on this map."

    # Meanwhile Ben creates "Marc" in the persona library, in another tab.
    library = await ben.context.new_page()
    await library.goto(f"{workshop.url}/workspaces/{workshop.workspace.id}/personas/")
    await library.fill("#id_name", "Marc")
    await library.fill("#id_role", "Retired, calls rather than clicks")
    await library.locator("#persona-form button[type=submit]").click()
    await library.wait_for_load_state()

    # Ana's open picker lists him without a reload; one click follows him.
    choice = picker.locator(".attach-persona", has_text="Marc")
    await choice.wait_for()
    assert await choice.locator(".attach-role").inner_text() == "Retired, calls rather than clicks"
    assert await picker.locator(".picker-empty").count() == 0
    await ana.screenshot(path=artifact("editor-safety/persona-picker-live.png"))
    await choice.click()
    await ben.wait_for_selector("#persona-strip .persona-pill:has-text('Marc')")
    assert await eventually(lambda: ("Marc", "Retired, calls rather than clicks", True)
                            in persona_rows(workshop, journey_map))
    assert not ana.errors and not ben.errors


# ---- #14.17: the side panel never hides the item it edits ---------------------------------------

FAR_TP = "7c2e8c77-3f20-4e83-9c9f-4d9f5e6a7182"

# Where the item is against the panel, and whether a click at its centre would land on it.
ITEM_AND_PANEL = """(id) => {
  const item = document.querySelector(`#board .item[data-id="${id}"]`).getBoundingClientRect();
  const panel = document.getElementById('side-panel').getBoundingClientRect();
  const hit = document.elementFromPoint(item.left + item.width / 2, item.top + item.height / 2);
  return {
    item: [item.left, item.top, item.right, item.bottom], panel: [panel.left, panel.top, panel.right, panel.bottom],
    overlaps: item.right > panel.left && item.left < panel.right && item.bottom > panel.top && item.top < panel.bottom,
    onTop: Boolean(hit && hit.closest(`.item[data-id="${id}"]`)),
    inViewport: item.left >= 0 && item.top >= 0 && item.right <= innerWidth && item.bottom <= innerHeight,
  };
}"""


async def test_the_panel_opens_beside_the_item_it_edits_at_common_screen_sizes(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        lane = lane_of(doc, "touchpoints")
        return [{"op": "create", "entity": "touchpoint", "id": FAR_TP,
                 "fields": {"stage": doc["stages"][-1]["id"], "lane": lane, "title": "Cancellation letter"}},
                {"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][3]["id"], "lane": lane, "title": "Support hotline"}}]

    await sync_to_async(seed)(workshop, journey_map, ops)
    ana = await sign_in(browser, workshop.url, "ana")
    await ana.set_viewport_size({"width": 1280, "height": 800})
    await open_editor(ana, workshop.url, journey_map.id)
    scroller = ana.locator("#board-scroller")

    for width, height in [(1280, 800), (1366, 768), (1440, 900), (1920, 1080)]:
        await ana.set_viewport_size({"width": width, "height": height})
        for item_id in (TP, FAR_TP):
            await scroller.evaluate("(node) => node.scrollTo({left: 0, top: 0, behavior: 'instant'})")
            await ana.locator(f"#board .item[data-id='{item_id}']").click()
            await ana.wait_for_selector(f"#side-panel[data-id='{item_id}']:not([hidden])")
            where = await ana.evaluate(ITEM_AND_PANEL, item_id)
            assert not where["overlaps"], (width, height, item_id, where)
            assert where["onTop"] and where["inViewport"], (width, height, item_id, where)
            if (width, height, item_id) == (1280, 800, FAR_TP):
                await ana.screenshot(path=artifact("editor-safety/panel-beside-item-1280.png"))
            await ana.keyboard.press("Escape")
            await ana.wait_for_selector("#side-panel", state="hidden")
    assert not ana.errors


async def test_the_confirmation_the_deleted_list_and_the_persona_picker_pass_axe(
        browser, workshop, axe_script) -> None:  # noqa: F811  (the imported fixture)
    journey_map = await sync_to_async(make_map)(workshop)
    seeded = await sync_to_async(stage_with_content)(workshop, journey_map)
    ana = await sign_in(browser, workshop.url, "ana")
    await ana.context.add_init_script(path=str(axe_script))
    await open_editor(ana, workshop.url, journey_map.id)

    await ana.locator(f".item[data-id='{seeded['touchpoints'][0]}']").click()
    await ana.wait_for_selector("#side-panel:not([hidden])")
    assert not await violations(ana)
    await ana.keyboard.press("Escape")
    await open_stage_menu(ana, seeded["stage"])
    await ana.locator("#popover").get_by_role("button", name="Delete").click()
    await ana.wait_for_selector(".confirm-dialog[open]")
    assert not await violations(ana)
    await ana.locator(".confirm-dialog .confirm-delete").click()
    await ana.locator("#deleted-button").click()
    await ana.wait_for_selector("#side-panel .deleted-item")
    assert not await violations(ana)
    await ana.locator("#persona-strip .strip-add").click()
    await ana.wait_for_selector("#popover .persona-create")
    assert not await violations(ana)
    assert not ana.errors
