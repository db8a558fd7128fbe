"""Metric series in a real browser: Ana uploads a CSV in a touchpoint's panel and
sees a sparkline per metric; Ben, in his own editor, sees the new CSAT live on
the same touchpoint; a bad file is refused with the row named, in French too;
the Priorities view ranks touchpoints by a metric.

People: the owner (Ana) and an editor (Ben); see tests/e2e/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import eventually, sign_in, wait_synced
from tests.e2e.test_editor import make_map, open_editor, two_people
from tests.e2e.test_rich_lanes import lane_of, seed, touchpoint

pytestmark = pytest.mark.django_db(transaction=True)

TP = "6b1d7b66-2e1f-4d72-8b7f-3c8e4d5f6a71"
OTHER = "7c2e8c77-3f20-4e83-9c80-4d9f5e6a7b82"
# As French Excel saves it: a byte-order mark, ";" separators, decimal commas.
CSV = ("\ufeffmétrique;période;valeur\r\n"
       "csat;2026-01;71,5\r\ncsat;2026-02;68\r\ncsat;2026-03;74,5\r\ncsat;2026-04;79\r\n"
       "nps;2026-02;-4\r\nnps;2026-03;6\r\nnps;2026-04;12\r\n"
       "ces;2026-04;5,2\r\n")


def _seed(workshop: Any) -> Any:
    journey_map = make_map(workshop)

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        lane = lane_of(doc, "touchpoints")
        return [{"op": "create", "entity": "touchpoint", "id": TP,
                 "fields": {"stage": doc["stages"][1]["id"], "lane": lane, "title": "Checkout page"}},
                {"op": "create", "entity": "touchpoint", "id": OTHER,
                 "fields": {"stage": doc["stages"][2]["id"], "lane": lane, "title": "Delivery e-mail"}}]

    seed(workshop, journey_map, ops)
    return journey_map


async def test_a_csv_upload_draws_sparklines_and_the_new_csat_reaches_another_editor_live(browser, workshop,
                                                                                           tmp_path) -> None:
    journey_map = await sync_to_async(_seed)(workshop)
    ana, ben = await two_people(browser, workshop, journey_map)

    # Ben keeps the same touchpoint open: its CSAT field will change under him.
    await ben.locator(f".item[data-id='{TP}']").click()
    ben_panel = ben.locator("#side-panel")
    await ben_panel.locator(".metric-empty", has_text="No measurements yet.").wait_for()
    assert await ben_panel.locator("input[name=csat]").input_value() == ""

    await ana.locator(f".item[data-id='{TP}']").click()
    panel = ana.locator("#side-panel")
    await panel.locator(".metric-empty", has_text="No measurements yet.").wait_for()
    file = tmp_path / "checkout.csv"
    file.write_bytes(CSV.encode("utf-8"))
    await panel.locator(".metric-file").set_input_files(str(file))
    await panel.locator(".metric-status.is-ok").wait_for()
    assert await panel.locator(".metric-status").inner_text() == "8 values stored; the touchpoint was updated."

    # One line per metric, in the catalogue's order, each with its periods as dots.
    await panel.locator(".metric-line").nth(2).wait_for()
    assert await panel.locator(".metric-line").evaluate_all("nodes => nodes.map(n => n.dataset.metric)") == [
        "csat", "nps", "ces"]
    csat = panel.locator(".metric-line[data-metric=csat]")
    assert await csat.locator("circle").count() == 4
    assert await csat.locator("polyline").count() == 1
    assert await csat.locator("circle title").evaluate_all("nodes => nodes.map(n => n.textContent)") == [
        "2026-01: 71.5", "2026-02: 68", "2026-03: 74.5", "2026-04: 79"]
    assert await csat.locator(".metric-value").inner_text() == "79"
    assert await csat.locator(".metric-period").inner_text() == "2026-04"
    # The latest values are the touchpoint's fields: the form shows them too.
    assert await panel.locator("input[name=csat]").input_value() == "79"
    assert await panel.locator("input[name=ces]").input_value() == "5.2"

    # Ben sees the new CSAT live, in his open panel, and his sparkline follows.
    await ben.wait_for_function(
        "() => document.querySelector('#side-panel input[name=csat]').value === '79'", timeout=10_000)
    await ben_panel.locator(".metric-line[data-metric=csat] circle").nth(3).wait_for()
    assert await ben_panel.locator(".metric-line[data-metric=nps] .metric-value").inner_text() == "12"
    tp = await eventually(lambda: touchpoint(TP) if touchpoint(TP).csat == 79 else None)
    assert tp.metrics["nps"] == {"value": 12, "period": "2026-04"}
    await panel.locator(".panel-metrics").scroll_into_view_if_needed()
    await csat.locator("circle").nth(2).hover()
    await ana.screenshot(path=artifact("metrics/panel-metrics.png"))
    await ben_panel.locator(".panel-metrics").scroll_into_view_if_needed()
    await ben.screenshot(path=artifact("metrics/panel-metrics-live.png"))

    # A bad row: nothing stored, the row and what is wrong with it said.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"metric,period,value\ncsat,2026-05,80\ncsat,2026-06,180\n")
    await panel.locator(".metric-file").set_input_files(str(bad))
    await panel.locator(".metric-status.is-error").wait_for()
    await panel.locator(".metric-status").scroll_into_view_if_needed()
    assert await panel.locator(".metric-status").inner_text() == (
        "Nothing was stored: Row 3, value: must be between 0 and 100")
    assert await panel.locator(".metric-line[data-metric=csat] circle").count() == 4
    await ana.screenshot(path=artifact("metrics/panel-metrics-error.png"))

    # The Priorities view ranks touchpoints by a metric: the worst CSAT first.
    def more(doc: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"op": "update", "entity": "touchpoint", "id": OTHER,
                 "fields": {"metrics": {"csat": {"value": 55, "period": "2026-04"}}}}]

    await sync_to_async(seed)(workshop, journey_map, more)
    await ana.click("#priorities-button")
    await ana.locator("#side-panel .priorities-order label", has_text="By metric").click()
    ranked = ana.locator("#side-panel .prio-by-metric .prio-title")
    await ranked.nth(1).wait_for()
    assert await ranked.all_inner_texts() == ["Delivery e-mail", "Checkout page"]
    await ana.select_option("#side-panel .priorities-metric-direction", "high")
    await ana.wait_for_function("() => document.querySelector('#side-panel .prio-by-metric .prio-title')"
                                ".textContent === 'Checkout page'")
    await ana.screenshot(path=artifact("metrics/priorities-by-metric.png"))
    assert ana.errors == [] and ben.errors == []


async def test_the_metrics_section_speaks_french_and_viewers_only_read(browser, workshop) -> None:
    from maps.models import Membership, Role
    from tests.factories import UserFactory

    journey_map = await sync_to_async(_seed)(workshop)

    def viewer() -> None:
        user = UserFactory(username="chloe", first_name="Chloé", last_name="Petit")
        Membership.objects.create(workspace=workshop.workspace, user=user, role=Role.VIEWER)

    await sync_to_async(viewer)()
    from metrics.points import Point
    from metrics.services import points_record

    def record() -> None:
        import datetime as dt

        points_record(journey_map=journey_map, user=workshop.owner, points=[
            Point(TP, "csat", dt.date(2026, month, 1), "month", 60 + month) for month in range(1, 7)])

    await sync_to_async(record)()
    page = await sign_in(browser, workshop.url, "chloe", locale="fr-FR")
    await open_editor(page, workshop.url, journey_map.id)
    await wait_synced(page)
    await page.locator(f".item[data-id='{TP}']").click()
    panel = page.locator("#side-panel")
    await panel.locator(".metric-line[data-metric=csat] circle").nth(5).wait_for()
    assert await panel.locator(".panel-metrics legend").inner_text() == "Indicateurs"
    name = panel.locator(".metric-line[data-metric=csat] .metric-name")
    assert (await name.inner_text(), await name.get_attribute("title")) == ("CSAT", "CSAT (% de satisfaits)")
    assert await panel.locator(".metric-upload").count() == 0
    await panel.locator(".panel-metrics").scroll_into_view_if_needed()
    await page.screenshot(path=artifact("metrics/panel-metrics-viewer-fr.png"))
    assert page.errors == []
