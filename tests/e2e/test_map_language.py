"""A French map in an English interface: the map's content speaks French, channel
names and the blueprint's lines included; the interface around it stays English.

People: the owner (Ana, Support), who works in English; see tests/e2e/conftest.py.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor

pytestmark = pytest.mark.django_db(transaction=True)


def add_touchpoint(workshop: Any, journey_map: Any, channel_key: str, title: str) -> str:
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from touchpoints.models import Channel

    doc = map_document(map_id=journey_map.id)
    tp_id = str(uuid.uuid4())
    lane = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints")
    channel = str(Channel.objects.get(workspace=None, key=channel_key).id)
    ack = apply(map_id=journey_map.id, actor=actor_for(workshop.owner, workshop.workspace.id), batch_id=f"tp-{tp_id}",
                ops=[{"op": "create", "entity": "touchpoint", "id": tp_id,
                      "fields": {"stage": doc["stages"][0]["id"], "lane": lane, "channel": channel, "title": title}}])
    assert ack.status in ("ok", "rebased"), ack.error
    return tp_id


def old_blueprint(workshop: Any) -> Any:
    """A French blueprint as the template made them before its lines were lanes."""
    from maps.services import map_create
    from templates_lib.models import MapTemplate

    structure = dict(MapTemplate.objects.get(workspace=None, key="service_blueprint", language="fr").structure)
    structure["lanes"] = [lane for lane in structure["lanes"]
                          if lane["kind"] not in ("line_of_interaction", "line_of_internal_interaction")]
    return map_create(workspace=workshop.workspace, title="Ancien plan", actor_user=workshop.owner,
                      kind="service_blueprint", language="fr", structure=structure)


async def test_a_french_map_shows_french_channel_names_in_an_english_interface(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, language="fr", title="Commande en ligne")
    tp_id = await sync_to_async(add_touchpoint)(workshop, journey_map, "call_centre", "Hotline")
    page = await sign_in(browser, workshop.url, "ana", locale="en-GB")
    await open_editor(page, workshop.url, journey_map.id)
    card = page.locator(f".item[data-id='{tp_id}']")
    assert await card.locator(".tp-channel").inner_text() == "Téléphone ou centre d’appels"
    assert await page.locator("html").get_attribute("lang") == "en"
    await card.click()
    panel_channel = page.locator(".side-panel select option", has_text="Site web")
    assert await panel_channel.count() == 1
    assert not page.errors


async def test_a_french_blueprint_draws_its_lines_in_french_in_an_english_interface(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, key="service_blueprint", language="fr",
                                                title="Résiliation d’abonnement")
    older = await sync_to_async(old_blueprint)(workshop)
    page = await sign_in(browser, workshop.url, "ana", locale="en-GB")
    await open_editor(page, workshop.url, journey_map.id)
    lines = page.locator(".lane-header.lane-line .lane-title")
    assert await lines.all_text_contents() == ["Ligne d’interaction", "Ligne de visibilité", "Ligne d’interaction interne"]
    assert await page.locator(".cell.lane-line .line-rule").count() == 15
    assert await page.locator(".cell.lane-line[tabindex='0']").count() == 0
    titles = await page.locator(".lane-header .lane-title").all_text_contents()
    assert titles.index("Preuves physiques") < titles.index("Actions du client") < titles.index("Ligne d’interaction")
    # The line of interaction is a lane here: frontstage is not decorated with a second one.
    frontstage = page.locator(".lane-header.lane-kind-frontstage")
    assert await frontstage.evaluate("(n) => getComputedStyle(n, '::before').content") in ("none", "normal")
    await page.set_viewport_size({"width": 1400, "height": 1700})
    await page.screenshot(path=artifact("workshop/blueprint-fr-editor.png"))

    # A blueprint made before draws the line above frontstage, labelled in the map's language too.
    await open_editor(page, workshop.url, older.id)
    frontstage = page.locator(".lane-header.lane-kind-frontstage")
    assert await frontstage.get_attribute("data-line-label") == "Ligne d’interaction"
    label = await frontstage.evaluate("(n) => getComputedStyle(n, '::before').content")
    assert "Ligne d’interaction" in label
    assert not page.errors
