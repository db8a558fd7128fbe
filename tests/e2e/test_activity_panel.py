"""The activity in the History panel: told in words, each entry showing what it
touched on the map (or saying it is gone), filtered by person.

People: Ana (owner, Support team) and Ben (editor, Sales team); see conftest.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import open_editor
from tests.e2e.test_editor_safety import until
from tests.e2e.test_history import CARD, prepare

pytestmark = pytest.mark.django_db(transaction=True)

TITLES = "() => [...document.querySelectorAll('.history-entry.is-activity')].map(n => n.textContent)"


async def test_activity_entries_show_what_they_touched_and_filter_by_person(browser, workshop) -> None:
    journey_map, _version = await sync_to_async(prepare)(workshop)
    ana = await sign_in(browser, workshop.url, "ana")
    await open_editor(ana, workshop.url, journey_map.id)
    await ana.click("#history-button")
    await until(ana, "() => document.querySelectorAll('.history-entry.is-activity').length >= 3")
    titles = await ana.evaluate(TITLES)
    assert any(t.startswith("Ben Martin changed 2 cards in «") for t in titles), titles
    assert any(t.startswith("Ana Lopez added the card « Customer calls once »") for t in titles), titles

    # The entry leads to the card it touched.
    await ana.click(".history-entry.is-activity .history-jump >> text=Ana Lopez added the card « Customer calls once »")
    await until(ana, f"() => document.querySelector('[data-id=\"{CARD}\"]').classList.contains('is-flashing')")
    await ana.screenshot(path=artifact("versions/history-activity.png"))

    # Whose changes: Ben's only.
    await ana.select_option(".history-who", label="Ben Martin")
    await until(ana, "() => [...document.querySelectorAll('.history-entry.is-activity')]"
                     ".every(n => n.textContent.startsWith('Ben Martin'))")

    # Once the card is deleted, its entries say it is gone and lead nowhere.
    from maps.services import map_edit

    await sync_to_async(map_edit)(journey_map, workshop.editor, [{"op": "delete", "entity": "card", "id": CARD}])
    await ana.select_option(".history-who", value="")
    await until(ana, "() => [...document.querySelectorAll('.history-entry.is-activity')]"
                     ".some(n => n.textContent.startsWith('Ben Martin deleted the card'))")
    gone = await ana.evaluate("() => [...document.querySelectorAll('.history-entry.is-activity')]"
                              ".find(n => n.textContent.startsWith('Ben Martin deleted the card'))"
                              ".querySelector('.history-meta').textContent")
    assert gone.endswith("· no longer on the map")
    assert ana.errors == []
