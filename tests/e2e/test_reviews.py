"""The Review panel in the editor: an editor sees the review is due, marks the
map reviewed with a note, and sees the new last review, the next due date and the
review's version in the History panel; owner and interval changed from the panel;
a reminder's link opens it; viewers only read. English and French (screenshots in
test-artifacts/reviews/).

People: Ana (owner of the workspace and of the map), Ben (editor); see conftest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from tests.conftest import artifact
from tests.e2e.conftest import eventually, sign_in
from tests.e2e.test_accessibility import axe_script  # noqa: F401  (fixture)
from tests.e2e.test_editor import open_editor
from tests.e2e.test_editor_safety import until

pytestmark = pytest.mark.django_db(transaction=True)


def overdue_map(workshop: Any, title: str, language: str = "en") -> Any:
    """A map Ana made five months ago (due a month ago: the default interval is 4)."""
    from maps.models import JourneyMap
    from templates_lib.models import MapTemplate
    from templates_lib.services import map_from_template

    template = MapTemplate.objects.get(key="current_state", language=language, workspace=None)
    journey_map = map_from_template(template=template, workspace=workshop.workspace, title=title,
                                    actor_user=workshop.owner)
    JourneyMap.objects.filter(id=journey_map.id).update(created_at=timezone.now() - dt.timedelta(days=152))
    return JourneyMap.objects.get(id=journey_map.id)


def text(page: Any, selector: str) -> Any:
    return page.text_content(selector)


async def test_an_editor_marks_the_map_reviewed_and_sees_the_version(browser, workshop) -> None:
    from maps.models import JourneyMap
    from versions.models import Version

    journey_map = await sync_to_async(overdue_map)(workshop, "Home delivery")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ben, workshop.url, journey_map.id)
    assert await ben.is_visible("#review-button .review-due-chip")
    await ben.click("#review-button")
    await ben.wait_for_selector("#review-mark")
    assert (await text(ben, "#review-due-date")).startswith("Review due since ")
    assert await text(ben, "#review-last") == "Never reviewed"
    assert await ben.eval_on_selector("#review-owner", "s => s.selectedOptions[0].textContent") == "Ana Lopez"
    await ben.fill("#review-note", "Checked with Support <b>today</b>")
    await ben.screenshot(path=artifact("reviews/panel-due-en.png"))

    await ben.click("#review-mark")
    await until(ben, "() => document.getElementById('review-last')?.textContent.includes('Ben Martin')")
    row = await sync_to_async(JourneyMap.objects.get)(id=journey_map.id)
    assert row.reviewed_by_id == workshop.editor.pk
    due = row.reviewed_at + dt.timedelta(days=118)  # four calendar months later, at least
    shown_due = await text(ben, "#review-due-date")
    assert shown_due.startswith("Due on ") and str(due.year) in shown_due, shown_due
    assert await ben.is_hidden("#review-button .review-due-chip")
    await ben.screenshot(path=artifact("reviews/panel-reviewed-en.png"))
    version = await eventually(lambda: Version.objects.filter(map=journey_map, reason="review").first())
    assert version.note == "Checked with Support <b>today</b>"

    await ben.click("#history-button")
    entry = f".history-entry[data-version='{version.id}']"
    await ben.wait_for_selector(entry)
    assert await text(ben, f"{entry} .history-title") == "Saved at a review"
    assert await text(ben, f"{entry} .history-note") == "Checked with Support <b>today</b>"
    await ben.screenshot(path=artifact("reviews/history-en.png"))
    assert ben.errors == []


async def test_owner_and_interval_change_from_the_panel(browser, workshop) -> None:
    from maps.models import JourneyMap

    journey_map = await sync_to_async(overdue_map)(workshop, "Claims")
    ana = await sign_in(browser, workshop.url, "ana")
    # As a reminder's link leads: the panel opens with the page.
    await ana.goto(f"{workshop.url}/maps/{journey_map.id}/?review=1")
    await ana.wait_for_selector("#review-interval")
    await ana.select_option("#review-interval", "6")
    await eventually(lambda: JourneyMap.objects.filter(id=journey_map.id, review_every_months=6).exists())
    # Five months old, every six months: no longer due.
    await until(ana, "() => document.getElementById('review-due-date')?.textContent.startsWith('Due on ')")
    await ana.select_option("#review-owner", str(workshop.editor.pk))
    await eventually(lambda: JourneyMap.objects.filter(id=journey_map.id, owner=workshop.editor).exists())
    await ana.select_option("#review-owner", "")
    await eventually(lambda: JourneyMap.objects.filter(id=journey_map.id, owner=None).exists())
    assert ana.errors == []


async def test_the_review_panel_in_french(browser, workshop) -> None:
    journey_map = await sync_to_async(overdue_map)(workshop, "Livraison à domicile", "fr")
    ben = await sign_in(browser, workshop.url, "ben", locale="fr-FR")
    await open_editor(ben, workshop.url, journey_map.id)
    label = " ".join((await text(ben, "#review-button")).split())
    assert label == "Revue à faire", label
    await ben.click("#review-button")
    await ben.wait_for_selector("#review-mark")
    assert (await text(ben, "#review-due-date")).startswith("Revue à faire depuis le ")
    assert await text(ben, "#review-last") == "Jamais revue"
    assert await text(ben, "#review-mark") == "Marquer comme revue"
    await ben.fill("#review-note", "Vérifiée avec le support")
    await ben.screenshot(path=artifact("reviews/panel-due-fr.png"))
    await ben.click("#review-mark")
    await until(ben, "() => document.getElementById('review-last')?.textContent.includes('par Ben Martin')")
    assert (await text(ben, "#review-due-date")).startswith("Prévue le ")
    await ben.screenshot(path=artifact("reviews/panel-reviewed-fr.png"))
    assert ben.errors == []


async def test_a_viewer_reads_the_review_but_cannot_mark_it(browser, workshop) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    journey_map = await sync_to_async(overdue_map)(workshop, "Home delivery")

    def add_viewer() -> None:
        Membership.objects.create(workspace=workshop.workspace, user=UserFactory(username="cleo", first_name="Cléo"),
                                  role=Role.VIEWER)

    await sync_to_async(add_viewer)()
    cleo = await sign_in(browser, workshop.url, "cleo")
    await cleo.goto(f"{workshop.url}/maps/{journey_map.id}/")
    await cleo.wait_for_selector(".stage-header")
    await cleo.click("#review-button")
    await cleo.wait_for_selector("#review-due-date")
    assert await cleo.query_selector("#review-mark") is None and await cleo.query_selector("#review-owner") is None
    assert "Ana Lopez" in await text(cleo, ".review-panel")
    assert cleo.errors == []


def dashboard_maps(workshop: Any, language: str) -> None:
    """Three maps: one reviewed lately, one due this week, one long overdue (edited last)."""
    from maps.models import JourneyMap

    titles = {"en": ("Claims", "Home delivery", "Onboarding"),
              "fr": ("Déclarer un sinistre", "Livraison à domicile", "Premiers pas")}[language]
    reviewed, due, overdue = (overdue_map(workshop, title, language) for title in titles)
    now = timezone.now()
    JourneyMap.objects.filter(id=reviewed.id).update(reviewed_at=now - dt.timedelta(days=10),
                                                     reviewed_by=workshop.editor)
    JourneyMap.objects.filter(id=due.id).update(created_at=now - dt.timedelta(days=125))
    JourneyMap.objects.filter(id=overdue.id).update(created_at=now - dt.timedelta(days=400), updated_at=now)


@pytest.mark.parametrize("language, locale, words", [
    ("en", "en-GB", {"due": "Review due", "overdue": "Review overdue since", "sort": "Review due first"}),
    ("fr", "fr-FR", {"due": "Revue à faire", "overdue": "Revue en retard depuis le", "sort": "Revue à faire d’abord"}),
])
async def test_the_dashboard_shows_due_reviews_and_sorts_by_them(browser, workshop, language, locale, words) -> None:
    await sync_to_async(dashboard_maps)(workshop, language)
    ana = await sign_in(browser, workshop.url, "ana", locale=locale)
    if language == "fr":
        await ana.goto(f"{workshop.url}/")  # the language follows the browser's
    await ana.wait_for_selector(".map-card")
    badges = await ana.eval_on_selector_all(".map-card .review-badge", "nodes => nodes.map(n => n.textContent)")
    assert len(badges) == 2 and badges[0].startswith(words["overdue"]) and words["due"] in badges
    await ana.select_option("#id_sort", "review")
    await ana.wait_for_url("**sort=review**")
    order = await ana.eval_on_selector_all(".map-card-title", "nodes => nodes.map(n => n.textContent)")
    badges = await ana.eval_on_selector_all(".map-card .review-badge", "nodes => nodes.map(n => n.textContent)")
    assert badges[0].startswith(words["overdue"]) and badges[1] == words["due"], badges
    assert len(order) == 3
    assert await ana.eval_on_selector("#id_sort", "s => s.selectedOptions[0].textContent") == words["sort"]
    await ana.screenshot(path=artifact(f"reviews/dashboard-{language}.png"))
    assert ana.errors == []


async def violations_in(page: Any, selectors: list[str]) -> list[dict[str, Any]]:
    """Serious or critical axe violations inside what reviews draw (the rest of the
    page is other features' business and has its own checks)."""
    await page.wait_for_function("() => typeof window.axe === 'object'")
    result = await page.evaluate(
        "async (include) => (await axe.run({include: include.map((s) => [s])}, {resultTypes: ['violations']}))"
        ".violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary}))}))", selectors)
    return [v for v in result if v["impact"] in ("serious", "critical")]


async def test_the_review_panel_and_badges_have_no_serious_accessibility_violation(
        browser, workshop, axe_script) -> None:  # noqa: F811  (fixture)
    await sync_to_async(dashboard_maps)(workshop, "en")
    ana = await sign_in(browser, workshop.url, "ana")
    await ana.context.add_init_script(path=str(axe_script))
    found = {}
    await ana.goto(f"{workshop.url}/?sort=review")
    await ana.wait_for_selector(".review-badge.is-overdue")
    found["dashboard: sort and cards with review badges"] = await violations_in(ana, [".filters", ".map-grid"])
    overdue = await ana.get_attribute(".map-card:has(.review-badge.is-overdue)", "data-map-id")
    await ana.goto(f"{workshop.url}/maps/{overdue}/?review=1")
    await ana.wait_for_selector("#review-mark")
    found["editor: review button and panel"] = await violations_in(ana, ["#review-button", "#side-panel"])
    assert found == {name: [] for name in found}, found


async def test_a_review_reaches_the_other_open_editor_at_once(browser, workshop) -> None:
    journey_map = await sync_to_async(overdue_map)(workshop, "Home delivery")
    ana = await sign_in(browser, workshop.url, "ana")
    ben = await sign_in(browser, workshop.url, "ben")
    await open_editor(ana, workshop.url, journey_map.id)
    await open_editor(ben, workshop.url, journey_map.id)
    await ana.click("#review-button")
    await ana.wait_for_selector("#review-note")
    await ana.fill("#review-note", "Half-written note")
    assert await ana.is_visible("#review-button .review-due-chip")

    await ben.click("#review-button")
    await ben.wait_for_selector("#review-mark")
    await ben.click("#review-mark")
    # Ana's panel and button follow without a reload; her note is still there.
    await until(ana, "() => document.getElementById('review-last')?.textContent.includes('Ben Martin')")
    assert await ana.is_hidden("#review-button .review-due-chip")
    assert await ana.input_value("#review-note") == "Half-written note"
    await ben.select_option("#review-interval", "2")
    await until(ana, "() => document.getElementById('review-interval')?.value === '2'")
    assert ana.errors == [] and ben.errors == []
