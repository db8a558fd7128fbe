"""Rich lanes in a real browser: the touchpoint panel, the emotion curves per persona,
moments of truth and the priorities.

People: the owner (Ana, Support team) and an editor (Ben, Sales team) of one
workspace; see tests/e2e/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import eventually, sign_in, wait_synced
from tests.e2e.test_accessibility import axe_script, violations  # noqa: F401  (axe_script: a fixture)
from tests.e2e.test_editor import make_map, open_editor, two_people

pytestmark = pytest.mark.django_db(transaction=True)



def seed(workshop: Any, journey_map: Any, ops_for: Any) -> dict[str, Any]:
    """Apply the ops ``ops_for(doc)`` builds as the owner; returns the document before."""
    from maps.operations import actor_for, apply
    from maps.selectors import map_document

    doc = map_document(map_id=journey_map.id)
    ops = ops_for(doc)
    if ops:
        ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id),
                    batch_id=f"seed-{len(ops)}-{ops[0]['id']}", ops=ops)
        assert ack.status in ("ok", "rebased"), ack.error
    return doc


def lane_of(doc: dict[str, Any], kind: str) -> str:
    return next(lane["id"] for lane in doc["lanes"] if lane["kind"] == kind)


def channel_id(key: str) -> str:
    from touchpoints.models import Channel

    return str(Channel.objects.get(workspace=None, key=key).id)


def touchpoint(tp_id: str) -> Any:
    from touchpoints.models import Touchpoint

    return Touchpoint.objects.get(id=tp_id)


TP = "5a0c6a55-1d0e-4c61-9a6e-2b7d3c4e5f60"


async def test_the_touchpoint_panel_edits_every_field_and_the_card_shows_them_live(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][1]["id"], "lane": lane_of(doc, "touchpoints"),
                            "title": "Compare page"}}]

    await sync_to_async(seed)(workshop, journey_map, ops)
    ana, ben = await two_people(browser, workshop, journey_map)

    await ana.locator(f".item[data-id='{TP}']").click()
    panel = ana.locator("#side-panel")
    await panel.wait_for()
    assert await panel.locator("input[name=title]").input_value() == "Compare page"

    await panel.locator("input[name=title]").fill("Price comparison page")
    await panel.locator("input[name=title]").press("Enter")
    await panel.locator("select[name=channel]").select_option(label="Website")
    await panel.locator("textarea[name=description]").fill("Where <b>prices</b> are compared")
    await panel.locator("select[name=owner_team]").select_option(label="Sales")
    await panel.locator(".eval-choice", has_text="Irritant").click()
    await panel.locator("input[name=volume_share]").fill("80")
    await panel.locator("input[name=volume_share]").press("Enter")
    await panel.locator("input[name=csat]").fill("62.5")
    await panel.locator("input[name=csat]").press("Enter")
    await panel.locator("input[name=nps]").fill("-12")
    await panel.locator("input[name=nps]").press("Enter")
    await panel.locator(".evidence-add input[type=url]").fill("https://example.com/survey.pdf")
    await panel.locator(".evidence-add input[type=text]").fill("Survey Q3")
    await panel.locator(".evidence-add button").click()
    await wait_synced(ana)

    def saved() -> Any:
        tp = touchpoint(TP)
        return tp if tp.evidence and tp.nps == -12 else None

    tp = await eventually(saved)
    assert tp is not None
    assert tp.title == "Price comparison page"
    assert str(tp.channel_id) == await sync_to_async(channel_id)("website")
    assert tp.description == "Where <b>prices</b> are compared"
    assert tp.owner_team_id == workshop.sales.id
    assert (tp.evaluation, tp.volume_share, tp.csat) == ("irritant", 80.0, 62.5)
    assert tp.evidence == [{"url": "https://example.com/survey.pdf", "label": "Survey Q3"}]

    # Ben's card shows it all live: channel, evaluation as a face and words, volume, scores.
    card = ben.locator(f".item[data-id='{TP}']")
    await ben.wait_for_selector(f".item[data-id='{TP}'] .tp-csat:has-text('CSAT 62.5 %')")
    assert await card.locator(".item-text").inner_text() == "Price comparison page"
    assert await card.get_attribute("data-channel-kind") == "digital"
    assert await card.locator(".tp-eval").text_content() == "Irritant"
    assert await card.locator(".tp-eval .eval-face").get_attribute("data-evaluation") == "irritant"
    assert await card.locator(".tp-volume").inner_text() == "80 %"
    assert await card.locator(".tp-nps").inner_text() == "NPS -12"
    assert "Sales" in await card.inner_text()

    # A count per period replaces the share in the badge; a physical channel looks different.
    await panel.locator("input[name=volume_share]").fill("")
    await panel.locator("input[name=volume_share]").press("Enter")
    await panel.locator("input[name=volume_count]").fill("12000")
    await panel.locator("input[name=volume_count]").press("Enter")
    await panel.locator("select[name=volume_period]").select_option("month")
    await panel.locator("select[name=channel]").select_option(label="In store / on site")
    await ben.wait_for_selector(f".item[data-id='{TP}'] .tp-volume:has-text('12k/month')")
    await ben.wait_for_selector(f".item[data-id='{TP}'][data-channel-kind='physical']")
    # User text is shown as text, never as markup.
    await ben.locator(f".item[data-id='{TP}']").click()
    assert await ben.locator("#side-panel textarea[name=description]").input_value() == (
        "Where <b>prices</b> are compared")
    assert await ben.locator("#side-panel b").count() == 0
    await ana.screenshot(path=artifact("rich-lanes/touchpoint-panel.png"))

    # Removing the evidence link goes through the same path.
    await panel.locator(".evidence-remove").click()
    assert await eventually(lambda: touchpoint(TP).evidence == [])
    assert not ana.errors and not ben.errors


CHLOE_LINK, MARC_LINK = "6b1d7b66-2e1f-4d72-8b7f-3c8e4d5f6a71", "7c2e8c77-3f20-4e83-9c80-4d9f5e6a7b82"
E1, E2, E3, E4 = ("8d3f9d88-4031-4f94-8d91-5eaf6f7b8c93", "9e4fae99-5142-4fa5-9ea2-6fb07a8c9da4",
                  "af5fbfaa-6253-4fb6-8fb3-7ac18b9daeb5", "b06fc0bb-7364-4fc7-90c4-8bd29caebfc6")


def persona(workshop: Any, name: str, color: str) -> str:
    from personas.models import Persona

    return str(Persona.objects.create(workspace=workshop.workspace, name=name, color=color).id)


def emotion(point_id: str) -> Any:
    from maps.models import EmotionPoint

    return EmotionPoint.objects.get(id=point_id)


async def test_emotion_points_are_dragged_live_with_a_curve_per_persona_and_derived_from_touchpoints(
        browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    chloe = await sync_to_async(persona)(workshop, "Chloé", "#db2777")
    marc = await sync_to_async(persona)(workshop, "Marc", "#0891b2")

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        lane = lane_of(doc, "touchpoints")
        return [
            {"op": "create", "entity": "persona_link", "id": CHLOE_LINK, "fields": {"persona": chloe}},
            {"op": "create", "entity": "persona_link", "id": MARC_LINK, "fields": {"persona": marc}},
            {"op": "create", "entity": "emotion", "id": E1, "fields": {"stage": stages[0], "persona": chloe, "score": 1}},
            {"op": "create", "entity": "emotion", "id": E2, "fields": {"stage": stages[1], "persona": chloe, "score": 0}},
            {"op": "create", "entity": "emotion", "id": E3, "fields": {"stage": stages[0], "persona": marc, "score": -1}},
            {"op": "create", "entity": "emotion", "id": E4, "fields": {"stage": stages[1], "persona": marc, "score": 2}},
            {"op": "create", "entity": "touchpoint", "id": TP,
             "fields": {"stage": stages[3], "lane": lane, "title": "Hotline", "evaluation": "irritant",
                        "volume_share": 70}},
            {"op": "create", "entity": "touchpoint", "id": "c17fd1cc-8475-4fd8-81d5-9ce3adbfc0d7",
             "fields": {"stage": stages[3], "lane": lane, "title": "Chat", "evaluation": "delight",
                        "volume_share": 30}},
        ]

    doc = await sync_to_async(seed)(workshop, journey_map, ops)
    stages = [s["id"] for s in doc["stages"]]
    ana, ben = await two_people(browser, workshop, journey_map)

    # One curve per persona, a legend in their colours, a zero line.
    assert await ana.locator(".emotion-line").count() == 2
    assert await ana.locator(".emotion-zero").count() == 1
    legend = ana.locator(".emotion-legend .legend-chip")
    assert await legend.all_inner_texts() == ["Chloé", "Marc"]
    assert await legend.nth(0).evaluate("n => getComputedStyle(n).getPropertyValue('--persona')") == "#db2777"
    assert await ana.locator(".emotion-line[stroke='#0891b2']").count() == 1

    # Ana drags Chloé's second point from 0 up two steps; Ben sees it move.
    point = ana.locator(f".emotion-point[data-id='{E2}']")
    box = await point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await ana.mouse.move(x, y)
    await ana.mouse.down()
    await ana.mouse.move(x, y - 20, steps=4)
    await ana.mouse.move(x, y - 40, steps=4)
    await ana.mouse.up()
    assert await eventually(lambda: emotion(E2).score == 2)
    await ben.wait_for_selector(f".emotion-point[data-id='{E2}'][data-score='2']")
    # Dragged past the bottom, a score stops at -3.
    box = await point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await ana.mouse.move(x, y)
    await ana.mouse.down()
    await ana.mouse.move(x, y + 400, steps=8)
    await ana.mouse.up()
    assert await eventually(lambda: emotion(E2).score == -3)
    await ben.wait_for_selector(f".emotion-point[data-id='{E2}'][data-score='-3']")
    # The whole drag is one undo step.
    await ana.locator("#undo-button").click()
    assert await eventually(lambda: emotion(E2).score == 2)

    # A click on a point opens its picker: a note per point.
    await ana.locator(f".emotion-point[data-id='{E3}']").click()
    await ana.locator("#popover textarea.emotion-note").fill("Cannot find the <price>")
    await ana.locator("#popover .save-note").click()
    assert await eventually(lambda: emotion(E3).note == "Cannot find the <price>")
    await ben.wait_for_selector(f".emotion-point[data-id='{E3}'].has-note")
    # For an editor the point is a slider: who and where in its name, the score and note as its value.
    marker = ben.locator(f".emotion-point[data-id='{E3}']")
    assert await marker.get_attribute("role") == "slider"
    assert await marker.get_attribute("aria-label") == f"Marc, {doc['stages'][0]['name']}"
    assert await marker.get_attribute("aria-valuetext") == "-1 · Cannot find the <price>"

    # Derive from touchpoints for Marc: the hotline (70 %, irritant) and chat (30 %, delight)
    # at stage 4 propose (70 x -3 + 30 x 3) / 100 = -1.2 -> -1.
    await ana.locator(".legend-chip", has_text="Marc").click()
    await ana.locator(".derive-btn").click()
    rows = ana.locator("#popover .derive-row")
    await rows.first.wait_for()
    assert await rows.count() == 1
    assert await rows.first.get_attribute("data-stage") == stages[3]
    assert await rows.first.locator(".derive-change").inner_text() == "— → -1"
    await ana.screenshot(path=artifact("rich-lanes/derive.png"))
    await ana.locator("#popover .derive-apply").click()

    def marc_at_stage_4() -> Any:
        from maps.models import EmotionPoint

        return EmotionPoint.objects.filter(map=journey_map, stage_id=stages[3], persona_id=marc).first()

    derived = await eventually(marc_at_stage_4)
    assert derived is not None and derived.score == -1
    await ben.wait_for_selector(f".emotion-point[data-stage='{stages[3]}'][data-persona='{marc}'][data-score='-1']")
    await ben.screenshot(path=artifact("rich-lanes/emotion-curves.png"))
    assert not ana.errors and not ben.errors


def moments(map_id: Any) -> list[Any]:
    from touchpoints.models import MomentOfTruth

    return list(MomentOfTruth.objects.filter(map_id=map_id, deleted_by_seq__isnull=True).order_by("created_at"))


async def test_a_touchpoint_marked_as_a_moment_of_truth_appears_in_the_others_priorities(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)
    letter = "d280e2dd-9586-40e9-92e6-adf4becfd1e8"

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        lane = lane_of(doc, "touchpoints")
        return [
            {"op": "create", "entity": "touchpoint", "id": TP,
             "fields": {"stage": stages[3], "lane": lane, "title": "Hotline", "evaluation": "delight",
                        "volume_count": 12000, "volume_period": "month", "channel": channel_id("call_centre")}},
            {"op": "create", "entity": "touchpoint", "id": letter,
             "fields": {"stage": stages[4], "lane": lane, "title": "Cancellation letter", "evaluation": "irritant",
                        "volume_share": 15, "channel": channel_id("letter")}},
        ]

    doc = await sync_to_async(seed)(workshop, journey_map, ops)
    stages = [s["id"] for s in doc["stages"]]
    ana, ben = await two_people(browser, workshop, journey_map)

    # Ben keeps the priorities open: the irritant letter is there, nothing else yet.
    await ben.click("#priorities-button")
    items = ben.locator("#side-panel .prio-item")
    await items.first.wait_for()
    assert await items.all_inner_texts() != []
    assert await items.count() == 1 and "Cancellation letter" in await items.first.inner_text()

    # Ana marks the hotline as a moment of truth from its panel and rates it 5 x 4.
    await ana.locator(f".item[data-id='{TP}']").click()
    await ana.locator("#side-panel .mark-moment").click()
    await ana.wait_for_selector("#side-panel[data-entity='moment']")
    panel = ana.locator("#side-panel")
    await panel.locator("select[name=importance]").select_option("5")
    await panel.locator("select[name=impact]").select_option("4")
    await panel.locator("select[name=valence]").select_option("negative")
    await panel.locator("textarea[name=rationale]").fill("The first call decides whether they stay")
    await panel.locator("textarea[name=rationale]").blur()

    def rated() -> Any:
        found = moments(journey_map.id)
        return found[0] if found and found[0].rationale else None

    moment = await eventually(rated)
    assert moment is not None
    assert (moment.importance, moment.impact, moment.valence) == (5, 4, "negative")
    assert str(moment.touchpoint_id) == TP and str(moment.stage_id) == stages[3]
    # The touchpoint shows the star marker, for Ben too.
    await ben.wait_for_selector(f".item[data-id='{TP}'].is-moment .tp-star")

    # Ben's priorities now rank the moment first (5 x 4 = 20), then the irritant letter.
    await ben.wait_for_function(
        "() => document.querySelectorAll('#side-panel .prio-item').length === 2"
        " && document.querySelector('#side-panel .prio-item .prio-score').textContent.startsWith('5 × 4 = 20')")
    first = items.first
    assert "Hotline" in await first.inner_text() and "12k/month" in await first.inner_text()
    # By volume, the 12,000 calls a month still come first; the letter has a share only.
    await ben.locator("#side-panel .priorities-order label", has_text="Volume").click()
    await ben.wait_for_function("() => document.querySelector('#side-panel input[value=volume]').checked")
    await ben.screenshot(path=artifact("rich-lanes/priorities.png"))
    # Choosing an entry leads back to it on the grid.
    await ben.locator("#side-panel .prio-item", has_text="Cancellation letter").locator("button").click()
    await ben.wait_for_function(f"() => document.activeElement && document.activeElement.dataset.id === '{letter}'")

    # A stage is marked from its menu and gets the star on its header.
    header = ana.locator(f".stage-header[data-stage='{stages[1]}']")
    await header.hover()
    await header.locator(".header-menu").click()
    await ana.locator("#popover").get_by_role("button", name="Mark as a moment of truth").click()
    await ana.wait_for_selector(f".stage-header[data-stage='{stages[1]}'] .moment-star")
    assert await eventually(lambda: len(moments(journey_map.id)) == 2)
    await ben.wait_for_selector(f".stage-header[data-stage='{stages[1]}'] .moment-star")

    # A moment of truth's importance outside 1..5 is refused, naming the field.
    await ana.evaluate(
        "(id) => window.journeymapSync.push([{op: 'update', entity: 'moment', id, fields: {importance: 9}}])",
        str(moment.id))
    toast = ana.locator(".toast-error")
    await toast.wait_for()
    assert "importance" in await toast.inner_text()
    assert not ana.errors and not ben.errors


def png_bytes(color: tuple[int, int, int] = (219, 39, 119)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_the_persona_library_creates_and_edits_personas_that_maps_attach_and_detach(browser, workshop) -> None:
    from maps.models import MapPersona, Membership
    from personas.models import Persona
    from tests.factories import UserFactory
    from workspaces.services import workspace_create

    def add_outsider() -> None:
        # outsider: the owner of another workspace, no member of this one.
        outsider = UserFactory(username="olga", first_name="Olga", last_name="Other")
        workspace_create(name="Elsewhere", owner=outsider)
        assert not Membership.objects.filter(workspace=workshop.workspace, user=outsider).exists()

    await sync_to_async(add_outsider)()
    journey_map = await sync_to_async(make_map)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    library = f"{workshop.url}/workspaces/{workshop.workspace.id}/personas/"
    await ana.goto(library)
    form = ana.locator("form.persona-form")
    await form.locator("#id_name").fill("Chloé <script>")
    await form.locator("#id_role").fill("Busy parent, orders online")
    await form.locator("#id_quote").fill("I just want to know when it arrives")
    await form.locator("#id_goals").fill("Get the parcel before the weekend")
    await form.locator("#id_needs").fill("A reliable delivery slot")
    await form.locator("#id_frustrations").fill("Calling a hotline that never answers")
    await form.locator("#id_behaviours").fill("Checks the app on the bus")
    await form.get_by_label("Mobile app").check()
    await form.get_by_label("SMS").check()
    await form.locator("#id_demographics").fill("Age: 38\nCity: Lyon")
    # A file that claims to be a PNG but is not one is refused, naming the field.
    await form.locator("#id_avatar").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": b"<svg onload=alert(1)>"}])
    await form.locator("button[type=submit]").click()
    await ana.wait_for_selector(".persona-form .errorlist")
    assert "PNG, JPEG, GIF or WebP" in await ana.locator(".persona-form .errorlist").inner_text()
    assert not await sync_to_async(Persona.objects.filter(workspace=workshop.workspace).exists)()

    await ana.locator("form.persona-form #id_avatar").set_input_files(
        files=[{"name": "chloe.png", "mimeType": "image/png", "buffer": png_bytes()}])
    await ana.locator("form.persona-form button[type=submit]").click()
    await ana.wait_for_selector(".persona-card img.persona-avatar")

    def chloe() -> Any:
        return Persona.objects.filter(workspace=workshop.workspace).order_by("created_at").last()

    persona = await sync_to_async(chloe)()
    assert await sync_to_async(Persona.objects.filter(workspace=workshop.workspace).count)() == 1
    assert persona.name == "Chloé <script>"
    assert persona.preferred_channels == ["Mobile app", "SMS"]
    assert persona.demographics == {"Age": "38", "City": "Lyon"}
    assert persona.avatar.name.endswith(".png")
    card = ana.locator(f"#persona-{persona.id}")
    assert "Chloé <script>" in await card.locator(".persona-name").inner_text()
    assert "Age: 38 · City: Lyon" in await card.inner_text()
    await ana.screenshot(path=artifact("rich-lanes/persona-library.png"), full_page=True)

    # The avatar is served to members, as an image; not to an outsider.
    avatar_url = f"{workshop.url}/personas/{persona.id}/avatar/"
    response = await ana.request.get(avatar_url)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    olga = await sign_in(browser, workshop.url, "olga")
    assert (await olga.request.get(avatar_url)).status == 404
    assert (await olga.request.get(library)).status == 404

    # Edit: a new quote.
    await card.locator(".persona-edit").click()
    await ana.locator("#id_quote").fill("Tell me when it arrives")
    await ana.locator("form.persona-form button[type=submit]").click()
    await ana.wait_for_selector(f"#persona-{persona.id} .persona-quote:has-text('Tell me when it arrives')")

    # On the map: attach from the strip; Ben sees the persona arrive live, with its curve's legend.
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    assert await ana.locator("#persona-strip .persona-pill").count() == 0
    await ana.locator("#persona-strip .strip-add").click()
    await ana.locator(f"#popover .attach-persona[data-persona='{persona.id}']").click()
    pill = ben.locator(f"#persona-strip .persona-pill[data-persona='{persona.id}']")
    await pill.wait_for()
    assert "Chloé <script>" in await pill.inner_text()
    await ben.wait_for_selector(".emotion-legend .legend-chip:has-text('Chloé')")
    link = await eventually(lambda: MapPersona.objects.filter(map=journey_map, persona=persona,
                                                              deleted_by_seq__isnull=True).first())
    assert link is not None
    await ana.screenshot(path=artifact("rich-lanes/persona-strip.png"))

    # Detach: the link is tombstoned and the pill goes for Ben too.
    await ana.locator(f"#persona-strip .persona-pill[data-persona='{persona.id}'] .pill-remove").click()
    await pill.wait_for(state="detached")
    assert await eventually(lambda: MapPersona.objects.filter(id=link.id, deleted_by_seq__isnull=False).exists())
    assert not ana.errors and not ben.errors


PAIN_LANE, PAIN, CHANGE = ("e391f3ee-a697-41fa-a3f7-bec5c0d0e2f9", "f4a204ff-b7a8-42fb-b408-cfd6d1e1f30a",
                           "05b31500-c8b9-43fc-8519-d0e7e2f2041b")


def card(card_id: str) -> Any:
    from maps.models import Card

    return Card.objects.get(id=card_id)


async def test_pain_points_and_changes_carry_a_priority_and_the_link_shows_on_both(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop)

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        touch = lane_of(doc, "touchpoints")
        return [
            {"op": "create", "entity": "lane", "id": PAIN_LANE,
             "fields": {"kind": "pain_points", "title": "Pain points", "after": touch}},
            {"op": "create", "entity": "card", "id": PAIN,
             "fields": {"stage": stages[3], "lane": PAIN_LANE, "text": "Nobody answers the hotline"}},
            {"op": "create", "entity": "card", "id": CHANGE,
             "fields": {"stage": stages[3], "lane": lane_of(doc, "opportunities"), "text": "Call back within an hour"}},
        ]

    await sync_to_async(seed)(workshop, journey_map, ops)
    ana, ben = await two_people(browser, workshop, journey_map)

    async def menu(card_id: str) -> None:
        node = ana.locator(f".item[data-id='{card_id}']")
        await node.hover()
        await node.locator(".header-menu").click()

    await menu(PAIN)
    await ana.locator("#popover .prio-choice[data-priority='high']").click()
    # A pain point does not address another pain point: no such choice on it.
    await menu(PAIN)
    assert await ana.locator("#popover .addresses-select").count() == 0
    await ana.keyboard.press("Escape")
    await menu(CHANGE)
    await ana.locator("#popover .prio-choice[data-priority='medium']").click()
    await menu(CHANGE)
    await ana.locator("#popover .addresses-select").select_option(PAIN)
    assert await eventually(lambda: str(card(CHANGE).addresses_id) == PAIN)
    assert (await sync_to_async(card)(PAIN)).priority == "high"
    assert (await sync_to_async(card)(CHANGE)).priority == "medium"

    # Ben sees the priorities and the link on both cards.
    await ben.wait_for_selector(f".item[data-id='{PAIN}'] .prio-chip[data-priority='high']:has-text('High')")
    await ben.wait_for_selector(f".item[data-id='{CHANGE}'] .prio-chip:has-text('Medium')")
    await ben.wait_for_selector(f".item[data-id='{CHANGE}'] .addresses:has-text('Addresses: Nobody answers')")
    by = ben.locator(f".item[data-id='{PAIN}'] .addressed-by")
    await by.wait_for()
    assert await by.inner_text() == "✓ Addressed by: Call back within an hour"
    # The link leads to the other end.
    await by.click()
    await ben.wait_for_function(f"() => document.activeElement && document.activeElement.dataset.id === '{CHANGE}'")
    await ben.screenshot(path=artifact("rich-lanes/pain-and-change.png"))
    # From the keyboard too: Enter on the change's link goes back to the pain point (no edit starts).
    await ben.locator(f".item[data-id='{CHANGE}'] .addresses").focus()
    await ben.keyboard.press("Enter")
    await ben.wait_for_function(f"() => document.activeElement && document.activeElement.dataset.id === '{PAIN}'")
    assert await ben.locator(".inline-editor").count() == 0

    # Unlinking clears both ends.
    await menu(CHANGE)
    await ana.locator("#popover .addresses-select").select_option("")
    await ben.wait_for_selector(f".item[data-id='{PAIN}'] .addressed-by", state="hidden")
    assert await eventually(lambda: card(CHANGE).addresses_id is None)
    assert not ana.errors and not ben.errors


async def test_the_service_blueprint_draws_its_three_lines_around_frontstage_and_backstage(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, key="service_blueprint", title="Support blueprint")

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        kinds = {lane["kind"]: lane["id"] for lane in doc["lanes"]}
        text = [lane["id"] for lane in doc["lanes"] if lane["kind"] == "text"]
        return [
            {"op": "create", "entity": "card", "id": "16c42611-d9ca-44fd-962a-e1f8f3031520",
             "fields": {"stage": stages[2], "lane": text[0], "text": "Worried the refund is lost"}},
            {"op": "create", "entity": "card", "id": "27d53722-eadb-45fe-a73b-f209040421d3",
             "fields": {"stage": stages[2], "lane": kinds["frontstage"], "text": "Agent answers the chat",
                        "team": str(workshop.support.id)}},
            {"op": "create", "entity": "card", "id": "38e64833-fbec-46ff-b84c-0a1a15153246",
             "fields": {"stage": stages[2], "lane": kinds["backstage"], "text": "Checks the payment in the ERP"}},
            {"op": "create", "entity": "card", "id": "49f75944-0cfd-4700-895d-1b2b26264357",
             "fields": {"stage": stages[2], "lane": kinds["support"], "text": "Payment provider API"}},
        ]

    await sync_to_async(seed)(workshop, journey_map, ops)
    page = await sign_in(browser, workshop.url, "ana")
    await open_editor(page, workshop.url, journey_map.id)
    # The line of interaction is a lane of its own: frontstage draws no second one.
    line = page.locator(".lane-header.lane-kind-line_of_interaction .lane-title")
    assert await line.text_content() == "Line of interaction"
    front = page.locator(".lane-header.lane-kind-frontstage")
    assert await front.evaluate("n => getComputedStyle(n, '::before').content") in ("none", "normal")
    # The three lines: interaction above frontstage, visibility between frontstage and
    # backstage, internal interaction between backstage and support.
    order = await page.evaluate(
        "() => [...document.querySelectorAll('.lane-header')].sort((a, b) => a.style.gridRowStart - b.style.gridRowStart)"
        ".map((n) => n.dataset.kind)")
    assert [kind for kind in order if kind != "text"] == [
        "line_of_interaction", "frontstage", "line_of_visibility", "backstage", "line_of_internal_interaction",
        "support"]
    assert await page.locator(".cell.lane-kind-line_of_visibility .visibility-rule").count() == 5
    await page.screenshot(path=artifact("rich-lanes/service-blueprint.png"))
    assert not page.errors


async def test_a_filled_current_state_map_shows_curves_channels_and_moments_of_truth(browser, workshop) -> None:
    import uuid

    journey_map = await sync_to_async(make_map)(workshop, title="Broadband: from order to first bill")
    chloe = await sync_to_async(persona)(workshop, "Chloé, busy parent", "#db2777")
    marc = await sync_to_async(persona)(workshop, "Marc, retired", "#0891b2")
    channels = ["website", "mobile_app", "call_centre", "email", "in_store", "letter", "review_sites", "live_chat"]

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        lane = lane_of(doc, "touchpoints")
        new = lambda: str(uuid.uuid4())  # noqa: E731
        out: list[dict[str, Any]] = [
            {"op": "create", "entity": "persona_link", "id": new(), "fields": {"persona": chloe}},
            {"op": "create", "entity": "persona_link", "id": new(), "fields": {"persona": marc}},
        ]
        rows = [("Comparison page", "website", "neutral", {"volume_share": 80}),
                ("Price alert", "mobile_app", "delight", {"volume_share": 35, "csat": 88}),
                ("Order confirmation", "email", "neutral", {"volume_count": 12000, "volume_period": "month"}),
                ("Hotline", "call_centre", "irritant", {"volume_count": 4200, "volume_period": "month", "nps": -31}),
                ("Shop visit", "in_store", "delight", {"volume_share": 10}),
                ("First bill", "letter", "irritant", {"volume_share": 100, "csat": 41}),
                ("Reviews", "review_sites", "neutral", {"volume_share": 25}),
                ("Chat with an agent", "live_chat", "delight", {"volume_share": 15, "csat": 92})]
        for i, (title, key, evaluation, extra) in enumerate(rows):
            out.append({"op": "create", "entity": "touchpoint", "id": new(),
                        "fields": {"stage": stages[min(i * 6 // len(rows), 5)], "lane": lane, "title": title,
                                   "channel": channel_id(key), "evaluation": evaluation, **extra}})
        for persona_id, scores in [(chloe, [1, 2, 0, -3, -1, 1]), (marc, [0, -1, 1, -2, 2, 2])]:
            for stage, score in zip(stages, scores, strict=True):
                out.append({"op": "create", "entity": "emotion", "id": new(),
                            "fields": {"stage": stage, "persona": persona_id, "score": score}})
        out.append({"op": "create", "entity": "moment", "id": new(),
                    "fields": {"stage": stages[3], "title": "First call to support", "importance": 5, "impact": 5}})
        out.append({"op": "create", "entity": "moment", "id": new(),
                    "fields": {"stage": stages[2], "title": "Installation day", "importance": 4, "impact": 5}})
        return out

    await sync_to_async(seed)(workshop, journey_map, ops)
    page = await sign_in(browser, workshop.url, "ana")
    await page.set_viewport_size({"width": 1800, "height": 1100})
    await open_editor(page, workshop.url, journey_map.id)
    assert await page.locator(".emotion-line").count() == 2
    kinds = await page.locator(".item-touchpoint").evaluate_all(
        "nodes => nodes.map((n) => n.querySelector('.item-icon').style.getPropertyValue('--icon'))")
    assert len({k for k in kinds if k}) == len(channels)
    assert await page.locator(".item-touchpoint[data-channel-kind='physical']").count() >= 2
    assert await page.locator(".stage-header .moment-star").count() == 2
    assert await page.locator("#persona-strip .persona-pill").count() == 2
    await page.click("#zoom-fit")
    await page.screenshot(path=artifact("rich-lanes/filled-current-state.png"))
    assert not page.errors


async def test_the_rich_lanes_speak_french(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, language="fr", title="Commande en ligne")

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][1]["id"], "lane": lane_of(doc, "touchpoints"),
                            "title": "Comparateur", "evaluation": "irritant", "volume_count": 12000,
                            "volume_period": "month", "channel": channel_id("website")}}]

    await sync_to_async(seed)(workshop, journey_map, ops)
    page = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await open_editor(page, workshop.url, journey_map.id)
    tp = page.locator(f".item[data-id='{TP}']")
    assert await tp.locator(".tp-volume").inner_text() == "12k/mois"
    assert await tp.locator(".eval-text").inner_text() == "Irritant"
    assert await page.locator("#priorities-button").inner_text() == "Priorités"
    assert "Ajouter un persona" in await page.locator("#persona-strip").inner_text()
    assert await page.locator(".derive-btn").inner_text() == "Déduire des points de contact"
    await tp.click()
    panel = page.locator("#side-panel")
    assert await panel.locator(".panel-kicker").inner_text() == "POINT DE CONTACT"
    assert "Part des clients" in await panel.inner_text()
    assert "Enchantement" in await panel.inner_text()
    assert await panel.locator(".panel-attachments legend").inner_text() == "Pièces jointes"
    assert await panel.locator(".attachment-pick").inner_text() == "Joindre un fichier"
    assert "jusqu’à 25 Mo." in await panel.locator(".panel-attachments").inner_text()
    await panel.locator(".mark-moment").click()
    await page.wait_for_selector("#side-panel[data-entity='moment']")
    assert "Importance pour le client" in await panel.inner_text()
    await page.screenshot(path=artifact("rich-lanes/panel-fr.png"))
    assert not page.errors


async def test_owners_edit_the_channel_catalogue_and_open_maps_follow(browser, workshop) -> None:
    from touchpoints.models import Channel

    journey_map = await sync_to_async(make_map)(workshop)

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][2]["id"], "lane": lane_of(doc, "touchpoints"),
                            "title": "Pick-up point"}}]

    await sync_to_async(seed)(workshop, journey_map, ops)
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ben, workshop.url, journey_map.id)

    ana = await sign_in(browser, workshop.url, "ana")
    catalogue = f"{workshop.url}/workspaces/{workshop.workspace.id}/channels/"
    await ana.goto(catalogue)
    assert await ana.locator(".channel-row").count() >= 16  # the built-in set
    await ana.fill("#id_name", "Partner kiosk")
    await ana.fill("#id_name_fr", "Borne partenaire")
    await ana.select_option("#id_kind", "physical")
    await ana.uncheck("#id_brand_controlled")
    await ana.select_option("#id_icon", "in_store")
    await ana.click("form.channel-form button[type=submit]")
    await ana.wait_for_selector("#own-channels .channel-row:has-text('Partner kiosk')")
    await ana.screenshot(path=artifact("rich-lanes/channels.png"))
    kiosk = await sync_to_async(lambda: Channel.objects.get(workspace=workshop.workspace, name="Partner kiosk"))()
    assert (kiosk.kind, kiosk.brand_controlled, kiosk.icon) == ("physical", False, "in_store")

    # Ben's open map has it at once: he puts the touchpoint on it.
    await ben.locator(f".item[data-id='{TP}']").click()
    await ben.locator("#side-panel select[name=channel]").select_option(label="Partner kiosk")
    assert await eventually(lambda: touchpoint(TP).channel_id == kiosk.id)
    card = ben.locator(f".item[data-id='{TP}']")
    await ben.wait_for_selector(f".item[data-id='{TP}'][data-channel-kind='physical'].tp-unowned")
    # A rename in the catalogue reaches the card live.
    await ana.goto(f"{catalogue}?edit={kiosk.id}")
    await ana.fill("#id_name", "Partner pick-up kiosk")
    await ana.click("form.channel-form button[type=submit]")
    await ben.wait_for_selector(f".item[data-id='{TP}'] .tp-channel:has-text('Partner pick-up kiosk')")
    assert "Partner pick-up kiosk" in await card.inner_text()

    # An editor sees the catalogue but may not change it.
    await ben.goto(catalogue)
    assert await ben.locator("form.channel-form").count() == 0
    token = next(c["value"] for c in await ben.context.cookies() if c["name"] == "csrftoken")
    response = await ben.request.post(catalogue, form={"name": "Sneaky", "kind": "digital", "icon": "generic",
                                                       "csrfmiddlewaretoken": token})
    assert response.status == 403 and "Only owners" in await response.text()
    assert not await sync_to_async(Channel.objects.filter(name="Sneaky").exists)()
    assert not ana.errors and not ben.errors


async def test_a_focused_emotion_point_moves_with_the_arrow_keys(
        browser, workshop, axe_script) -> None:  # noqa: F811  (the imported fixture)
    journey_map = await sync_to_async(make_map)(workshop)
    chloe = await sync_to_async(persona)(workshop, "Chloé", "#db2777")

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        return [
            {"op": "create", "entity": "persona_link", "id": CHLOE_LINK, "fields": {"persona": chloe}},
            {"op": "create", "entity": "emotion", "id": E1, "fields": {"stage": stages[0], "persona": chloe, "score": 1}},
            {"op": "create", "entity": "emotion", "id": E2, "fields": {"stage": stages[1], "persona": chloe, "score": 0}},
        ]

    doc = await sync_to_async(seed)(workshop, journey_map, ops)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await ana.context.add_init_script(path=str(axe_script))
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    assert not await violations(ana)  # the points are well-formed sliders

    point = ana.locator(f".emotion-point[data-id='{E1}']")
    assert await point.get_attribute("role") == "slider"
    assert await point.get_attribute("tabindex") == "0"
    assert (await point.get_attribute("aria-valuemin"), await point.get_attribute("aria-valuemax")) == ("-3", "3")
    assert await point.get_attribute("aria-label") == f"Chloé, {doc['stages'][0]['name']}"
    assert await point.get_attribute("aria-valuenow") == "1"
    await point.focus()

    # Up: +1, sent at once; Ben's curve follows; the focus stays on the point through the redraw.
    await ana.keyboard.press("ArrowUp")
    assert await eventually(lambda: emotion(E1).score == 2)
    await ben.wait_for_selector(f".emotion-point[data-id='{E1}'][data-score='2']")
    assert await ana.evaluate("document.activeElement.dataset.id") == E1
    assert await point.get_attribute("aria-valuenow") == "2"
    # Clamped at +3: a further Up changes nothing.
    await ana.keyboard.press("ArrowUp")
    await ana.keyboard.press("ArrowUp")
    await ana.keyboard.press("ArrowUp")
    await wait_synced(ana)
    assert (await sync_to_async(emotion)(E1)).score == 3
    assert await point.get_attribute("aria-valuenow") == "3"
    assert await point.get_attribute("aria-valuetext") == "+3"
    await ana.keyboard.press("ArrowDown")
    assert await eventually(lambda: emotion(E1).score == 2)
    await ben.wait_for_selector(f".emotion-point[data-id='{E1}'][data-score='2']")
    # The arrow keys do not wander off into the grid; Right goes to the next stage's point.
    await ana.keyboard.press("ArrowRight")
    assert await ana.evaluate("document.activeElement.dataset.id") == E2
    for _ in range(5):
        await ana.keyboard.press("ArrowDown")
    assert await eventually(lambda: emotion(E2).score == -3)
    await ben.wait_for_selector(f".emotion-point[data-id='{E2}'][data-score='-3']")
    # Each step is one undo step.
    await ana.locator("#undo-button").click()
    assert await eventually(lambda: emotion(E2).score == -2)
    assert not ana.errors and not ben.errors


@pytest.fixture
def private_media(tmp_path: Any, monkeypatch: Any) -> Any:
    """A MEDIA_ROOT of this test's own, for the server it starts (listed before ``workshop``)."""
    from django.conf import settings

    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    monkeypatch.setattr(settings, "MEDIA_ROOT", media)
    return media


async def test_an_attachment_uploads_shows_and_cannot_be_fetched_by_an_outsider(
        private_media, browser, workshop, axe_script) -> None:  # noqa: F811  (the imported fixture)
    from tests.touchpoints import samples

    journey_map = await sync_to_async(make_map)(workshop)

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][1]["id"], "lane": lane_of(doc, "touchpoints"),
                            "title": "Compare page", "channel": channel_id("website"), "evaluation": "irritant"}}]

    await sync_to_async(seed)(workshop, journey_map, ops)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await ana.context.add_init_script(path=str(axe_script))
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    # Ben has the touchpoint open before anything is attached.
    await ben.locator(f".item[data-id='{TP}']").click()
    await ben.wait_for_selector("#side-panel .attachment-empty")

    await ana.locator(f".item[data-id='{TP}']").click()
    panel = ana.locator("#side-panel")
    files = [
        {"name": "Checkout screenshot.png", "mimeType": "image/png", "buffer": samples.png(800, 500)},
        {"name": "Survey Q3.pdf", "mimeType": "application/pdf", "buffer": samples.PDF},
        {"name": "Call with Chloé.mp3", "mimeType": "audio/mpeg", "buffer": samples.MP3},
    ]
    async with ana.expect_file_chooser() as chooser:
        await panel.locator(".attachment-pick").click()
    await (await chooser.value).set_files(files)
    items = panel.locator(".attachment-item")
    await ana.wait_for_function("() => document.querySelectorAll('#side-panel .attachment-item').length === 3")
    assert await panel.locator(".attachment-name").all_inner_texts() == [f["name"] for f in files]
    # The live list can arrive before the last upload's own response sets the status line.
    await ana.wait_for_function(
        "() => document.querySelector('#side-panel .attachment-status')?.textContent.trim()"
        " === 'Call with Chloé.mp3 is attached.'")
    # The image shows as a thumbnail (loaded, smaller than the file), the others as badges.
    thumb = items.nth(0).locator("img.attachment-thumb")
    await ana.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=await thumb.element_handle())
    assert await thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [320, 200]
    assert await items.nth(1).locator(".attachment-badge").inner_text() == "PDF"
    assert await items.nth(1).locator(".attachment-meta").inner_text() == f"PDF · {len(samples.PDF)} bytes"
    assert await items.nth(2).locator("audio.attachment-player").count() == 1

    # Ben's open panel lists them live, and he can open the image.
    await ben.wait_for_function("() => document.querySelectorAll('#side-panel .attachment-item').length === 3")
    href = await ben.locator("#side-panel .attachment-name").first.get_attribute("href")
    served = await ben.request.get(f"{workshop.url}{href}")
    assert served.status == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("inline; filename=")
    assert await served.body() == files[0]["buffer"]
    # The recording can be read from any byte on, so a player seeks before it has it all.
    audio_href = await ben.locator("#side-panel .attachment-name").nth(2).get_attribute("href")
    part = await ben.request.get(f"{workshop.url}{audio_href}", headers={"Range": "bytes=4-13"})
    assert part.status == 206
    assert part.headers["content-range"] == f"bytes 4-13/{len(samples.MP3)}"
    assert part.headers["accept-ranges"] == "bytes"
    assert await part.body() == samples.MP3[4:14]

    # Ben's card on the grid counts the files, with a label that says what the number is.
    count = ben.locator(f".item[data-id='{TP}'] .tp-files")
    await count.wait_for(state="visible")
    assert await count.inner_text() == "3"
    assert await count.get_attribute("aria-label") == "3 attachments"
    await ben.locator(f".item[data-id='{TP}']").scroll_into_view_if_needed()
    await ben.screenshot(path=artifact("rich-lanes/attachment-count.png"))

    # A file that is not what it claims is refused, saying so; nothing is added.
    async with ana.expect_file_chooser() as chooser:
        await panel.locator(".attachment-pick").click()
    await (await chooser.value).set_files([{"name": "invoice.png", "mimeType": "image/png", "buffer": samples.HTML}])
    await ana.wait_for_selector("#side-panel .attachment-status[data-kind='error']")
    assert await panel.locator(".attachment-status").inner_text() == (
        "invoice.png was refused: its content is not an accepted kind of file, or not what its name says.")
    assert await items.count() == 3
    await panel.locator(".panel-attachments").scroll_into_view_if_needed()
    await ana.screenshot(path=artifact("rich-lanes/attachments.png"))
    await panel.screenshot(path=artifact("rich-lanes/attachments-panel.png"))
    assert not await violations(ana)

    # Outsiders get nothing: a member of another workspace, the anonymous, a share-link visitor.
    def outsider() -> None:
        from tests.factories import UserFactory
        from workspaces.services import workspace_create

        workspace_create(name="Other company", owner=UserFactory(username="olga"))

    await sync_to_async(outsider)()
    olga = await sign_in(browser, workshop.url, "olga")
    assert (await olga.request.get(f"{workshop.url}{href}")).status == 404
    assert (await olga.request.get(f"{workshop.url}{href}?thumbnail=1")).status == 404
    anonymous = await (await browser.new_context()).new_page()
    assert (await anonymous.request.get(f"{workshop.url}{href}")).status in (401, 403)

    def share_url() -> str:
        from sharing import links as sharing

        return f"/s/{sharing.share_link_create(map=journey_map, created_by=workshop.owner, label='Agency').token}/"

    visitor = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    visitor.errors = []
    visitor.on("pageerror", lambda exc: visitor.errors.append(str(exc)))
    await visitor.goto(f"{workshop.url}{await sync_to_async(share_url)()}")
    await visitor.locator(f".item[data-id='{TP}']").click()
    await visitor.wait_for_selector("#side-panel .read-title")  # the read view: share visitors edit nothing
    assert await visitor.locator("#side-panel .panel-attachments").count() == 0
    assert await visitor.locator(f".item[data-id='{TP}'] .tp-files").is_hidden()
    assert (await visitor.request.get(f"{workshop.url}{href}")).status in (401, 403)

    # Ana deletes the PDF (after confirming): gone from Ben's panel, no longer served.
    pdf_href = await items.nth(1).locator(".attachment-name").get_attribute("href")
    await items.nth(1).locator(".attachment-remove").click()
    await panel.locator(".attachment-confirm-remove").click()
    await ben.wait_for_function("() => document.querySelectorAll('#side-panel .attachment-item').length === 2")
    assert await count.inner_text() == "2"
    assert await count.get_attribute("aria-label") == "2 attachments"
    assert (await ben.request.get(f"{workshop.url}{pdf_href}")).status == 404
    # Deleting the touchpoint stops serving its files at once.
    await panel.locator(".panel-foot .btn-danger-quiet").click()
    await wait_synced(ana)
    assert (await ben.request.get(f"{workshop.url}{href}")).status == 404
    assert not ana.errors and not ben.errors and not visitor.errors
