"""The service blueprint template: the rows and lines practitioners expect, in the
map's language on screen and on paper; maps made before keep their own lanes."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from exports.options import ExportOptions
from exports.services.render import render_pdf
from maps.models import Lane
from maps.selectors import map_document
from templates_lib.models import MapTemplate
from templates_lib.services import ensure_builtin_templates, map_from_template
from tests.conftest import artifact
from tests.exports.helpers import pdf_pages, squash

pytestmark = pytest.mark.django_db

FRENCH_ROWS = ["Pensées et ressentis", "Raisons du ressenti", "Preuves physiques", "Actions du client",
               "Ligne d’interaction", "Front office", "Ligne de visibilité", "Back office",
               "Ligne d’interaction interne", "Processus et systèmes de support"]
OLD_BLUEPRINT_KINDS = ["text", "text", "frontstage", "line_of_visibility", "backstage", "support"]


def blueprint(workspace, owner, language: str, title: str = "Résiliation d’abonnement"):
    template = MapTemplate.objects.get(workspace=None, key="service_blueprint", language=language)
    return map_from_template(template=template, workspace=workspace, title=title, actor_user=owner)


def lane_kinds(journey_map) -> list[str]:
    return list(Lane.objects.filter(map=journey_map).order_by("position", "id").values_list("kind", flat=True))


def test_a_new_french_blueprint_has_every_row_and_line_in_french(workspace, owner):
    journey_map = blueprint(workspace, owner, "fr")
    doc = map_document(map_id=journey_map.id)
    assert [lane["title"] for lane in doc["lanes"]] == FRENCH_ROWS


def test_maps_made_from_the_old_template_keep_their_lanes_when_the_template_is_refreshed(workspace, owner):
    # The template as it was seeded before (six lanes), and a map made from it then.
    template = MapTemplate.objects.get(workspace=None, key="service_blueprint", language="fr")
    structure = dict(template.structure)
    structure["lanes"] = [lane for lane in structure["lanes"]
                          if lane["kind"] not in ("line_of_interaction", "line_of_internal_interaction")
                          and lane["title"] not in ("Preuves physiques", "Actions du client")]
    MapTemplate.objects.filter(id=template.id).update(structure=structure)
    before = blueprint(workspace, owner, "fr", title="Fait avant")
    assert lane_kinds(before) == OLD_BLUEPRINT_KINDS

    ensure_builtin_templates()  # what the data migration and bin/run do
    assert len(MapTemplate.objects.get(id=template.id).structure["lanes"]) == 10
    assert lane_kinds(before) == OLD_BLUEPRINT_KINDS
    assert len(lane_kinds(blueprint(workspace, owner, "fr", title="Fait après"))) == 10


def _text_top(data: bytes, page_index: int, needle: str) -> float:
    """The top of ``needle`` on the page, in points from its foot."""
    textpage = pdfium.PdfDocument(data)[page_index].get_textpage()
    found = textpage.search(needle, match_case=True).get_next()
    assert found, needle
    return textpage.get_charbox(found[0])[3]


def _page_png(data: bytes, index: int, name: str) -> None:
    page = pdfium.PdfDocument(data)[index]
    page.render(scale=110 / 72).to_pil().save(artifact(name))


def test_a_french_blueprint_prints_its_lines_in_french_even_with_english_labels(workspace, owner):
    journey_map = blueprint(workspace, owner, "fr")
    doc = map_document(map_id=journey_map.id)
    data, _info = render_pdf(doc, ExportOptions(paper="A3", language="en"))
    text = squash("".join(page["text"] for page in pdf_pages(data))).upper()
    for title in ("Ligne d’interaction", "Ligne de visibilité", "Ligne d’interaction interne", "Preuves physiques",
                  "Actions du client"):
        assert squash(title).upper() in text, title
    # Only the legend (printed in the labels' language) may say it in English; the grid's rows do not.
    assert text.count("LINEOFINTERACTION") <= 1
    # Top to bottom on the grid's first page: the rows in the practitioners' order.
    grid_page = next(i for i, page in enumerate(pdf_pages(data)) if "Front office" in page["text"])
    for index in range(len(pdf_pages(data))):
        _page_png(data, index, f"workshop/blueprint-fr-pdf-page{index + 1}.png")
    tops = [_text_top(data, grid_page, t) for t in ("Actions du client", "LIGNE D’INTERACTION", "Front office",
                                            "Ligne de visibilité", "Back office", "Ligne d’interaction interne")]
    assert tops == sorted(tops, reverse=True)


def test_an_older_french_blueprint_draws_its_line_of_interaction_in_french(workspace, owner):
    from maps.services import map_create

    template = MapTemplate.objects.get(workspace=None, key="service_blueprint", language="fr")
    structure = dict(template.structure)
    structure["lanes"] = [lane for lane in structure["lanes"]
                          if lane["kind"] not in ("line_of_interaction", "line_of_internal_interaction")]
    journey_map = map_create(workspace=workspace, title="Ancien plan", actor_user=owner, kind="service_blueprint",
                             language="fr", structure=structure)
    data, _info = render_pdf(map_document(map_id=journey_map.id), ExportOptions(paper="A3", language="en"))
    text = squash("".join(page["text"] for page in pdf_pages(data))).upper()
    assert squash("Ligne d’interaction").upper() in text
