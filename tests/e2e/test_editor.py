"""The workshop editor in a real browser, against a real daphne.

People: the owner (Ana, Support team) and an editor (Ben, Sales team) of one
workspace; see tests/e2e/conftest.py.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.e2e.conftest import eventually, sign_in, wait_synced

pytestmark = pytest.mark.django_db(transaction=True)


def make_map(workshop: Any, key: str = "current_state", language: str = "en", title: str = "Online order") -> Any:
    from templates_lib.models import MapTemplate
    from templates_lib.services import map_from_template

    template = MapTemplate.objects.get(workspace=None, key=key, language=language)
    return map_from_template(template=template, workspace=workshop.workspace, title=title,
                             actor_user=workshop.owner)


def cards(map_id: Any, **filters: Any) -> list[Any]:
    from maps.models import Card

    return list(Card.objects.filter(map_id=map_id, **filters).order_by("position", "id"))


async def open_editor(page: Any, url: str, map_id: Any) -> None:
    await page.goto(f"{url}/maps/{map_id}/")
    await page.wait_for_selector(".stage-header")
    await wait_synced(page)


async def two_people(browser: Any, workshop: Any, journey_map: Any) -> tuple[Any, Any]:
    """Ana's and Ben's pages on the map's editor, both online and seeing each other."""
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    await ana.wait_for_selector("#presence .avatar[title*='Ben Martin']")
    await ben.wait_for_selector("#presence .avatar[title*='Ana Lopez']")
    return ana, ben


async def test_owner_signs_in_and_creates_a_service_blueprint_from_a_template(browser, workshop) -> None:
    page = await sign_in(browser, workshop.url, "ana")
    assert await page.locator(".empty-state").is_visible()
    await page.click("#new-map-button")
    await page.check("input[name=template][data-preview='preview-service_blueprint']")
    preview = page.locator("#preview-service_blueprint")
    assert await preview.is_visible()
    assert await preview.locator(".mini-stage").count() == 5
    assert await page.locator("#preview-current_state").is_hidden()
    await page.fill("#id_title", "Support blueprint")
    await page.fill("#id_goal", "Fewer repeat calls")
    await page.click("#new-map-dialog button[type=submit]")
    await page.wait_for_url("**/maps/*/")
    await page.wait_for_selector(".stage-header")
    assert await page.locator(".stage-header").count() == 5
    assert await page.locator(".lane-header").count() == 10
    # The line of visibility is drawn as a dashed rule across the grid.
    assert await page.locator(".cell.lane-kind-line_of_visibility .visibility-rule").count() == 5
    await wait_synced(page)
    assert await page.locator("#conn-badge").get_attribute("data-status") == "online"

    from maps.models import JourneyMap

    created = await sync_to_async(lambda: JourneyMap.objects.get(title="Support blueprint"))()
    assert created.kind == "service_blueprint" and created.goal == "Fewer repeat calls"
    # Back on the dashboard the map shows as a card with its kind and last editor.
    await page.goto(f"{workshop.url}/")
    card = page.locator(".map-card", has_text="Support blueprint")
    assert await card.locator(".kind-badge").text_content() == "Service blueprint"
    assert "Ana Lopez" in await card.inner_text()
    assert not page.errors


async def test_dashboard_searches_filters_duplicates_archives_and_derives_a_future_state(browser, workshop) -> None:
    await sync_to_async(make_map)(workshop, title="Online order")
    await sync_to_async(make_map)(workshop, key="day_in_the_life", title="A nurse's day")
    page = await sign_in(browser, workshop.url, "ana")
    assert await page.locator(".map-card").count() == 2
    await page.fill("#id_q", "nurse")
    await page.press("#id_q", "Enter")
    await page.wait_for_url("**q=nurse**")
    assert await page.locator(".map-card").count() == 1
    await page.goto(f"{workshop.url}/?kind=current_state")
    assert await page.locator(".map-card").count() == 1
    card = page.locator(".map-card", has_text="Online order")
    await card.locator("summary").click()
    await card.get_by_role("button", name="Duplicate").click()
    await page.wait_for_selector(".map-card:has-text('Online order (copy)')")
    card = page.locator(".map-card", has_text="Online order").first
    await card.locator("summary").click()
    await card.get_by_role("button", name="Create the future state").click()
    await page.click("#future-state-dialog button[type=submit]")
    await page.wait_for_url("**/maps/*/")
    assert "Online order" in await page.locator(".map-meta").inner_text()

    from maps.models import JourneyMap

    future = await sync_to_async(lambda: JourneyMap.objects.get(kind="future_state"))()
    assert future.based_on_id is not None
    await page.goto(f"{workshop.url}/")
    card = page.locator(".map-card", has_text="A nurse's day")
    await card.locator("summary").click()
    await card.get_by_role("button", name="Archive").click()
    await page.wait_for_load_state()
    assert await page.locator(".map-card", has_text="A nurse's day").count() == 0
    archived = await sync_to_async(lambda: JourneyMap.objects.get(title="A nurse's day").archived)()
    assert archived


async def test_cards_are_added_edited_moved_and_deleted_with_undo(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    await open_editor(page, workshop.url, journey_map.id)
    first_cell = page.locator(".cell[data-entity=card]").first
    stage0, lane0 = await first_cell.get_attribute("data-stage"), await first_cell.get_attribute("data-lane")

    # Add: click an empty cell, type, Enter saves; Shift+Enter makes a new line.
    await first_cell.click()
    await page.keyboard.type("Waits for the parcel")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("all day")
    await page.keyboard.press("Enter")
    added = await eventually(lambda: cards(journey_map.id, deleted_by_seq__isnull=True))
    assert [c.text for c in added] == ["Waits for the parcel\nall day"]
    assert str(added[0].stage_id) == stage0 and str(added[0].lane_id) == lane0
    assert added[0].team_id == workshop.support.id  # the author's team by default
    card = page.locator(f".item[data-id='{added[0].id}']")
    assert "Support" in await card.inner_text()

    # Edit: Escape cancels, Enter saves.
    await card.click()
    await page.keyboard.press("Control+a")
    await page.keyboard.type("discarded")
    await page.keyboard.press("Escape")
    await card.click()
    await page.keyboard.press("Control+a")
    await page.keyboard.type("Checks the tracking page")
    await page.keyboard.press("Enter")
    await wait_synced(page)
    assert await eventually(lambda: cards(journey_map.id)[0].text == "Checks the tracking page")

    # Add a second card with the keyboard: focus the cell, Enter, type, Enter.
    await first_cell.focus()
    await page.keyboard.press("Enter")
    await page.keyboard.type("Calls support")
    await page.keyboard.press("Enter")
    await wait_synced(page)
    texts = await eventually(lambda: [c.text for c in cards(journey_map.id, deleted_by_seq__isnull=True)])
    assert texts == ["Checks the tracking page", "Calls support"]

    # Move by drag and drop into the next stage's cell.
    target = page.locator(f".cell[data-lane='{lane0}']").nth(1)
    stage1 = await target.get_attribute("data-stage")
    moving = page.locator(".item", has_text="Calls support")
    await moving.drag_to(target)
    moved = await eventually(lambda: [c for c in cards(journey_map.id, text="Calls support")
                                      if str(c.stage_id) == stage1])
    assert moved, "the drop did not move the card"
    assert await target.locator(".item", has_text="Calls support").count() == 1

    # Undo the move (Ctrl+Z): the card goes back to the first stage.
    await page.locator("#board").click(position={"x": 5, "y": 5})
    await page.keyboard.press("Control+z")
    assert await eventually(lambda: str(cards(journey_map.id, text="Calls support")[0].stage_id) == stage0)
    # Redo (Ctrl+Shift+Z) moves it again.
    await page.keyboard.press("Control+Shift+z")
    assert await eventually(lambda: str(cards(journey_map.id, text="Calls support")[0].stage_id) == stage1)

    # Move with the keyboard: Alt+Left puts it back into the first stage's cell.
    await page.locator(".item", has_text="Calls support").focus()
    await page.keyboard.press("Alt+ArrowLeft")
    assert await eventually(lambda: str(cards(journey_map.id, text="Calls support")[0].stage_id) == stage0)

    # Delete with the keyboard, then undo restores the same card.
    await wait_synced(page)
    doomed = page.locator(".item", has_text="Checks the tracking page")
    doomed_id = await doomed.get_attribute("data-id")
    await doomed.focus()
    await page.keyboard.press("Delete")
    assert await eventually(lambda: cards(journey_map.id, id=doomed_id, deleted_by_seq__isnull=False))
    assert await page.locator(f".item[data-id='{doomed_id}']").count() == 0
    await page.get_by_role("button", name="Undo").first.click()
    assert await eventually(lambda: cards(journey_map.id, id=doomed_id, deleted_by_seq__isnull=True))
    await page.wait_for_selector(f".item[data-id='{doomed_id}']")

    # Undo of an edit puts the previous text back.
    await page.locator(f".item[data-id='{doomed_id}']").click()
    await page.keyboard.press("Control+a")
    await page.keyboard.type("Edited once")
    await page.keyboard.press("Enter")
    assert await eventually(lambda: cards(journey_map.id, id=doomed_id)[0].text == "Edited once")
    await page.locator("#undo-button").click()
    assert await eventually(lambda: cards(journey_map.id, id=doomed_id)[0].text == "Checks the tracking page")
    assert not page.errors


async def test_stages_and_lanes_are_added_renamed_reordered_and_deleted(browser, workshop) -> None:
    from maps.models import Lane, Stage

    journey_map = await sync_to_async(make_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    await open_editor(page, workshop.url, journey_map.id)
    await page.click(".add-stage")
    # The new header opens for renaming on the next frame: type only once it has.
    await page.wait_for_selector(".stage-header .inline-editor")
    await page.keyboard.press("Control+a")
    await page.keyboard.type("Track my parcel")
    await page.keyboard.press("Enter")
    assert await eventually(lambda: Stage.objects.filter(map=journey_map, name="Track my parcel").exists())
    headers = page.locator(".stage-header .stage-name")
    assert (await headers.all_inner_texts())[-1] == "Track my parcel"

    await page.click(".add-lane")
    await page.wait_for_selector(".lane-header .inline-editor")
    await page.keyboard.press("Control+a")
    await page.keyboard.type("Pain points")
    await page.keyboard.press("Enter")
    assert await eventually(lambda: Lane.objects.filter(map=journey_map, title="Pain points").exists())

    # Reorder the first lane below the second by drag and drop on its header.
    lanes = page.locator(".lane-header")
    first_title = await lanes.nth(0).locator(".lane-title").inner_text()
    await lanes.nth(0).drag_to(lanes.nth(1), target_position={"x": 40, "y": 70})
    await page.wait_for_function(
        "(t) => document.querySelectorAll('.lane-header')[0] && "
        "[...document.querySelectorAll('.lane-header')].sort((a, b) => a.style.gridRowStart - b.style.gridRowStart)"
        "[1].querySelector('.lane-title').textContent === t", arg=first_title)

    # Delete the new stage from its menu; Undo in the toast restores it.
    stage = page.locator(".stage-header", has_text="Track my parcel")
    await stage.hover()
    await stage.locator(".header-menu").click()
    await page.locator("#popover").get_by_role("button", name="Delete").click()
    assert await eventually(lambda: Stage.objects.filter(name="Track my parcel", deleted_by_seq__isnull=False).exists())
    await page.locator(".toast").get_by_role("button", name="Undo").click()
    assert await eventually(lambda: Stage.objects.filter(name="Track my parcel", deleted_by_seq__isnull=True).exists())
    assert not page.errors


async def test_two_people_see_each_others_edits_and_presence_live(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    # Each sees the other in the presence bar.
    ana, ben = await two_people(browser, workshop, journey_map)

    # Ana adds a card; Ben sees it appear, with Ana's team.
    await ana.locator(".cell[data-entity=card]").first.click()
    await ana.keyboard.type("Can't find the delivery slot")
    await ana.keyboard.press("Enter")
    remote = ben.locator(".item", has_text="Can't find the delivery slot")
    await remote.wait_for()
    assert "Support" in await remote.inner_text()

    # Ben starts editing it: Ana sees "Ben is editing" on the card, softly locked.
    await remote.click()
    on_ana = ana.locator(".item", has_text="Can't find the delivery slot")
    await ana.wait_for_selector(".item.is-locked .editing-badge:has-text('Ben Martin is editing')")
    await on_ana.click()
    assert await ana.locator(".inline-editor").count() == 0
    await ana.wait_for_selector(".toast:has-text('Ben Martin is editing this card')")

    # Ben's edit reaches Ana, and the lock goes away.
    await ben.keyboard.press("End")
    await ben.keyboard.type(" on the website")
    await ben.keyboard.press("Enter")
    await ana.wait_for_selector(".item:has-text(\"Can't find the delivery slot on the website\")")
    await ana.wait_for_selector(".item.is-locked", state="detached")

    # Ben's move reaches Ana too.
    target = ben.locator(".cell[data-entity=card]").nth(1)
    stage1 = await target.get_attribute("data-stage")
    await ben.locator(".item", has_text="on the website").drag_to(target)
    await ana.wait_for_selector(f".cell[data-stage='{stage1}'] .item:has-text('on the website')")
    assert not ana.errors and not ben.errors


async def test_the_editor_speaks_french_and_the_switcher_changes_language(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, language="fr", title="Commande en ligne")
    page = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    assert await page.locator("h1").inner_text() == "Cartes de parcours"
    await open_editor(page, workshop.url, journey_map.id)
    assert await page.locator("#conn-badge").inner_text() == "En ligne"
    assert await page.locator("#zoom-fit").inner_text() == "Toute la carte"
    # The map is in its own language: French stages from the French template.
    names = await page.locator(".stage-name").all_inner_texts()
    assert "Comparer les offres" in names, names
    assert await page.locator("#board").get_attribute("lang") == "fr"
    # Editor strings come from the server in French too.
    await page.locator(".cell[data-entity=card]").first.click()
    assert "Entrée" in await page.locator(".inline-editor").get_attribute("placeholder")
    await page.keyboard.press("Escape")

    # The switcher posts to /i18n/setlang/ and the page comes back in English.
    await page.select_option("#lang-select", "en")
    await page.wait_for_selector("#zoom-fit:has-text('Whole map')")
    assert not page.errors


async def test_a_rejected_edit_is_rolled_back_with_a_readable_message(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    await open_editor(page, workshop.url, journey_map.id)
    await page.locator(".cell[data-entity=card]").first.click()
    await page.keyboard.type("Original text")
    await page.keyboard.press("Enter")
    await wait_synced(page)
    card_id = await page.locator(".item", has_text="Original text").get_attribute("data-id")
    # An edit the server refuses (card text over 10,000 characters) shows, then rolls back.
    await page.evaluate(
        "(id) => window.journeymapSync.push([{op: 'update', entity: 'card', id, fields: {text: 'x'.repeat(10001)}}])",
        card_id)
    toast = page.locator(".toast-error")
    await toast.wait_for()
    assert "Your change was undone" in await toast.inner_text()
    assert "10000" in (await toast.inner_text()).replace(",", "")
    await wait_synced(page)
    assert await page.locator(f".item[data-id='{card_id}'] .item-text").inner_text() == "Original text"

    # A card added to a stage someone else has just deleted: rolled back, with the reason in words.
    stage_id = await page.locator(".stage-header").last.get_attribute("data-stage")

    def ben_deletes_the_stage() -> None:
        from maps.operations import actor_for, apply

        ack = apply(map_id=journey_map.id, actor=actor_for(workshop.editor, workshop.workspace.id),
                    batch_id="ben-deletes", ops=[{"op": "delete", "entity": "stage", "id": stage_id}])
        assert ack.status == "ok", ack.error

    lane_id = await page.locator(".lane-header").first.get_attribute("data-lane")
    await sync_to_async(ben_deletes_the_stage)()
    await page.wait_for_selector(f".stage-header[data-stage='{stage_id}']", state="detached")
    await page.evaluate(
        "([stage, lane]) => window.journeymapSync.push([{op: 'create', entity: 'card', id: crypto.randomUUID(),"
        " fields: {stage, lane, text: 'Too late'}}])", [stage_id, lane_id])
    await page.wait_for_selector(".toast-error:has-text('its stage or lane was deleted by someone else')")
    await wait_synced(page)
    assert await page.locator(".item", has_text="Too late").count() == 0


async def test_the_badge_counts_unsent_edits_offline_and_they_are_sent_on_reconnect(browser, workshop) -> None:
    from tests.servers import start_daphne

    journey_map = await sync_to_async(make_map)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    await open_editor(page, workshop.url, journey_map.id)
    await sync_to_async(workshop.server.stop)()
    badge = page.locator("#conn-badge")
    await page.wait_for_function("() => ['reconnecting', 'offline'].includes(document.querySelector('#conn-badge').dataset.status)")
    await page.locator(".cell[data-entity=card]").first.click()
    await page.keyboard.type("Written while offline")
    await page.keyboard.press("Enter")
    await page.wait_for_function("() => document.querySelector('#conn-badge').dataset.pending === '1'")
    assert "1 unsent" in await badge.inner_text()
    assert await page.locator(".item", has_text="Written while offline").count() == 1

    restarted = await sync_to_async(lambda: start_daphne(port=workshop.server.port).wait_ready())()
    try:
        await wait_synced(page, timeout=40_000)
        assert await badge.inner_text() == "Online"
        saved = await eventually(lambda: cards(journey_map.id, text="Written while offline"))
        assert len(saved) == 1
    finally:
        await sync_to_async(restarted.stop)()


async def test_a_viewer_sees_the_map_live_but_cannot_edit(browser, workshop) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    def add_viewer() -> None:
        # viewer: a teammate who may only look.
        viewer = UserFactory(username="vic", first_name="Vic", last_name="Viewer")
        Membership.objects.create(workspace=workshop.workspace, user=viewer, role=Role.VIEWER)

    await sync_to_async(add_viewer)()
    journey_map = await sync_to_async(make_map)(workshop)
    vic = await sign_in(browser, workshop.url, "vic")
    assert await vic.locator("#new-map-button").count() == 0
    await open_editor(vic, workshop.url, journey_map.id)
    assert await vic.locator("#undo-button").count() == 0
    assert await vic.locator(".cell-add, .add-stage, .header-menu").count() == 0
    await vic.locator(".cell[data-entity=card]").first.click()
    assert await vic.locator(".inline-editor").count() == 0
    # Ana's edit still reaches the viewer live.
    ana = await sign_in(browser, workshop.url, "ana")
    await open_editor(ana, workshop.url, journey_map.id)
    await ana.locator(".cell[data-entity=card]").first.click()
    await ana.keyboard.type("Seen by the viewer")
    await ana.keyboard.press("Enter")
    await vic.wait_for_selector(".item:has-text('Seen by the viewer')")


async def test_the_account_page_shows_and_renews_the_api_token(browser, workshop) -> None:
    from rest_framework.authtoken.models import Token

    page = await sign_in(browser, workshop.url, "ana")
    await page.click(".user-chip")
    await page.wait_for_url("**/account/")
    shown = await page.input_value("#api-token")
    stored = await sync_to_async(lambda: Token.objects.get(user__username="ana").key)()
    assert shown == stored and len(shown) == 40
    await page.get_by_role("button", name="Create a new token").click()
    await page.wait_for_load_state()
    renewed = await page.input_value("#api-token")
    assert renewed != shown
    assert renewed == await sync_to_async(lambda: Token.objects.get(user__username="ana").key)()
    # Signing out leads back to the sign-in page.
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/accounts/login/")


async def test_rich_lanes_render_and_arrow_keys_walk_the_grid(browser, workshop) -> None:
    from maps.operations import actor_for, apply
    from personas.models import Persona
    from touchpoints.models import Channel

    journey_map = await sync_to_async(make_map)(workshop)

    def seed() -> dict[str, Any]:
        from maps.selectors import map_document

        doc = map_document(map_id=journey_map.id)
        stages = [s["id"] for s in doc["stages"]]
        touch_lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints")
        phone = Channel.objects.get(workspace=None, key="call_centre")
        persona = Persona.objects.create(workspace=workshop.workspace, name="Chloé", color="#7c3aed")
        ops = [
            {"op": "create", "entity": "touchpoint", "id": "7f1e1c8e-2f7e-4a0e-9c55-0a1b2c3d4e5f",
             "fields": {"stage": stages[3], "lane": touch_lane, "title": "Hotline", "channel": str(phone.id),
                        "evaluation": "irritant"}},
            {"op": "create", "entity": "persona_link", "id": "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",
             "fields": {"persona": str(persona.id)}},
            {"op": "create", "entity": "moment", "id": "2c3d4e5f-6071-4829-9bac-1d2e3f4a5b6c",
             "fields": {"stage": stages[2], "title": "First delivery", "valence": "negative"}},
            {"op": "create", "entity": "card", "id": "3d4e5f60-7182-493a-8cbd-2e3f4a5b6c7d",
             "fields": {"stage": stages[0], "lane": doc["lanes"][0]["id"], "text": "Sales note",
                        "team": str(workshop.sales.id)}},
            {"op": "create", "entity": "card", "id": "4e5f6071-8293-4a4b-9dce-3f4a5b6c7d8e",
             "fields": {"stage": stages[0], "lane": doc["lanes"][0]["id"], "text": "Support note",
                        "team": str(workshop.support.id)}},
        ]
        ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id),
                    batch_id="seed-rich", ops=ops)
        assert ack.status == "ok", ack.error
        return {"stages": stages}

    seeded = await sync_to_async(seed)()
    page = await sign_in(browser, workshop.url, "ana")
    # The dashboard card shows the persona's avatar.
    assert await page.locator(".map-card .persona-stack .avatar[title='Chloé']").count() == 1
    await open_editor(page, workshop.url, journey_map.id)
    hotline = page.locator(".item-touchpoint", has_text="Hotline")
    assert "call_centre.svg" in await hotline.locator(".item-icon").get_attribute("style")
    assert await hotline.get_attribute("data-evaluation") == "irritant"
    # The moment of truth shows as a star on its stage's header.
    star = page.locator(f".stage-header[data-stage='{seeded['stages'][2]}'] .moment-star")
    assert "First delivery" in await star.get_attribute("aria-label")

    # Team filter: highlight dims the other teams' cards, "Only" hides them.
    await page.select_option("#team-filter", str(workshop.sales.id))
    assert await page.locator(".item.team-match .item-text").all_inner_texts() == ["Sales note"]
    # (opacity fades in over a short transition: wait for it rather than sample it once)
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.item')].some((n) => n.textContent.includes('Support note')"
        " && Number(getComputedStyle(n).opacity) < 0.5)")
    await page.locator(".segmented label", has_text="Only").click()
    assert await page.locator(".item", has_text="Support note").is_hidden()
    assert await page.locator(".item", has_text="Sales note").is_visible()
    await page.select_option("#team-filter", "")
    assert await page.locator(".item", has_text="Support note").is_visible()

    # The emotion lane: pick +2 at the first stage and -3 at the second; the curve has two points.
    emotion_cells = page.locator(".cell[data-entity=emotion]")
    await emotion_cells.nth(0).click()
    await page.locator("#popover .score-btn", has_text="+2").click()
    await emotion_cells.nth(1).click()
    await page.locator("#popover .score-btn", has_text="-3").click()
    await page.wait_for_function("() => document.querySelectorAll('.emotion-point').length === 2")
    assert await page.locator(".emotion-zero").count() == 1
    assert await page.locator(".emotion-line").count() == 1

    from maps.models import EmotionPoint

    def scores() -> list[int]:
        return sorted(EmotionPoint.objects.filter(map=journey_map).values_list("score", flat=True))

    assert await eventually(lambda: scores() == [-3, 2]), await sync_to_async(scores)()

    # Arrow keys move the focus cell by cell; Home jumps to the first stage.
    position = "() => [document.activeElement.dataset.row, document.activeElement.dataset.col]"
    await page.locator(".cell[data-row='0'][data-col='0']").focus()
    await page.keyboard.press("ArrowRight")
    assert await page.evaluate(position) == ["0", "1"]
    await page.keyboard.press("ArrowDown")
    assert await page.evaluate(position) == ["1", "1"]
    await page.keyboard.press("Home")
    assert await page.evaluate(position) == ["1", "0"]
    assert len(seeded["stages"]) == 6
    assert not page.errors


# ---- screenshots people look at (test-artifacts/editor/) ----------------------------------

def seed_showcase(workshop: Any) -> dict[str, Any]:
    """A workspace as a CX team has it after a few workshops: maps of every kind, two
    personas with their emotion curves, cards of three teams, touchpoints, a moment
    of truth, and a French map."""
    from maps.models import Membership
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from maps.services.copy import map_future_state
    from personas.models import Persona
    from touchpoints.models import Channel
    from workspaces.services import team_add

    marketing = team_add(workspace=workshop.workspace, name="Marketing", color="#c026d3")
    chloe = Persona.objects.create(workspace=workshop.workspace, name="Chloé", role="First-time buyer", color="#db2777")
    marc = Persona.objects.create(workspace=workshop.workspace, name="Marc", role="Loyal customer", color="#0891b2")
    channel = {c.key: str(c.id) for c in Channel.objects.filter(workspace=None)}
    teams = {"support": str(workshop.support.id), "sales": str(workshop.sales.id), "marketing": str(marketing.id)}

    def fill(journey_map: Any, user: Any, build: Any) -> None:
        doc = map_document(map_id=journey_map.id)
        stages = [s["id"] for s in doc["stages"]]
        lanes = {}
        for lane in doc["lanes"]:
            lanes.setdefault(lane["kind"], []).append(lane["id"])
        ops = []

        def add(entity: str, **fields: Any) -> str:
            new_id = str(uuid.uuid4())
            ops.append({"op": "create", "entity": entity, "id": new_id, "fields": fields})
            return new_id

        build(add, stages, lanes)
        ack = apply(map_id=journey_map.id, actor=actor_for(user, workshop.workspace.id),
                    batch_id=f"showcase-{uuid.uuid4()}", ops=ops)
        assert ack.status == "ok", ack.error

    def online_order(add: Any, stages: list[str], lanes: dict[str, list[str]]) -> None:
        thinks, actions, how = lanes["text"][0], lanes["text"][1], lanes["text"][2]
        for persona in (chloe, marc):
            add("persona_link", persona=str(persona.id))
        rows = [
            (thinks, ["My old kettle just broke, I need one by Friday", "Too many models: which one lasts?",
                      "Why do I need an account to pay?", "The parcel is late and nobody tells me why",
                      "A voucher would change my mind", "The refund was quick, I'll tell my sister"],
             ["marketing", "marketing", "sales", "support", "sales", "marketing"]),
            (actions, ["Searches “best kettle” on the phone", "Reads three review sites",
                       "Abandons the cart, comes back the next day", "Calls the hotline, waits 12 minutes",
                       "Compares with a competitor's offer", "Posts a review"],
             ["marketing", "marketing", "sales", "support", "sales", "marketing"]),
            (how, ["Sees an ad on social media", "", "Checkout asks for too much", "No tracking e-mail sent",
                   "", "Review invitation arrives a week later"],
             ["marketing", "", "sales", "support", "", "marketing"]),
        ]
        for lane, texts, owners in rows:
            for stage, text, owner in zip(stages, texts, owners, strict=True):
                if text:
                    add("card", stage=stage, lane=lane, text=text, team=teams[owner] if owner else None)
        add("card", stage=stages[3], lane=thinks, text="Would rather chat than call", team=teams["support"],
            color="#fef3c7")
        touch = lanes["touchpoints"][0]
        for stage, key, title, evaluation, owner in [
            (0, "social_networks", "Instagram ad", "neutral", "marketing"),
            (1, "review_sites", "Review sites", "delight", "marketing"),
            (2, "website", "Checkout", "irritant", "sales"),
            (3, "call_centre", "Hotline", "irritant", "support"),
            (4, "email", "Win-back e-mail", "neutral", "sales"),
            (5, "word_of_mouth", "Tells friends", "delight", ""),
        ]:
            tp = add("touchpoint", stage=stages[stage], lane=touch, title=title, channel=channel[key],
                     evaluation=evaluation, owner_team=teams[owner] if owner else None)
            if key == "call_centre":
                add("moment", stage=stages[stage], touchpoint=tp, title="First call about the late parcel",
                    valence="negative", importance=5, impact=4)
        for persona, scores in ((chloe, [1, 0, -2, -3, -1, 2]), (marc, [2, 1, 0, -1, 1, 3])):
            for stage, score in zip(stages, scores, strict=True):
                add("emotion", stage=stage, persona=str(persona.id), score=score)
        opportunities = lanes["opportunities"][0]
        add("card", stage=stages[2], lane=opportunities, text="Guest checkout", team=teams["sales"], priority="high")
        add("card", stage=stages[3], lane=opportunities, text="Send a delivery SMS before customers ask",
            team=teams["support"], priority="medium")

    def blueprint(add: Any, stages: list[str], lanes: dict[str, list[str]]) -> None:
        thinks, why, evidence, actions = lanes["text"]
        rows = [
            (evidence, ["The box's lights", "A blinking red light", "The help pages", "The agent's e-mail",
                        "An SMS: “your line is fixed”"], "marketing"),
            (actions, ["Streams in the evening", "Restarts the box twice", "Searches the help pages",
                       "Calls support", "Answers the survey"], "support"),
            (thinks, ["The box works, I forget about it", "The internet keeps dropping in the evening",
                      "I can't find the right number to call", "The agent understood me quickly",
                      "Fixed, and they called back as promised"], "support"),
            (why, ["Nothing to do", "Working from home tonight", "Help pages talk about another model",
                   "She could see my line's history", "A follow-up call two days later"], "support"),
            (lanes["frontstage"][0], ["Monthly e-mail bill", "Status page shows “all fine”",
                                      "Phone menu with six choices", "Agent runs a line test while talking",
                                      "Follow-up call and SMS"], "support"),
            (lanes["backstage"][0], ["", "Outage detected in the district", "Call routed to level 1",
                                     "Ticket escalated to the network team", "Ticket closed, survey sent"], "sales"),
            (lanes["support"][0], ["Billing system", "Network monitoring", "Phone routing (IVR)",
                                   "CRM with line history", "Survey tool"], "marketing"),
        ]
        for lane, texts, owner in rows:
            for stage, text in zip(stages, texts, strict=True):
                if text:
                    add("card", stage=stage, lane=lane, text=text, team=teams[owner])

    def commande(add: Any, stages: list[str], lanes: dict[str, list[str]]) -> None:
        thinks, actions = lanes["text"][0], lanes["text"][1]
        add("persona_link", persona=str(chloe.id))
        for stage, text in zip(stages, ["Ma bouilloire vient de lâcher", "Trop de modèles, lequel dure ?",
                                        "Pourquoi créer un compte pour payer ?", "Le colis a du retard",
                                        "Un bon de réduction me ferait rester", "Je le conseille à ma sœur"],
                               strict=True):
            add("card", stage=stage, lane=thinks, text=text, team=teams["support"])
        for stage, text in zip(stages[:4], ["Cherche sur son téléphone", "Lit des avis en ligne",
                                            "Abandonne le panier", "Appelle le service client"], strict=True):
            add("card", stage=stage, lane=actions, text=text, team=teams["sales"])
        add("touchpoint", stage=stages[3], lane=lanes["touchpoints"][0], title="Service client",
            channel=channel["call_centre"], evaluation="irritant")
        for stage, score in zip(stages, [1, 0, -2, -3, -1, 2], strict=True):
            add("emotion", stage=stage, persona=str(chloe.id), score=score)

    def nurse(add: Any, stages: list[str], lanes: dict[str, list[str]]) -> None:
        add("persona_link", persona=str(marc.id))
        add("persona_link", persona=str(chloe.id))
        for stage, text in zip(stages, ["Checks the night notes", "Ward round", "Paperwork piles up",
                                        "Hands over to the night shift", "On call"], strict=True):
            add("card", stage=stage, lane=lanes["text"][1], text=text, team=teams["support"])

    Membership.objects.filter(workspace=workshop.workspace, user=workshop.editor).update(team=workshop.sales)
    nurse_map = make_map(workshop, key="day_in_the_life", title="A nurse's day")
    fill(nurse_map, workshop.editor, nurse)
    french = make_map(workshop, language="fr", title="Commande en ligne")
    fill(french, workshop.owner, commande)
    blueprint_map = make_map(workshop, key="service_blueprint", title="Broadband support blueprint")
    blueprint_map.goal = "Fewer repeat calls when the line drops"
    blueprint_map.save(update_fields=["goal"])
    fill(blueprint_map, workshop.editor, blueprint)
    current = make_map(workshop, title="Online order of a kettle")
    current.goal = "Understand why first-time buyers abandon their cart"
    current.save(update_fields=["goal"])
    fill(current, workshop.owner, online_order)
    future = map_future_state(source=current, title="Online order — future state", actor_user=workshop.editor,
                              content="everything")
    return {"current": current.id, "future": future.id, "blueprint": blueprint_map.id, "french": french.id}


def overflowing(page: Any, selector: str) -> Any:
    """Elements matching ``selector`` whose text does not fit their box."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
          .filter((n) => n.offsetParent !== null && (n.scrollWidth > n.clientWidth + 1))
          .map((n) => n.className + ': ' + n.textContent.trim().slice(0, 60))""", selector)


async def test_screenshots_of_the_dashboard_the_editor_and_the_template_picker(browser, workshop) -> None:
    from tests.conftest import artifact

    maps = await sync_to_async(seed_showcase)(workshop)
    page = await sign_in(browser, workshop.url, "ana")
    # The dashboard: five maps of four kinds, persona avatars, who edited last.
    assert await page.locator(".map-card").count() == 5
    kinds = set(await page.locator(".map-card .kind-badge").all_text_contents())
    assert kinds == {"Current state", "Future state", "Service blueprint", "A day in the life"}
    assert await page.locator(".map-card .persona-stack .avatar").count() >= 6
    await page.screenshot(path=artifact("editor/dashboard.png"), full_page=True)
    assert await overflowing(page, ".map-card-title, .kind-badge, .edited, .chip, .btn") == []

    # The template picker, on the service blueprint's preview.
    await page.click("#new-map-button")
    await page.check("input[name=template][data-preview='preview-service_blueprint']")
    await page.locator("#preview-service_blueprint").wait_for()
    await page.locator("#new-map-dialog").screenshot(path=artifact("editor/template-picker.png"))
    await page.keyboard.press("Escape")

    # The editor on the service blueprint, and on the current state with its curves.
    await open_editor(page, workshop.url, maps["blueprint"])
    assert await page.locator(".cell.lane-kind-line_of_visibility .visibility-rule").count() == 5
    await page.screenshot(path=artifact("editor/service-blueprint.png"))
    assert await overflowing(page, ".stage-name, .lane-title, .team-tag, .conn-badge, .map-title") == []
    await open_editor(page, workshop.url, maps["current"])
    await page.wait_for_function("() => document.querySelectorAll('.emotion-line').length === 2")
    await page.screenshot(path=artifact("editor/current-state.png"))

    # Ben, editing a card of that map, as Ana sees it: his avatar, the marker, a flash.
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ben, workshop.url, maps["current"])
    await ben.locator(".item", has_text="Calls the hotline").click()
    await page.wait_for_selector(".item.is-locked .editing-badge:has-text('Ben Martin is editing')")
    await page.screenshot(path=artifact("editor/live-editing.png"))
    await ben.keyboard.press("End")
    await ben.keyboard.type(", then gives up")
    await ben.keyboard.press("Enter")
    await page.wait_for_selector(".item.is-flashing:has-text('then gives up')")
    await page.screenshot(path=artifact("editor/live-flash.png"))
    assert await overflowing(page, ".topbar .user-name, .topbar .btn, .conn-badge") == []

    # A French map, in French.
    french = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    assert await french.locator("h1").inner_text() == "Cartes de parcours"
    await french.screenshot(path=artifact("editor/dashboard-fr.png"), full_page=True)
    await open_editor(french, workshop.url, maps["french"])
    assert await french.locator("#conn-badge").inner_text() == "En ligne"
    await french.screenshot(path=artifact("editor/french-map.png"))
    assert await overflowing(french, ".stage-name, .lane-title, .toolbar .btn, .tool-label, .conn-badge") == []
    assert not page.errors and not ben.errors and not french.errors
