"""The PDF export prints each touchpoint's latest metric readings with their
periods (built-in fields and a workspace's own metrics), inside the page, in
the export's language; a value typed by hand prints without a period."""

from __future__ import annotations

import datetime as dt
import uuid

import pypdfium2 as pdfium
import pytest

from exports.options import ExportOptions
from exports.services.render import render_pdf
from exports.services.request import metric_labels
from maps.selectors import map_document
from maps.services import map_create, map_edit
from metrics.models import MetricKey
from metrics.points import Point
from metrics.services import points_record
from tests.conftest import artifact
from tests.exports.helpers import pdf_pages, squash

pytestmark = pytest.mark.django_db


def _map(workspace, owner):
    structure = {"stages": [{"name": "Compare"}, {"name": "Buy"}, {"name": "Use"}],
                 "lanes": [{"title": "Where", "kind": "touchpoints"}]}
    journey_map = map_create(workspace=workspace, title="Metrics on paper", actor_user=owner, structure=structure)
    doc = map_document(map_id=journey_map.id)
    lane, stages = doc["lanes"][0]["id"], [s["id"] for s in doc["stages"]]
    ids = [str(uuid.uuid4()) for _ in range(3)]
    map_edit(journey_map, owner, [
        {"op": "create", "entity": "touchpoint", "id": ids[0], "fields": {"stage": stages[0], "lane": lane,
                                                                          "title": "Checkout <page>"}},
        {"op": "create", "entity": "touchpoint", "id": ids[1], "fields": {"stage": stages[1], "lane": lane,
                                                                          "title": "Hotline", "csat": 40}},
        {"op": "create", "entity": "touchpoint", "id": ids[2], "fields": {"stage": stages[2], "lane": lane,
                                                                          "title": "App"}},
    ])
    return journey_map, ids


def test_the_pdf_prints_latest_readings_with_their_periods(workspace, owner):
    journey_map, ids = _map(workspace, owner)
    MetricKey.objects.create(workspace=workspace, key="wait_minutes", label="Wait (min)")
    month = dt.date
    points_record(journey_map=journey_map, user=owner, points=[
        Point(ids[0], "csat", month(2026, 3, 1), "month", 74.5),
        Point(ids[0], "csat", month(2026, 4, 1), "month", 79.0),
        Point(ids[0], "nps", month(2026, 4, 1), "month", 12.0),
        Point(ids[0], "ces", month(2026, 4, 14), "day", 5.2),
        Point(ids[0], "volume_share", month(2026, 4, 1), "month", 35.0),
        Point(ids[2], "wait_minutes", month(2026, 2, 1), "month", 12.5),
    ])
    doc = map_document(map_id=journey_map.id)
    # The snapshot an export request takes carries the names of the workspace's metrics.
    doc["metric_labels"] = metric_labels(doc, workspace.id)
    assert doc["metric_labels"] == {"wait_minutes": "Wait (min)"}
    data, _info = render_pdf(doc, ExportOptions(paper="A4", personas=False))
    pages = pdf_pages(data)
    text = squash(" ".join(page["text"] for page in pages))
    assert squash("CSAT 79% (2026-04)") in text
    assert squash("NPS +12 (2026-04)") in text
    assert squash("CES 5.2 (2026-04-14)") in text
    assert squash("35% of customers (2026-04)") in text
    assert squash("Wait (min) 12.5 (2026-02)") in text and "wait_minutes" not in text
    # Typed by hand, not from a series: no period.
    assert squash("CSAT 40%") in text and squash("CSAT 40% (") not in text
    assert squash("Checkout <page>") in text
    assert all(not page["outside"] for page in pages)

    french, _info = render_pdf(doc, ExportOptions(paper="A4", personas=False, language="fr"))
    assert squash("CSAT 79\u00a0% (2026-04)") in squash(" ".join(p["text"] for p in pdf_pages(french)))

    pdf = pdfium.PdfDocument(data)
    try:
        grid = next(i for i, page in enumerate(pages) if "CSAT" in page["text"])
        pdf[grid].render(scale=2).to_pil().save(artifact("metrics/pdf-metrics.png"))
    finally:
        pdf.close()


def test_a_share_viewer_gets_no_metric_readings_in_the_document_or_the_frames(workspace, owner):
    from maps.live.visibility import Profile
    from maps.models import Operation
    from maps.selectors import viewer_document

    journey_map, ids = _map(workspace, owner)
    recorded = points_record(journey_map=journey_map, user=owner, points=[
        Point(ids[0], "csat", dt.date(2026, 4, 1), "month", 79.0)])
    shared = {tp["id"]: tp for tp in viewer_document(map_id=journey_map.id, hidden_lanes=frozenset())["touchpoints"]}
    assert "metrics" not in shared[ids[0]] and shared[ids[0]]["csat"] == 79.0
    batch = Operation.objects.get(map_id=journey_map.id, seq=recorded.seq)
    profile = Profile(str(journey_map.id), frozenset())
    scrubbed = [profile._scrub(op) for op in batch.ops]
    assert all("metrics" not in op["fields"] for op in scrubbed) and scrubbed[0]["fields"]["csat"] == 79.0
    assert "metrics" in batch.ops[0]["fields"]  # members get them


def test_an_export_request_snapshot_names_the_workspace_metrics_its_touchpoints_carry(workspace, owner):
    from exports.services.request import export_request

    journey_map, ids = _map(workspace, owner)
    MetricKey.objects.create(workspace=workspace, key="wait_minutes", label="Wait (min)")
    MetricKey.objects.create(workspace=workspace, key="unused", label="Not on this map")
    points_record(journey_map=journey_map, user=owner, points=[
        Point(ids[2], "wait_minutes", dt.date(2026, 2, 1), "month", 12.5),
        Point(ids[0], "csat", dt.date(2026, 4, 1), "month", 79.0)])
    export = export_request(map=journey_map, user=owner, options={"format": "pdf"})
    assert export.snapshot["metric_labels"] == {"wait_minutes": "Wait (min)"}
