"""One vocabulary on screen and on paper: the editor and the printed map name the
shared emotion curve alike, colour the curves alike, draw the same evaluation faces
and show the same touchpoint volumes.

People: the owner (Ana, Support team) of the workshop's workspace; see
tests/e2e/conftest.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import artifact
from tests.e2e.conftest import sign_in
from tests.e2e.test_editor import make_map, open_editor
from tests.e2e.test_rich_lanes import channel_id, lane_of, persona, seed

pytestmark = pytest.mark.django_db(transaction=True)

TP = "9d1f0a3e-6b7c-4d2e-8f90-1a2b3c4d5e6f"


def shared_and_persona_curves(workshop: Any, journey_map: Any) -> None:
    """Two personas left at the library's default colour, the shared curve, and an
    irritant touchpoint with both a share of customers and a monthly count."""
    chloe = persona(workshop, "Chloé", "#7c3aed")
    marc = persona(workshop, "Marc", "#7c3aed")

    def ops(doc: dict[str, Any]) -> list[dict[str, Any]]:
        stages = [s["id"] for s in doc["stages"]]
        out: list[dict[str, Any]] = [{"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()),
                                      "fields": {"persona": p}} for p in (chloe, marc)]
        for who, scores in [(None, [0, 1, 1, -2, 0, 2]), (chloe, [1, 2, 0, -3, -1, 1]), (marc, [0, -1, 1, -2, 2, 3])]:
            for stage, score in zip(stages, scores, strict=True):
                out.append({"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                            "fields": {"stage": stage, "score": score, **({"persona": who} if who else {})}})
        out.append({"op": "create", "entity": "touchpoint", "id": TP,
                    "fields": {"stage": stages[1], "lane": lane_of(doc, "touchpoints"), "title": "Price comparator",
                               "channel": channel_id("website"), "evaluation": "irritant", "volume_share": 80,
                               "volume_count": 12000, "volume_period": "month"}})
        return out

    seed(workshop, journey_map, ops)


def printed(journey_map: Any, language: str) -> dict[str, Any]:
    """What the PDF of the map draws: its curves, its HTML, its text, its pages."""
    from exports.options import ExportOptions
    from exports.services.render import render_html, render_pdf
    from exports.services.sections import prepare
    from maps.selectors import map_document
    from tests.exports.helpers import pdf_pages

    doc = map_document(map_id=journey_map.id)
    options = ExportOptions(paper="A3", personas=False, language=language)
    prepared = prepare(doc, options)
    data, _info = render_pdf(doc, options)
    return {"curves": prepared.context["curves"], "html": render_html(prepared), "pdf": data,
            "text": "".join(p["text"] for p in pdf_pages(data))}


LEGEND = """() => ({
  names: [...document.querySelectorAll('.emotion-legend .legend-chip .legend-name')].map((n) => n.textContent),
  colors: Object.fromEntries([...document.querySelectorAll('.emotion-series')]
    .map((g) => [g.dataset.persona, g.dataset.color])),
})"""


async def test_the_editor_and_the_pdf_share_names_colours_faces_and_volumes(browser, workshop) -> None:
    from exports.services.marks import SHARED_CURVE_COLOR, evaluation_file, evaluation_svg

    journey_map = await sync_to_async(make_map)(workshop)
    await sync_to_async(shared_and_persona_curves)(workshop, journey_map)
    paper = await sync_to_async(printed)(journey_map, "en")
    page = await sign_in(browser, workshop.url, "ana")
    await page.set_viewport_size({"width": 1600, "height": 1000})
    await open_editor(page, workshop.url, journey_map.id)

    # The shared curve has one name, and the curves one colour each, on both.
    screen = await page.evaluate(LEGEND)
    assert screen["names"] == [c["name"] for c in paper["curves"]] == ["All customers", "Chloé", "Marc"]
    assert "All customers" in paper["text"] and "Customer\n" not in paper["text"]
    assert screen["colors"] == {c["persona"]: c["color"] for c in paper["curves"]}
    assert screen["colors"][""] == SHARED_CURVE_COLOR
    assert len(set(screen["colors"].values())) == 3  # the two default-coloured personas are told apart
    # A persona wears its curve's colour in the persona strip too.
    pills = await page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#persona-strip .persona-pill')]
      .map((p) => [p.dataset.persona, p.style.getPropertyValue('--persona')]))""")
    assert pills == {key: color for key, color in screen["colors"].items() if key}
    for color in screen["colors"].values():
        assert re.search(rf'<path d="[^"]+" fill="none" stroke="{color}"', paper["html"])
    # The shared curve is drawn thicker than the personas' on both.
    widths = await page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.emotion-series')]
      .map((g) => [g.dataset.persona, parseFloat(getComputedStyle(g.querySelector('.emotion-line')).strokeWidth)]))""")
    assert all(widths[""] > width for key, width in widths.items() if key), widths
    assert re.search(rf'stroke="{SHARED_CURVE_COLOR}" stroke-width="9"', paper["html"])
    assert all(f'stroke="{color}" stroke-width="6"' in paper["html"] for key, color in screen["colors"].items() if key)

    # The irritant face is the same file on screen and on paper, with its name beside it.
    tp = page.locator(f".item[data-id='{TP}']")
    face = tp.locator(".tp-eval .eval-face")
    url = re.search(r'url\("([^"]+)"\)', await face.evaluate("(n) => getComputedStyle(n).backgroundImage")).group(1)
    response = await page.request.get(url)
    assert response.ok and await response.body() == evaluation_file("irritant").read_bytes()
    assert evaluation_svg("irritant") in paper["html"]
    assert await tp.locator(".tp-eval").inner_text() == "Irritant"
    assert "Irritant" in paper["text"]
    # The volume shows its share and its count on screen, as on paper.
    assert await tp.locator(".tp-volume").inner_text() == "80 % · 12k/month"
    assert "80% of customers · 12,000 a month" in paper["text"]

    # The side panel's evaluation choices wear the same faces.
    await tp.click()
    choice = page.locator("#side-panel .eval-choice.eval-irritant")
    await choice.wait_for()
    assert await choice.locator(".eval-symbol").evaluate("(n) => getComputedStyle(n).backgroundImage") == (
        await face.evaluate("(n) => getComputedStyle(n).backgroundImage"))
    await page.locator("#side-panel .panel-evaluation").screenshot(
        path=artifact("vocabulary/panel-evaluation.png"))
    await page.keyboard.press("Escape")
    await page.locator("#side-panel").wait_for(state="hidden")

    lane = page.locator(".lane-header.lane-kind-emotion")
    overlay = page.locator(".emotion-overlay")
    head, curve = await lane.bounding_box(), await overlay.bounding_box()
    tp_box = await page.locator(f".cell:has(.item[data-id='{TP}'])").bounding_box()
    top = min(head["y"], tp_box["y"])
    await page.screenshot(path=artifact("vocabulary/editor-emotion-lane.png"), clip={
        "x": head["x"], "y": top, "width": min(1600 - head["x"], curve["x"] + curve["width"] - head["x"]),
        "height": curve["y"] + curve["height"] - top})

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(paper["pdf"])
    grid_page = next(i for i in range(len(pdf)) if "Stages 1" in pdf[i].get_textpage().get_text_range())
    pdf[grid_page].render(scale=110 / 72, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB").save(
        artifact("vocabulary/pdf-grid-page.png"))
    assert not page.errors


async def test_the_shared_curve_is_tous_les_clients_in_the_french_editor_and_pdf(browser, workshop) -> None:
    journey_map = await sync_to_async(make_map)(workshop, language="fr", title="Commande en ligne")
    await sync_to_async(shared_and_persona_curves)(workshop, journey_map)
    paper = await sync_to_async(printed)(journey_map, "fr")
    page = await sign_in(browser, workshop.url, "ana", locale="fr-FR")
    await open_editor(page, workshop.url, journey_map.id)
    screen = await page.evaluate(LEGEND)
    assert screen["names"][0] == paper["curves"][0]["name"] == "Tous les clients"
    assert "Tous les clients" in paper["text"]
    tp = page.locator(f".item[data-id='{TP}']")
    assert await tp.locator(".tp-volume").inner_text() == "80 % · 12k/mois"
    assert not page.errors
