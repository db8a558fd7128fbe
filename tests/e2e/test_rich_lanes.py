"""Rich lanes in a real browser: the touchpoint panel, the emotion curves per persona,
moments of truth and the priorities.

People: the owner (Ana, Support team) and an editor (Ben, Sales team) of one
workspace; see tests/e2e/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.e2e.conftest import eventually, sign_in, wait_synced
from tests.e2e.test_editor import make_map, open_editor

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp"


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
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)

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

    # Ben's card shows it all live: channel, evaluation as symbol and words, volume, scores.
    card = ben.locator(f".item[data-id='{TP}']")
    await ben.wait_for_selector(f".item[data-id='{TP}'] .tp-csat:has-text('CSAT 62.5 %')")
    assert await card.locator(".item-text").inner_text() == "Price comparison page"
    assert await card.get_attribute("data-channel-kind") == "digital"
    assert await card.locator(".tp-eval").text_content() == "▼Irritant"
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
    await ana.screenshot(path=f"{SHOTS}/jm-touchpoint-panel.png")

    # Removing the evidence link goes through the same path.
    await panel.locator(".evidence-remove").click()
    assert await eventually(lambda: touchpoint(TP).evidence == [])
    assert not ana.errors and not ben.errors
