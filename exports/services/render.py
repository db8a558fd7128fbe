"""Map document -> print HTML -> PDF (WeasyPrint) -> PNG (pypdfium2).

Pure functions of a document and options: no database access, so the worker,
the in-process thread and the benchmark all render the same way.

The document is laid out into sections of one page each (``sections.prepare``);
runs of sections become parts, each a complete HTML document, which helper
processes render in parallel (``exports.printing``); the parts' PDFs are merged,
or for a PNG the poster's slices are rasterised and stitched. Page numbers are
known before rendering because every section is one page; if a part comes back
with more pages than sections (an estimate fell short), the whole document is
rendered again in one piece with WeasyPrint's own page counters.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from exports.options import ExportOptions
from exports.printing import pdf, png
from exports.printing.pool import POOL, balanced_splits
from exports.services import layout as L
from exports.services import measure as M
from exports.services.appendix import PRIORITY_COLUMNS
from exports.services.marks import (
    STAR_SVG,
    channel_icon,
    curve_colors,
    emotion_svg,
    evaluation_svg,
    printable,
)
from exports.services.pieces import Prepared, Section, channel_name
from exports.services.sections import poster_slices, prepare
from exports.services.slides import render_pptx
from exports.services.touchpoint_table import render_csv
from maps.models import MapKind

logger = logging.getLogger(__name__)

# Part of the content hash: bump a format's version when its output changes, so
# earlier files are not reused for a different design.
RENDERER_VERSIONS = {"pdf": "3", "png": "3", "pptx": "1", "csv": "1"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv; charset=utf-8",
}

PNG_MAX_PIXELS = 50_000_000
Progress = Callable[[int], None]

# A part should hold at least this much work (sections.page_cost units, about
# 3 ms each here): below it, a process's fixed costs outweigh the gain.
MIN_PART_COST = 25.0
MM_PT = 72 / 25.4


# ----------------------------------------------------------------------------- HTML


def _css_string(text: str) -> str:
    """A CSS string literal (for string-set): our labels are short, but escape anyway."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _grid_view(prepared: Prepared, page: L.GridPage) -> dict[str, Any]:
    band = page.band
    first = band.first - 1
    count = len(band.stages)
    rows = []
    for row in page.rows:
        view: dict[str, Any] = {"row": row}
        if row.kind == "emotion":
            view["svg"] = mark_safe(emotion_svg(row.lane.get("curves", []), first, count, page.col_w))
        rows.append(view)
    return {
        "page": page,
        "band": band,
        "has_phases": any(p["title"] for p in band.phases),
        "rows": rows,
        "columns": [{"stage": s, "number": band.first + i,
                     "moment": (band.first - 1 + i) in prepared.context["moment_stages"]}
                    for i, s in enumerate(band.stages)],
        "phases": [{**p, "width": p["span"] * page.col_w} for p in band.phases],
        "span_w": count * page.col_w,
        "grid_width": L.LANE_HEAD_W + count * page.col_w,
    }


def render_html(prepared: Prepared, sections: list[Section] | None = None, *, labels: bool = False,
                image: bool = False) -> str:
    """HTML for ``sections`` (all by default). ``labels``: print each section's own
    page number (parts rendered apart) instead of WeasyPrint's counters; ``image``:
    no page numbers at all (the poster as a PNG)."""
    doc, options = prepared.doc, prepared.options
    sections = prepared.sections if sections is None else sections
    language = options.language
    geo = prepared.geo
    texts = [doc["map"].get("title") or "", doc["map"].get("goal") or ""]
    texts += [c.get("text") or "" for c in doc.get("cards", [])]
    texts += [s.get("name") or "" for s in doc.get("stages", [])] + [x.get("title") or "" for x in doc.get("lanes", [])]
    texts += [t.get("title") or "" for t in doc.get("touchpoints", [])]
    texts += [p.get("name") or "" for p in doc.get("personas", [])]
    cjk = any(M.has_cjk(t) for t in texts)

    with translation.override(language):
        total = len(prepared.sections)
        views = []
        for index, section in enumerate(sections, start=1):
            view: dict[str, Any] = {"s": section, "index": index,
                                    "label": _css_string(_("Page %(number)s / %(total)s") % {
                                        "number": section.number, "total": total})}
            if section.page is not None:
                view.update(_grid_view(prepared, section.page))
            views.append(view)
        kind_label = dict(MapKind.choices).get(doc["map"].get("kind") or "custom", "")
        used_channels = [{**c, "p_icon": mark_safe(channel_icon(c.get("icon") or "generic")),
                          "p_name": channel_name(c, language)} for c in prepared.context["used_channels"]]
        context = {
            **prepared.context,
            "used_channels": used_channels,
            "doc": doc,
            "map": doc["map"],
            "kind_label": str(kind_label),
            "options": options,
            "geo": geo,
            "sections": views,
            "priority_columns": list(PRIORITY_COLUMNS.values()),
            "title_css": _css_string(printable(doc["map"].get("title") or "")),
            "labels": labels,
            "image": image,
            "fit": prepared.context["paper"] == "fit",
            "page_w": geo.width,
            "page_h": geo.height,
            "col_w": geo.col_w,
            "lane_head_w": L.LANE_HEAD_W,
            "margin": L.MARGIN,
            "margin_bottom": L.MARGIN_BOTTOM,
            "all_personas": [{**p, "color": color} for p, color in
                             zip(doc.get("personas", []), curve_colors(doc.get("personas", [])).values(), strict=True)],
            "teams": doc.get("teams", []),
            "today": formats.date_format(date.today(), "DATE_FORMAT"),
            "font_stack": '"DejaVu Sans", "Noto Sans CJK JP"' if cjk else '"DejaVu Sans"',
            "counts": {"stages": len(doc.get("stages", [])), "lanes": len(doc.get("lanes", [])),
                       "cards": len(doc.get("cards", [])), "touchpoints": len(doc.get("touchpoints", []))},
            "evaluations": [
                {"svg": mark_safe(evaluation_svg(key)), "key": key} for key in ("delight", "neutral", "irritant")
            ],
            "star": mark_safe(STAR_SVG),
            "language": language,
            "sizes": {"card": M.CARD_PT, "meta": M.META_PT, "title": M.TITLE_PT, "lane": M.LANE_TITLE_PT,
                      "prompt": M.PROMPT_PT, "stage": M.STAGE_PT, "line": M.LINE},
            "dims": {"cell_pad": L.CELL_PAD, "cell_pad_x": L.CELL_PAD_X, "gap": L.GAP, "phase_h": L.PHASE_ROW_H,
                     "page_head": L.PAGE_HEAD_H},
        }
        return render_to_string("exports/print.html", context)


# ----------------------------------------------------------------------------- parts


def render_processes() -> int:
    """Helper processes to render with (0: render in this process). Started on first
    use; a Celery worker starts them when it is ready (exports.tasks)."""
    wanted = int(getattr(settings, "EXPORT_RENDER_PROCESSES", 1))
    if multiprocessing.current_process().daemon:
        # A daemonic process (a prefork pool child, if someone asks for that pool)
        # may not start children: render here rather than fail every export.
        return 0
    if wanted > 1 and POOL.size != wanted:
        POOL.start(wanted)
    return POOL.size


def _part_count(cost: float, processes: int) -> int:
    if processes <= 1:
        return 1
    # Two parts per helper: a slow part does not hold up the others, and progress
    # moves as parts finish.
    return max(1, min(2 * processes, int(cost // MIN_PART_COST)))


def _runs(sections: list[Section], parts: int) -> list[list[Section]]:
    bounds = balanced_splits([s.cost for s in sections], parts)
    return [sections[a:b] for a, b in bounds]


def _render_parts(prepared: Prepared, runs: list[list[Section]], report: Progress, start: int,
                  end: int) -> list[Any]:
    """PDFs of the parts, in order; progress from ``start`` to ``end`` as they finish.
    Each part's HTML is written just before it is handed out."""
    base_url = str(settings.BASE_DIR)
    costs = [sum(s.cost for s in run) for run in runs]
    zoom = prepared.geo.zoom
    calls = ((render_html(prepared, run, labels=True), base_url, zoom) for run in runs)
    results: list[Any] = [None] * len(runs)
    done = 0.0
    total = sum(costs) or 1.0
    for index, result in POOL.run(pdf.pdf_part, calls):
        results[index] = result
        done += costs[index]
        report(start + int((end - start) * done / total))
    return results


def _whole(prepared: Prepared) -> tuple[bytes, int]:
    """The document in one piece, numbered by WeasyPrint: the safe path when a part
    did not fill the pages we expected."""
    sections = [replace(s, height=s.page.height if s.page else s.height, first=True, last=True)
                if s.kind == "poster" else s for s in prepared.sections]
    return pdf.pdf_part(render_html(prepared, sections), str(settings.BASE_DIR), prepared.geo.zoom)


def render_pdf(doc: dict[str, Any], options: ExportOptions, progress: Progress | None = None,
               *, paper: str | None = None) -> tuple[bytes, dict[str, Any]]:
    report = progress or (lambda _p: None)
    prepared = prepare(doc, options, paper=paper)
    report(10)
    processes = render_processes()
    fit = prepared.context["paper"] == "fit"
    sections = prepared.sections
    if fit:
        poster, appendix = sections[0], sections[1:]
        slices = poster_slices(poster, _part_count(poster.cost, processes), prepared.context["body_top"])
        runs = [[s] for s in slices] + ([appendix] if appendix else [])
    else:
        runs = _runs(sections, _part_count(sum(s.cost for s in sections), processes))
    report(15)
    results = _render_parts(prepared, runs, report, 15, 90)
    whole = any(pages != len(run) for (_data, pages), run in zip(results, runs, strict=True))
    if whole:
        logger.warning("export of map %s: a part overflowed its pages; rendering it in one piece",
                       doc["map"].get("id"))
        data, page_count = _whole(prepared)
    elif fit:
        data = pdf.stack_pages([data for data, _pages in results[:len(slices)]],
                                    [data for data, _pages in results[len(slices):]])
        page_count = 1 + len(appendix)
    else:
        data = pdf.merge_pdfs([data for data, _pages in results])
        page_count = sum(pages for _data, pages in results)
    report(95)
    info = {"pages": page_count, "paper": prepared.context["paper"],
            "bands": len({p.band.index for p in prepared.pages}), "parts": 1 if whole else len(runs),
            "one_piece": whole, "zoom": prepared.geo.zoom}
    return data, info


def render_png(doc: dict[str, Any], options: ExportOptions, progress: Progress | None = None) -> tuple[bytes,
                                                                                                       dict[str, Any]]:
    """The whole map as one image: the fit-to-one-page poster, rasterised.

    The DPI is lowered for huge maps so the image stays under PNG_MAX_PIXELS. The
    poster is cut into slices that helpers lay out, rasterise a strip at a time and
    compress; the slices' compressed data join into one PNG.
    """
    report = progress or (lambda _p: None)
    prepared = prepare(doc, replace(options, personas=False), paper="fit")
    report(10)
    processes = render_processes()
    poster = prepared.sections[0]
    assert poster.page is not None
    width_pt = prepared.geo.width * MM_PT
    dpi, scale = png.png_scale(width_pt, poster.page.height * MM_PT, options.dpi, PNG_MAX_PIXELS)
    width_px = round(width_pt * scale)
    slices = poster_slices(poster, _part_count(poster.cost, processes), prepared.context["body_top"])
    base_url = str(settings.BASE_DIR)
    calls = ((render_html(prepared, [s], image=True), base_url, scale, width_px, index == len(slices) - 1)
             for index, s in enumerate(slices))
    report(15)
    segments: list[Any] = [None] * len(slices)
    done, total = 0.0, sum(s.cost for s in slices) or 1.0
    for index, segment in POOL.run(png.png_part, calls):
        segments[index] = segment
        done += slices[index].cost
        report(15 + int(80 * done / total))
    data, height = png.assemble_png(segments, width_px, dpi)
    report(97)
    info = {"dpi_requested": options.dpi, "dpi": dpi, "width": width_px, "height": height,
            "dpi_lowered": dpi != options.dpi, "max_pixels": PNG_MAX_PIXELS, "parts": len(slices)}
    return data, info


def render(doc: dict[str, Any], options: ExportOptions, progress: Progress | None = None) -> tuple[bytes,
                                                                                                   dict[str, Any]]:
    if options.format == "png":
        return render_png(doc, options, progress)
    if options.format == "pptx":
        return render_pptx(doc, options, progress)
    if options.format == "csv":
        return render_csv(doc, options, progress)
    return render_pdf(doc, options, progress)


def warm_up() -> None:
    """Start the helpers and render a small map here, so a fresh worker's first
    export costs what the next ones do."""
    if not render_processes():
        pdf.warm()
