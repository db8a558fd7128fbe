"""The Health panel in the editor: the score on the toolbar, the checks grouped
by status with their messages, an item shown on the board when clicked, a
finding accepted with a reason and undone, the panel following the map as it
changes; in English and in French (screenshots in test-artifacts/health/).

People: Ana (owner, Support team) and Ben (editor, Sales team); see conftest.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import open_editor
from tests.e2e.test_editor_safety import until

pytestmark = pytest.mark.django_db(transaction=True)

# A workshop's first pass on a delivery journey: mostly in the customer's words,
# with one stage in the company's, pain points without a plan, a few gaps.
CONTENT = {
    "en": {"title": "Home delivery", "jargon": "Order provisioning",
           "thinks": ["I need a new sofa before the weekend", "Which one fits my living room?", "Will it arrive on time?"],
           "does": ["Asks friends", "Reads reviews", "Pays online"],
           "pain": "I wait at home all day for the delivery", "pain2": "Nobody tells me the van is late",
           "change": "Two-hour delivery slots", "touchpoint": "Order tracking page"},
    "fr": {"title": "Livraison à domicile", "jargon": "Traitement de la commande",
           "thinks": ["Il me faut un canapé avant le week-end", "Lequel ira dans mon salon\u202f?",
                      "Arrivera-t-il à temps\u202f?"],
           "does": ["Demande à des amis", "Lit les avis", "Paie en ligne"],
           "pain": "J’attends la livraison toute la journée", "pain2": "Personne ne me prévient du retard",
           "change": "Des créneaux de livraison de deux heures", "touchpoint": "Page de suivi de commande"},
}


def prepare(workshop: Any, language: str) -> dict[str, Any]:
    from maps.selectors import map_document
    from maps.services import map_edit
    from templates_lib.models import MapTemplate
    from templates_lib.services import map_from_template

    text = CONTENT[language]
    template = MapTemplate.objects.get(key="current_state", language=language, workspace=None)
    journey_map = map_from_template(template=template, workspace=workshop.workspace, title=text["title"],
                                    actor_user=workshop.owner)
    doc = map_document(map_id=journey_map.id)
    stages = [s["id"] for s in doc["stages"]]
    lanes = {lane["kind"] + str(i): lane["id"] for i, lane in enumerate(doc["lanes"])}
    thinks, does = doc["lanes"][0]["id"], doc["lanes"][1]["id"]
    touchpoints = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints")
    opportunities = next(lane["id"] for lane in doc["lanes"] if lane["kind"] == "opportunities")
    del lanes
    ids = {"pain": str(uuid.uuid4()), "pain2": str(uuid.uuid4())}
    ops: list[dict[str, Any]] = [
        {"op": "update", "entity": "stage", "id": stages[2], "fields": {"name": text["jargon"]}},
    ]
    for i, stage in enumerate(stages[:3]):
        ops.append({"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                    "fields": {"stage": stage, "lane": thinks, "text": text["thinks"][i],
                               "team": str(workshop.support.id)}})
        ops.append({"op": "create", "entity": "card", "id": str(uuid.uuid4()),
                    "fields": {"stage": stage, "lane": does, "text": text["does"][i],
                               "team": str(workshop.sales.id)}})
    ops += [
        {"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
         "fields": {"stage": stages[3], "lane": touchpoints, "title": text["touchpoint"], "evaluation": "irritant"}},
        {"op": "create", "entity": "card", "id": ids["pain"],
         "fields": {"stage": stages[3], "lane": thinks, "text": text["pain"]}},
        {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
         "fields": {"stage": stages[0], "lane": opportunities, "text": text["change"]}},
    ]
    map_edit(journey_map, workshop.owner, ops)
    return {"map": journey_map, "stages": stages, "jargon_stage": stages[2], "thinks": thinks}


def health_button_score(page: Any) -> Any:
    return page.evaluate("() => document.getElementById('health-score').textContent")


async def test_the_health_panel_shows_checks_leads_to_items_and_accepts_a_finding(browser, workshop) -> None:
    from health.models import Acceptance
    from maps.services import map_edit

    data = await sync_to_async(prepare)(workshop, "en")
    journey_map = data["map"]
    ana = await sign_in(browser, workshop.url, "ana")
    await open_editor(ana, workshop.url, journey_map.id)
    await until(ana, "() => !document.getElementById('health-score').hidden")
    score = int(await health_button_score(ana))
    assert 0 < score < 100

    await ana.click("#health-button")
    voice = ".health-check[data-code='company_voice']"
    await until(ana, f"() => !!document.querySelector(\"{voice} .health-jump\")")
    await ana.screenshot(path=artifact("health/panel-en.png"))
    groups = await ana.evaluate("() => [...document.querySelectorAll('.health-group-title')].map(n => n.textContent)")
    assert groups[0].startswith("To fix") and any(g.startswith("Fine") for g in groups), groups
    message = await ana.text_content(f"{voice} .health-message")
    assert message.startswith("1 stage is named in the company’s words")
    assert await ana.text_content(f"{voice} .health-item-note") == "Company word: “provisioning”"

    # Clicking the item shows it on the board: the stage header gets the focus.
    await ana.click(f"{voice} .health-jump")
    focused = await until(ana, "() => document.activeElement?.closest('[data-stage]')?.dataset.stage")
    assert focused == data["jargon_stage"]
    assert await ana.evaluate("() => document.activeElement.classList.contains('health-spotlight')")
    # A cell of an empty-cells finding: the cell itself gets the focus.
    await ana.click(".health-check[data-code='empty_cells'] .health-jump")
    await until(ana, "() => document.activeElement?.classList.contains('cell')")
    await ana.screenshot(path=artifact("health/panel-item-shown-en.png"))

    # Accept the jargon stage with a reason: it leaves the finding, shown with who and why.
    await ana.click(f"{voice} .health-accept-open")
    await ana.fill(f"{voice} .health-reason", "Our buyers really say provisioning")
    await ana.click(f"{voice} .health-accept-save")
    await until(ana, f"() => document.querySelector(\"{voice}\")?.classList.contains('is-ok')")
    accepted = await ana.text_content(f"{voice} .health-accepted-item")
    assert "Accepted by Ana Lopez" in accepted and "Our buyers really say provisioning" in accepted
    assert await sync_to_async(Acceptance.objects.filter(map=journey_map, code="company_voice").count)() == 1
    await until(ana, f"() => Number(document.getElementById('health-score').textContent) > {score}")
    await ana.screenshot(path=artifact("health/panel-accepted-en.png"))

    # Undo: the finding counts again.
    await ana.click(f"{voice} .health-undo")
    await until(ana, f"() => document.querySelector(\"{voice}\")?.classList.contains('is-fail') || "
                     f"document.querySelector(\"{voice}\")?.classList.contains('is-warn')")
    assert await sync_to_async(Acceptance.objects.filter(map=journey_map).count)() == 0

    # Someone renames the stage in the customer's words: the open panel follows.
    await sync_to_async(map_edit)(journey_map, workshop.editor, [
        {"op": "update", "entity": "stage", "id": data["jargon_stage"], "fields": {"name": "Buy or sign up"}}])
    await until(ana, f"() => document.querySelector(\"{voice}\")?.classList.contains('is-ok')", timeout=15)
    assert ana.errors == []


async def test_the_health_panel_in_french(browser, workshop) -> None:
    data = await sync_to_async(prepare)(workshop, "fr")
    ana = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await ana.goto(f"{workshop.url}/maps/{data['map'].id}/")
    await ana.wait_for_selector(".stage-header")
    await ana.click("#health-button")
    voice = ".health-check[data-code='company_voice']"
    await until(ana, f"() => !!document.querySelector(\"{voice} .health-jump\")")
    assert await ana.text_content(f"{voice} .health-check-title") == "Des étapes dans les mots du client"
    note = await ana.text_content(f"{voice} .health-item-note")
    assert note == "Mot de l’entreprise\u00a0: «\u00a0Traitement\u00a0»"
    groups = await ana.evaluate("() => [...document.querySelectorAll('.health-group-title')].map(n => n.textContent)")
    assert groups[0].startswith("À corriger"), groups
    await ana.click(f"{voice} .health-accept-open")
    await ana.fill(f"{voice} .health-reason", "Nos clients parlent ainsi")
    await ana.screenshot(path=artifact("health/panel-fr.png"))
    assert ana.errors == []


async def test_a_viewer_reads_the_health_but_accepts_nothing(browser, workshop) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    data = await sync_to_async(prepare)(workshop, "en")

    def add_viewer() -> None:
        user = UserFactory(username="cleo", first_name="Cléo")
        Membership.objects.create(workspace=workshop.workspace, user=user, role=Role.VIEWER)

    await sync_to_async(add_viewer)()
    cleo = await sign_in(browser, workshop.url, "cleo")
    await cleo.goto(f"{workshop.url}/maps/{data['map'].id}/")
    await cleo.wait_for_selector(".stage-header")
    await cleo.click("#health-button")
    await until(cleo, "() => !!document.querySelector('.health-check .health-jump')")
    assert await cleo.evaluate("() => document.querySelectorAll('.health-accept-open').length") == 0
    assert cleo.errors == []


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_the_dashboard_shows_each_maps_health(browser, workshop, language) -> None:
    from health.selectors import map_health

    first = await sync_to_async(prepare)(workshop, language)
    second = await sync_to_async(prepare)(workshop, language)
    # One map checked at its current seq (the server draws its chip), one not (the page fetches it).
    await sync_to_async(map_health)(journey_map=first["map"])
    ana = await sign_in(browser, workshop.url, "ana", locale="fr-FR" if language == "fr" else "en-GB")
    await ana.goto(f"{workshop.url}/")
    await until(ana, "() => document.querySelectorAll('.health-badge').length === 2"
                     " && !document.querySelector('.health-badge.is-pending')")
    titles = await ana.evaluate("() => [...document.querySelectorAll('.health-badge')].map(n => n.title)")
    start = "Santé de la carte\u00a0: 32 sur 100" if language == "fr" else "Map health: 32 out of 100"
    assert all(title.startswith(start) for title in titles), titles
    assert await ana.evaluate("() => document.querySelectorAll('.health-badge.tone-poor').length") == 2
    del second
    await ana.screenshot(path=artifact(f"health/dashboard-{language}.png"))
    assert ana.errors == []


async def test_an_owner_adds_a_company_word_from_the_panel_and_the_map_is_checked_with_it(browser, workshop) -> None:
    from maps.services import map_edit

    data = await sync_to_async(prepare)(workshop, "en")
    # The jargon stage renamed in a word no built-in list holds: the voice check is fine.
    await sync_to_async(map_edit)(data["map"], workshop.owner, [
        {"op": "update", "entity": "stage", "id": data["jargon_stage"], "fields": {"name": "Pallet staging"}}])
    ana = await sign_in(browser, workshop.url, "ana")
    await open_editor(ana, workshop.url, data["map"].id)
    await ana.click("#health-button")
    voice = ".health-check[data-code='company_voice']"
    await until(ana, f"() => document.querySelector(\"{voice}\")?.classList.contains('is-ok')")

    # The panel leads to the workspace's words (under "Fine", folded); Ana adds her
    # warehouse's jargon.
    await ana.click(".health-group.is-ok > summary")
    await ana.click(f"{voice} .health-words-link")
    await ana.wait_for_selector("#words-en")
    assert await ana.locator(".words-builtin summary").first.inner_text() != ""
    await ana.fill("#words-en", "pallet staging\n<b>dock</b>")
    await ana.screenshot(path=artifact("health/company-words-en.png"), full_page=True)
    await ana.click(".words-form button[type=submit]")
    await ana.wait_for_selector(".flash")
    assert await ana.input_value("#words-en") == "pallet staging\n<b>dock</b>"
    assert await ana.evaluate("() => document.querySelectorAll('#words-en b').length") == 0

    # Back on the map, the stage is flagged with the new word.
    await open_editor(ana, workshop.url, data["map"].id)
    await ana.click("#health-button")
    await until(ana, f"() => !!document.querySelector(\"{voice} .health-item-note\")")
    assert await ana.text_content(f"{voice} .health-item-note") == "Company word: “Pallet staging”"
    assert ana.errors == []


async def test_an_editor_reads_the_company_words_in_french_and_cannot_change_them(browser, workshop) -> None:
    ben = await sign_in(browser, workshop.url, "ben", locale="fr-FR")
    await ben.goto(f"{workshop.url}/workspaces/{workshop.workspace.id}/company-words/")
    await ben.wait_for_selector("#words-fr")
    assert await ben.locator("h1").inner_text() == f"Mots de l’entreprise — {workshop.workspace.name}"
    assert await ben.locator("#words-fr").get_attribute("readonly") is not None
    assert await ben.locator(".words-form button[type=submit]").count() == 0
    await ben.locator(".words-builtin summary").nth(1).click()
    assert "traitement" in await ben.locator(".words-chips").nth(1).inner_text()
    await ben.screenshot(path=artifact("health/company-words-fr-editor.png"), full_page=True)
    assert ben.errors == []


async def test_an_acceptance_reaches_another_open_panel_at_once(browser, workshop) -> None:
    data = await sync_to_async(prepare)(workshop, "en")
    voice = ".health-check[data-code='company_voice']"
    pages = []
    for person in ("ana", "ben"):
        page = await sign_in(browser, workshop.url, person)
        await open_editor(page, workshop.url, data["map"].id)
        await page.click("#health-button")
        await until(page, f"() => !!document.querySelector(\"{voice} .health-accept-open\")")
        pages.append(page)
    ana, ben = pages
    await ana.click(f"{voice} .health-accept-open")
    await ana.fill(f"{voice} .health-reason", "Our buyers really say provisioning")
    await ana.click(f"{voice} .health-accept-save")
    # Nothing on the map changed: Ben's panel hears of it from the socket.
    await until(ben, f"() => document.querySelector(\"{voice}\")?.classList.contains('is-ok')", timeout=10)
    assert "Accepted by Ana Lopez" in await ben.text_content(f"{voice} .health-accepted-item")
    await ben.click(f"{voice} .health-undo")
    await until(ana, f"() => !document.querySelector(\"{voice}\")?.classList.contains('is-ok')", timeout=10)
    assert ana.errors == [] and ben.errors == []
