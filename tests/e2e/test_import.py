"""The dashboard's Import button: drop a file, see what the new map will hold,
create it; in English and in French, with the keyboard as well as the mouse.

People: the owner (Ana, Support); see tests/e2e/conftest.py.
"""

from __future__ import annotations

import base64

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import axe_script  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

GRID = ("\ufeffRésiliation;Je cherche comment résilier;J’appelle;Je reçois la confirmation\r\n"
        "phase :;Avant;Pendant;\r\n"
        "Pense & ressent;\"Où est le bouton ?\nC’est caché\";Attente trop longue;Enfin !\r\n"
        "Émotions;-1;-3;2\r\n"
        "Points de contact;Site web;Serveur vocal;Courriel\r\n").encode("utf-8")

MERMAID = b"""journey
  title My working day
  section Go to work
    Make tea: 5: Me
    Do work: 1: Me, Cat <img src=x onerror=alert(1)>
"""


def map_summary(title: str) -> dict:
    from maps.models import JourneyMap, Operation
    from maps.selectors import map_document

    journey_map = JourneyMap.objects.get(title=title)
    document = map_document(map_id=journey_map.id)
    return {"stages": [s["name"] for s in document["stages"]], "cards": len(document["cards"]),
            "touchpoints": len(document["touchpoints"]), "batches": Operation.objects.filter(map=journey_map).count()}


async def drop_file(page, selector: str, name: str, content: bytes, mime: str) -> None:
    """Drop a file on an element as a browser does (a DataTransfer holding a File)."""
    await page.evaluate(
        """([selector, name, data, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const zone = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
              zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
        }""",
        [selector, name, base64.b64encode(content).decode(), mime],
    )


async def test_a_french_spreadsheet_dropped_on_the_dashboard_becomes_a_map(browser, workshop) -> None:
    page = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await page.get_by_role("button", name="Importer").click()
    dialog = page.locator("#import-dialog[open]")
    await dialog.wait_for()
    assert await dialog.get_by_role("heading", name="Importer une carte").is_visible()
    await drop_file(page, "[data-drop-zone]", "résiliation.csv", GRID, "text/csv")
    preview = dialog.locator("[data-import-preview]")
    await preview.wait_for(state="visible")
    stages = await dialog.locator("[data-preview-stages] li").all_inner_texts()
    # A blank phase cell continues the phase on its left (as merged cells read).
    assert stages == ["Je cherche comment résilier · Avant", "J’appelle · Pendant",
                      "Je reçois la confirmation · Pendant"]
    lanes = await dialog.locator("[data-preview-lanes] li").all_inner_texts()
    assert lanes == ["Pense & ressent · Texte", "Émotions · Courbe des émotions",
                     "Points de contact · Points de contact"]
    counts = await dialog.locator("[data-preview-counts]").inner_text()
    assert "Cartes" in counts and "4" in counts
    await page.screenshot(path=artifact("import/dashboard-import-preview-fr.png"))
    await dialog.get_by_role("button", name="Créer la carte").click()
    await page.wait_for_url("**/maps/*/")
    await page.wait_for_selector(".stage-header")
    made = await sync_to_async(map_summary)("Résiliation")
    assert made == {"stages": ["Je cherche comment résilier", "J’appelle", "Je reçois la confirmation"],
                    "cards": 4, "touchpoints": 3, "batches": 1}
    assert "Je cherche comment résilier" in await page.locator(".stage-header").first.inner_text()
    await page.screenshot(path=artifact("import/imported-map-fr.png"))
    assert not page.errors


async def test_a_bad_file_says_where_and_a_mermaid_journey_is_chosen_with_the_keyboard(browser, workshop) -> None:
    page = await sign_in(browser, workshop.url, "ana")
    await page.get_by_role("button", name="Import").click()
    dialog = page.locator("#import-dialog[open]")
    await dialog.wait_for()
    # The drop zone has the focus and is a button for the keyboard too.
    assert await page.evaluate("document.activeElement.matches('[data-drop-zone]')")
    bad = b"stage,name,evaluation\nBuy,Checkout,great\n"
    await page.set_input_files("#import-file", files=[{"name": "list.csv", "mimeType": "text/csv", "buffer": bad}])
    error = dialog.get_by_role("alert")
    await error.wait_for(state="visible")
    assert (await error.inner_text()).startswith("row 2, column `evaluation`: expected delight, neutral or irritant")
    assert await dialog.get_by_role("button", name="Create the map").is_disabled()
    await page.screenshot(path=artifact("import/dashboard-import-error.png"))

    async with page.expect_file_chooser() as chooser_info:
        await dialog.locator("[data-drop-zone]").focus()
        await page.keyboard.press("Enter")
    chooser = await chooser_info.value
    await chooser.set_files(files=[{"name": "day.mmd", "mimeType": "text/plain", "buffer": MERMAID}])
    await dialog.locator("[data-import-preview]").wait_for(state="visible")
    assert not await error.is_visible()
    assert await dialog.locator("[data-preview-stages] li").all_inner_texts() == [
        "Make tea · Go to work", "Do work · Go to work"]
    await dialog.locator("#import-map-title").fill("A day at work")
    await dialog.get_by_role("button", name="Create the map").click()
    await page.wait_for_url("**/maps/*/")
    await page.wait_for_selector(".stage-header")
    made = await sync_to_async(map_summary)("A day at work")
    assert made["stages"] == ["Make tea", "Do work"] and made["batches"] == 1
    # The actor's name came from the file: shown as text, never run.
    assert not page.errors


async def test_the_import_dialog_has_no_serious_accessibility_violation(
        browser, workshop, axe_script) -> None:  # noqa: F811  (the imported fixture)
    from tests.e2e.test_accessibility import violations

    page = await sign_in(browser, workshop.url, "ana")
    await page.context.add_init_script(path=str(axe_script))
    await page.goto(f"{workshop.url}/")
    await page.click("#import-button")
    dialog = page.locator("#import-dialog[open]")
    await dialog.wait_for()
    found = {"empty": await violations(page)}
    await page.set_input_files("#import-file", files=[
        {"name": "list.csv", "mimeType": "text/csv", "buffer": b"stage,name,channel\nBuy,Kiosk,Robot kiosk\n"}])
    await dialog.locator("[data-import-preview]").wait_for(state="visible")
    assert await dialog.locator("[data-preview-warnings] li").count() == 1  # the new channel
    found["preview"] = await violations(page)
    await page.set_input_files("#import-file", files=[
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": b"stage,name,nps\nBuy,Kiosk,500\n"}])
    await dialog.get_by_role("alert").wait_for(state="visible")
    found["error"] = await violations(page)
    assert found == {name: [] for name in found}, found
