"""The dashboard as a facilitator uses it: creating a future state that starts from
what they choose, and each map's picture and counts.

People: the owner (Ana, Support) and an editor (Ben, Sales); see tests/e2e/conftest.py.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import seed_showcase

pytestmark = pytest.mark.django_db(transaction=True)


def future_state_content(title: str) -> dict[str, int]:
    from maps.models import JourneyMap
    from maps.selectors import map_document

    doc = map_document(map_id=JourneyMap.objects.get(kind="future_state", title__startswith=title).id)
    return {"stages": len(doc["stages"]), "personas": len(doc["persona_links"]), "cards": len(doc["cards"]),
            "touchpoints": len(doc["touchpoints"])}


async def test_the_future_state_dialog_offers_structure_personas_or_everything(browser, workshop) -> None:
    await sync_to_async(seed_showcase)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    card = page.locator(".map-card", has_text="Online order of a kettle")
    await card.locator("summary").click()
    await card.get_by_role("button", name="Create the future state…").click()
    dialog = page.locator("#future-state-dialog[open]")
    await dialog.wait_for()
    assert await dialog.locator("[data-source-title]").inner_text() == "Online order of a kettle"
    # The sensible default: the frame and the personas, cells to write afresh.
    assert await dialog.locator("input[value=structure_and_personas]").is_checked()
    await page.screenshot(path=artifact("workshop/future-state-dialog.png"))
    await dialog.get_by_text("Structure only").click()
    await dialog.locator("button[type=submit]").click()
    await page.wait_for_url("**/maps/*/")
    await page.wait_for_selector(".stage-header")
    made = await sync_to_async(future_state_content)("Online order of a kettle: future state")
    assert made == {"stages": 6, "personas": 0, "cards": 0, "touchpoints": 0}
    assert not page.errors


async def loaded_width(image, timeout: float = 10.0) -> int:
    """The picture's natural width once the browser has it (lazy images load when seen)."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        width = await image.evaluate("(img) => (img.complete && img.naturalWidth) || 0")
        if width or asyncio.get_running_loop().time() > deadline:
            return width
        await asyncio.sleep(0.1)


async def test_each_map_card_shows_its_picture_and_counts_and_an_edit_refreshes_it(browser, workshop) -> None:
    from tests.e2e.test_editor import open_editor

    maps = await sync_to_async(seed_showcase)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    cards = page.locator(".map-card")
    count = await cards.count()
    assert count == 5
    images = page.locator(".map-card-thumb img")
    for index in range(count):
        await images.nth(index).scroll_into_view_if_needed()
        assert await loaded_width(images.nth(index)) == 320
    blueprint = page.locator(".map-card", has_text="Broadband support blueprint")
    stats = await blueprint.locator(".map-card-stats").inner_text()
    assert "5 stages" in stats and "touchpoint" in stats
    await page.screenshot(path=artifact("workshop/dashboard-thumbnails.png"), full_page=True)
    before = await blueprint.locator(".map-card-thumb img").get_attribute("src")

    # An edit in the editor: back on the dashboard, the picture is the new version's.
    await open_editor(page, workshop.url, maps["blueprint"])
    await page.locator(".cell[data-entity=card]").first.click()
    await page.keyboard.type("Waits for the technician")
    await page.keyboard.press("Enter")
    await page.locator(".item", has_text="Waits for the technician").wait_for()
    from tests.e2e.conftest import wait_synced

    await wait_synced(page)
    await page.goto(f"{workshop.url}/")
    after = await page.locator(".map-card", has_text="Broadband support blueprint").locator(
        ".map-card-thumb img").get_attribute("src")
    assert after != before and after.split("?v=")[0] == before.split("?v=")[0]
    assert not page.errors
