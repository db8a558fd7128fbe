"""The marks the printed map shares with the editor: evaluation faces, curve colours
and the shared curve's name (no database)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from django.conf import settings

from exports.options import ExportOptions
from exports.services.marks import (
    EVALUATIONS,
    PERSONA_PALETTE,
    SHARED_CURVE_COLOR,
    color_distance,
    curve_colors,
    emotion_svg,
    evaluation_file,
    evaluation_svg,
)
from exports.services.render import render_html, render_pdf
from exports.services.sections import prepare
from tests.exports.helpers import pdf_pages, squash, synthetic_document

STATIC = Path(settings.BASE_DIR) / "static"


def shapes(svg: str) -> list[str]:
    """The drawing of an SVG: its circles and paths, attribute for attribute."""
    return re.findall(r"<(?:circle|path)\b[^>]*/>", svg)


def test_the_printed_faces_are_the_files_the_editor_shows():
    css = (STATIC / "css" / "editor.css").read_text(encoding="utf-8")
    for evaluation in EVALUATIONS:
        source = evaluation_file(evaluation).read_text(encoding="utf-8")
        printed = evaluation_svg(evaluation)
        assert evaluation_file(evaluation).parent == STATIC / "img" / "evaluations"
        assert shapes(printed) == shapes(source) and len(shapes(source)) == 4
        assert printed.startswith('<svg class="eval" ')
        # The editor draws the same file for the same evaluation.
        assert f'.eval-face[data-evaluation="{evaluation}"] {{ background-image: url("../img/evaluations/{evaluation}.svg"); }}' in css
    # A non-colour cue: the three mouths differ.
    mouths = {re.search(r'<path d="([^"]+)"', evaluation_svg(e)).group(1) for e in EVALUATIONS}
    assert len(mouths) == 3
    assert evaluation_svg("") == "" and evaluation_svg("../x") == ""


def test_the_palette_keeps_the_shared_curve_and_the_personas_apart():
    for a, b in itertools.combinations((SHARED_CURVE_COLOR, *PERSONA_PALETTE), 2):
        assert color_distance(a, b) >= 140, (a, b)
    # Two personas left at the default colour, one close to the shared curve's, one
    # with a colour of its own.
    colors = curve_colors([{"id": "a", "color": "#7c3aed"}, {"id": "b", "color": "#7c3aed"},
                           {"id": "c", "color": "#1f2a44"}, {"id": "d", "color": "#15803d"}])
    assert colors["a"] == "#7c3aed"
    assert colors["b"] != colors["a"] and colors["b"] in PERSONA_PALETTE
    assert colors["c"] in PERSONA_PALETTE
    assert colors["d"] == "#15803d"
    chosen = [SHARED_CURVE_COLOR, *colors.values()]
    assert all(color_distance(x, y) >= 140 for x, y in itertools.combinations(chosen, 2))


def test_the_shared_curve_prints_as_all_customers_thicker_and_in_the_dark_neutral():
    doc = synthetic_document(stages=4, lanes=4, cards=4)
    doc["personas"][1]["color"] = "#6d28d9"  # two violets: the second is given another hue
    doc["emotions"] += [{"id": f"shared-{i}", "stage": stage["id"], "persona": None, "score": 1 - i, "note": ""}
                        for i, stage in enumerate(doc["stages"])]
    prepared = prepare(doc, ExportOptions(paper="A3", personas=False))
    curves = prepared.context["curves"]
    assert curves[0]["name"] == "All customers" and curves[0]["shared"] and curves[0]["color"] == SHARED_CURVE_COLOR
    colors = curve_colors(doc["personas"])
    assert [c["color"] for c in curves[1:]] == [colors[p["id"]] for p in doc["personas"]] == ["#7c3aed", "#ea580c"]
    svg = emotion_svg(curves, 0, 4, 40.0)
    assert f'stroke="{SHARED_CURVE_COLOR}" stroke-width="9"' in svg
    html = render_html(prepared)
    assert 'class="dot shared"' in html
    data, _info = render_pdf(doc, ExportOptions(paper="A3", personas=False))
    text = squash("".join(p["text"] for p in pdf_pages(data)))
    assert squash("All customers") in text
    data, _info = render_pdf(doc, ExportOptions(paper="A3", personas=False, language="fr"))
    assert squash("Tous les clients") in squash("".join(p["text"] for p in pdf_pages(data)))
