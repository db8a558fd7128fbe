"""The map as slides (PPTX): a cover, one slide per band of stages, the priorities
and the personas, laid out by the same sections as the PDF on a 16:9 slide.

Every word is text in a text box or a table cell, so the deck can be edited; the
emotion curve is a drawn line, markers are shapes. A pure function of a document
and options, like the PDF renderer.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from pptx import Presentation

from exports.options import ExportOptions
from exports.services.layout import SLIDE
from exports.services.marks import curve_colors
from exports.services.sections import prepare
from exports.services.slides.canvas import EMU_PER_MM, Sheet, clean
from exports.services.slides.grid import band_slide, page_foot
from exports.services.slides.pages import cover_slide, personas_slide, priorities_slide
from maps.models import MapKind

BLANK_LAYOUT = 6  # "Blank" in python-pptx's default template


def render_pptx(doc: dict[str, Any], options: ExportOptions,
                progress: Callable[[int], None] | None = None) -> tuple[bytes, dict[str, Any]]:
    report = progress or (lambda _p: None)
    prepared = prepare(doc, options, paper="slide")
    report(20)
    geo = prepared.geo
    deck = Presentation()
    deck.slide_width = round(SLIDE[0] * EMU_PER_MM)
    deck.slide_height = round(SLIDE[1] * EMU_PER_MM)
    map_language = doc["map"].get("language") or options.language
    title = doc["map"].get("title") or ""
    context = prepared.context
    with translation.override(options.language):
        context = {
            **context,
            "counts": {"stages": len(doc.get("stages", [])), "lanes": len(doc.get("lanes", [])),
                       "cards": len(doc.get("cards", [])), "touchpoints": len(doc.get("touchpoints", []))},
            "personas": [{**p, "color": color} for p, color in
                         zip(doc.get("personas", []), curve_colors(doc.get("personas", [])).values(), strict=True)],
            "teams": doc.get("teams", []),
            "used_channels": [{**c, "p_name": c["name_fr"] if options.language == "fr" and c.get("name_fr")
                               else c["name"]} for c in context["used_channels"]],
        }
        kind_label = str(dict(MapKind.choices).get(doc["map"].get("kind") or "custom", ""))
        total = len(prepared.sections)
        for index, section in enumerate(prepared.sections, start=1):
            slide = deck.slides.add_slide(deck.slide_layouts[BLANK_LAYOUT])
            sheet = Sheet(slide, zoom=geo.zoom, labels_language=options.language, map_language=map_language)
            if section.kind == "cover":
                cover_slide(sheet, doc, context, geo.width, geo.height, kind_label)
            elif section.kind == "grid":
                assert section.page is not None
                band_slide(sheet, section.page, context, title)
            elif section.kind == "priorities":
                priorities_slide(sheet, section, geo.width, title)
            else:
                personas_slide(sheet, section, geo.width, title)
            if section.kind != "cover":
                page_foot(sheet, geo.width, geo.height, _("Page %(number)s / %(total)s") % {
                    "number": section.number, "total": total})
            report(20 + int(70 * index / total))
        properties = deck.core_properties
        properties.title = clean(title)[:255]
        properties.language = map_language
        properties.subject = clean(doc["map"].get("goal") or "")[:255]
    buffer = io.BytesIO()
    deck.save(buffer)
    report(97)
    info = {"slides": len(prepared.sections), "bands": len({p.band.index for p in prepared.pages}),
            "zoom": geo.zoom}
    return buffer.getvalue(), info
