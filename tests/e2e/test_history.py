"""The History panel in a real browser: versions and activity on one timeline, a
version open read-only in the editor's grid with its banner, restore (live for
the other editor) and undo restore; the compare view; in English and French.

People: Ana (owner, Support team) and Ben (editor, Sales team); see conftest.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor
from tests.e2e.test_editor_safety import until

pytestmark = pytest.mark.django_db(transaction=True)

CARD = "3f0c8e0e-5b8e-4a55-9b0e-6d1f0a2b7c01"


def prepare(workshop: Any) -> tuple[Any, Any]:
    from maps.selectors import map_document
    from maps.services import map_edit
    from versions.services import version_create

    journey_map = make_map(workshop, title="Online order")
    doc = map_document(map_id=journey_map.id)
    stage, lane = doc["stages"][1]["id"], doc["lanes"][0]["id"]
    map_edit(journey_map, workshop.owner, [{"op": "create", "entity": "card", "id": CARD,
                                            "fields": {"stage": stage, "lane": lane,
                                                       "text": "Customer calls twice"}}])
    version = version_create(journey_map=journey_map, user=workshop.owner, name="After the workshop",
                             note="Before the support changes")
    map_edit(journey_map, workshop.editor, [
        {"op": "update", "entity": "card", "id": CARD, "fields": {"text": "Customer calls once"}},
        {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
         "fields": {"stage": stage, "lane": lane, "text": "Chat answers in a minute"}}])
    return journey_map, version


def card_text(page: Any) -> Any:
    return page.evaluate(f"() => document.querySelector('[data-id=\"{CARD}\"]')?.textContent || ''")


async def test_history_panel_open_a_version_restore_it_for_everyone_and_undo(browser, workshop) -> None:
    journey_map, version = await sync_to_async(prepare)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)

    await ana.click("#history-button")
    await ana.wait_for_selector(f".history-entry[data-version='{version.id}']")
    await until(ana, "() => document.querySelectorAll('.history-entry.is-activity').length >= 2")
    titles = await ana.eval_on_selector_all(".history-entry .history-title", "nodes => nodes.map(n => n.textContent)")
    assert "After the workshop" in titles
    assert any("Ben" in t for t in titles)  # the activity, told in words
    await ana.screenshot(path=artifact("versions/history-panel.png"))

    await ana.click(f".history-entry[data-version='{version.id}'] .history-open")
    await ana.wait_for_selector("#version-banner:not([hidden])")
    assert "After the workshop" in await ana.text_content("#version-banner .banner-text")
    assert "twice" in await card_text(ana)
    assert await ana.evaluate("() => document.body.classList.contains('viewing-version')")
    # Read-only: no card menu, no drag.
    assert await ana.evaluate(f"() => document.querySelector('[data-id=\"{CARD}\"]').getAttribute('draggable')") \
        in (None, "false")
    await ana.screenshot(path=artifact("versions/version-open.png"))

    ana.once("dialog", lambda dialog: dialog.accept())
    await ana.click("#version-banner .banner-restore")
    await until(ana, "() => document.getElementById('version-banner').hidden")
    await until(ana, f"() => (document.querySelector('[data-id=\"{CARD}\"]')?.textContent || '').includes('twice')")
    # Ben's open editor received the restore live.
    await until(ben, f"() => (document.querySelector('[data-id=\"{CARD}\"]')?.textContent || '').includes('twice')")
    await until(ben, "() => ![...document.querySelectorAll('.item')].some(n => n.textContent.includes('Chat answers'))")

    await ana.click(".toast button")  # Undo restore
    await until(ben, f"() => (document.querySelector('[data-id=\"{CARD}\"]')?.textContent || '').includes('once')")
    await until(ana, "() => [...document.querySelectorAll('.item')].some(n => n.textContent.includes('Chat answers'))")
    assert not ana.errors and not ben.errors, (ana.errors, ben.errors)

    await ana.goto(f"{workshop.url}/maps/{journey_map.id}/compare/?from={version.id}&to=current")
    await ana.wait_for_selector(".compare-counts")
    assert "changes" in await ana.text_content(".count-main")
    await ana.screenshot(path=artifact("versions/compare.png"), full_page=True)


async def test_history_and_compare_in_french_for_a_viewer(browser, workshop) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    journey_map, version = await sync_to_async(prepare)(workshop)

    def viewer() -> None:
        user = UserFactory(username="chloe", first_name="Chloé", last_name="Petit")
        Membership.objects.create(workspace=workshop.workspace, user=user, role=Role.VIEWER)

    await sync_to_async(viewer)()
    chloe = await sign_in(browser, workshop.url, "chloe", locale="fr-FR")
    await open_editor(chloe, workshop.url, journey_map.id)
    await chloe.click("#history-button")
    await chloe.wait_for_selector(f".history-entry[data-version='{version.id}']")
    # Viewers open and compare; they neither save nor restore.
    assert await chloe.query_selector(".history-form") is None
    assert await chloe.query_selector(".history-restore") is None
    assert await chloe.text_content(".side-panel .panel-kicker, .side-panel header") not in ("", None)
    await chloe.screenshot(path=artifact("versions/history-panel-fr.png"))
    await chloe.click(f".history-entry[data-version='{version.id}'] .history-open")
    await chloe.wait_for_selector("#version-banner:not([hidden])")
    assert "Vous regardez" in await chloe.text_content("#version-banner .banner-text")
    assert await chloe.is_hidden("#version-banner .banner-restore")
    await chloe.screenshot(path=artifact("versions/version-open-fr.png"))
    await chloe.click("#version-banner .banner-compare")
    await chloe.wait_for_selector(".compare-counts")
    assert "modification" in await chloe.text_content(".count-main")
    await chloe.screenshot(path=artifact("versions/compare-fr.png"), full_page=True)
    assert not chloe.errors, chloe.errors
