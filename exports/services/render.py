"""Map document -> print HTML -> PDF (WeasyPrint) -> PNG (pypdfium2).

Pure functions of a document and options: no database access, so the worker,
the in-process thread and the benchmark all render the same way.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import mark_safe

from exports.services import layout as L

logger = logging.getLogger(__name__)

# Part of the content hash: bump it when the printed output changes, so earlier
# files are not reused for a different design.
RENDERER_VERSION = "1"

PNG_MAX_PIXELS = 50_000_000
Progress = Callable[[int], None]

EVALUATION_COLORS = {"delight": "#15803d", "neutral": "#64748b", "irritant": "#dc2626"}
NEUTRAL_CURVE = "#334155"
LANE_COLORS = {
    "text": "#94a3b8",
    "touchpoints": "#0ea5e9",
    "emotion": "#8b5cf6",
    "pain_points": "#ef4444",
    "opportunities": "#10b981",
    "moments_of_truth": "#f59e0b",
    "frontstage": "#6366f1",
    "line_of_visibility": "#94a3b8",
    "backstage": "#64748b",
    "support": "#475569",
    "metrics": "#0891b2",
}


@dataclass(frozen=True)
class ExportOptions:
    format: str = "pdf"
    paper: str = "A3"
    language: str = "en"
    lanes: tuple[str, ...] | None = None  # None: every lane
    personas: bool = True
    dpi: int = 150

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "paper": self.paper,
            "language": self.language,
            "lanes": sorted(self.lanes) if self.lanes is not None else None,
            "personas": self.personas,
            "dpi": self.dpi,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExportOptions:
        lanes = data.get("lanes")
        return cls(
            format=data.get("format", "pdf"),
            paper=data.get("paper", "A3"),
            language=data.get("language", "en"),
            lanes=tuple(lanes) if lanes is not None else None,
            personas=bool(data.get("personas", True)),
            dpi=int(data.get("dpi", 150)),
        )


# ----------------------------------------------------------------------------- glyphs


@functools.lru_cache(maxsize=1)
def _latin_cmap() -> frozenset[int] | None:
    """Code points DejaVu Sans draws; None when it cannot be read (then no filtering)."""
    try:
        from fontTools.ttLib import TTFont

        path = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
        return frozenset(TTFont(path, lazy=True).getBestCmap())
    except Exception:  # no fontconfig or font: print as is
        logger.info("cannot read the DejaVu Sans character map", exc_info=True)
        return None


def printable(text: str) -> str:
    """Emoji and other symbols no installed font draws become a plain box.

    Without it Pango prints a hex-code box per character; zero-width joiners and
    variation selectors and skin-tone modifiers of emoji sequences are dropped. Returns plain text: the
    template still escapes it.
    """
    if not text:
        return ""
    cmap = _latin_cmap()
    if cmap is None or all(ord(c) < 0x2000 for c in text):
        return text
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch in "\u200d\ufe0e\ufe0f":
            continue
        if code < 0x2000 or code in cmap or L.has_cjk(ch):
            out.append(ch)
        elif unicodedata.category(ch) in ("Mn", "Cf", "Sk"):
            continue
        elif not out or out[-1] != "\u25a1":  # one box per run of emoji, not one per code point
            out.append("\u25a1")
    return "".join(out)


@functools.lru_cache(maxsize=64)
def channel_icon(icon: str) -> str:
    """The channel's SVG icon from the static files, sized by CSS (trusted markup)."""
    folder = Path(settings.BASE_DIR) / "static" / "img" / "channels"
    name = re.sub(r"[^a-z0-9_-]", "", icon or "") or "generic"
    path = folder / f"{name}.svg"
    if not path.exists():
        path = folder / "generic.svg"
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg ", '<svg class="icon" ', 1)


def evaluation_svg(evaluation: str) -> str:
    color = EVALUATION_COLORS.get(evaluation)
    if not color:
        return ""
    mouth = {
        "delight": "M7.5 13.5q4.5 4 9 0",
        "neutral": "M8 14.5h8",
        "irritant": "M7.5 16q4.5-4 9 0",
    }[evaluation]
    return (
        f'<svg class="eval" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10.5" fill="{color}"/>'
        f'<circle cx="8.5" cy="9.5" r="1.4" fill="#fff"/><circle cx="15.5" cy="9.5" r="1.4" fill="#fff"/>'
        f'<path d="{mouth}" stroke="#fff" stroke-width="1.8" fill="none" stroke-linecap="round"/></svg>'
    )


STAR_SVG = (
    '<svg class="star" viewBox="0 0 24 24"><path d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 '
    '1.3-6.6-4.9-4.6 6.6-.8z" fill="#f59e0b" stroke="#b45309" stroke-width="1" stroke-linejoin="round"/></svg>'
)


# ----------------------------------------------------------------------------- emotion curve


def _smooth_path(points: list[tuple[float, float]]) -> str:
    """A Catmull-Rom spline through the points, as cubic Bezier segments."""
    if not points:
        return ""
    d = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for i in range(len(points) - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < len(points) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        d.append(f"C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {p2[0]:.1f},{p2[1]:.1f}")
    return " ".join(d)


def emotion_svg(curves: list[dict[str, Any]], first: int, count: int, col_w: float) -> str:
    """One SVG for a band of stages; the curves run on to the neighbouring stages
    (clipped), so a curve reads as one line across the pages. Numbers only: no user
    text goes into this markup."""
    scale = 10.0  # user units per mm
    width = count * col_w * scale
    height = (L.EMOTION_H - 2 * L.CELL_PAD) * scale
    pad = 4.0 * scale
    label_w = 4.0 * scale

    def y(score: float) -> float:
        return pad + (3 - score) / 6 * (height - 2 * pad)

    def x(index: int) -> float:
        return (index - first + 0.5) * col_w * scale

    parts = [f'<svg class="curve" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'style="width:{count * col_w:.2f}mm;height:{L.EMOTION_H - 2 * L.CELL_PAD:.2f}mm">']
    for col in range(1, count):
        cx = col * col_w * scale
        parts.append(f'<line x1="{cx:.0f}" y1="0" x2="{cx:.0f}" y2="{height:.0f}" stroke="#eef0f3" stroke-width="2"/>')
    for score in (3, -3):
        parts.append(f'<line x1="0" y1="{y(score):.0f}" x2="{width:.0f}" y2="{y(score):.0f}" stroke="#eef0f3" '
                     f'stroke-width="2"/>')
    parts.append(f'<line x1="0" y1="{y(0):.0f}" x2="{width:.0f}" y2="{y(0):.0f}" stroke="#94a3b8" '
                 f'stroke-width="3" stroke-dasharray="14 10"/>')
    for score, label in ((3, "+3"), (0, "0"), (-3, "\u22123")):
        parts.append(f'<text x="{label_w * 0.2:.0f}" y="{y(score) + 9:.0f}" font-size="24" fill="#94a3b8">{label}</text>')
    for curve in curves:
        scores: dict[int, int] = curve["scores"]
        keys = sorted(k for k in scores if first - 1 <= k <= first + count)
        pts = [(x(k), y(scores[k])) for k in keys]
        if len(pts) >= 2:
            parts.append(f'<path d="{_smooth_path(pts)}" fill="none" stroke="{curve["color"]}" stroke-width="6" '
                         f'stroke-linecap="round" stroke-linejoin="round" opacity="0.9"/>')
        for k in keys:
            if not first <= k < first + count:
                continue
            cx, cy = x(k), y(scores[k])
            parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="11" fill="{curve["color"]}" stroke="#fff" '
                         f'stroke-width="4"/>')
            value = scores[k]
            text = f"+{value}" if value > 0 else ("\u2212" + str(-value) if value < 0 else "0")
            parts.append(f'<text x="{cx + 16:.0f}" y="{cy - 12:.0f}" font-size="26" font-weight="bold" '
                         f'fill="{curve["color"]}">{text}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------- the view model


def _number(value: float, language: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if language == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _percent(value: float, language: str) -> str:
    return f"{_number(value, language)}\u00a0%" if language == "fr" else f"{_number(value, language)}%"


def _touchpoint_meta(tp: dict[str, Any], channel: dict[str, Any] | None, language: str) -> str:
    from django.utils.translation import gettext as _

    bits = []
    if channel:
        bits.append(channel["name_fr"] if language == "fr" and channel.get("name_fr") else channel["name"])
    evaluation = {"delight": _("Delight"), "neutral": _("Basic satisfaction"), "irritant": _("Irritant")}
    if tp.get("evaluation") in evaluation:
        bits.append(evaluation[tp["evaluation"]])
    if tp.get("volume_share") is not None:
        bits.append(_("%(share)s of customers") % {"share": _percent(tp["volume_share"], language)})
    if tp.get("volume_count") is not None:
        periods = {"day": _("a day"), "week": _("a week"), "month": _("a month"), "year": _("a year")}
        count = _number(tp["volume_count"], language)
        bits.append(f"{count} {periods[tp['volume_period']]}" if tp.get("volume_period") in periods else count)
    if tp.get("csat") is not None:
        bits.append(f"CSAT {_percent(tp['csat'], language)}")
    if tp.get("nps") is not None:
        bits.append(f"NPS {tp['nps']:+d}")
    return " \u00b7 ".join(bits)


@dataclass
class Prepared:
    doc: dict[str, Any]
    options: ExportOptions
    geo: L.Geometry
    pages: list[L.GridPage]
    context: dict[str, Any] = field(default_factory=dict)


def prepare(doc: dict[str, Any], options: ExportOptions, *, paper: str | None = None) -> Prepared:
    """Lay the document out into pages (the expensive estimate, no HTML yet)."""
    from django.utils.translation import gettext as _

    language = options.language
    paper = paper or options.paper
    stages = list(doc.get("stages", []))
    lanes = list(doc.get("lanes", []))
    if options.lanes is not None:
        keep = set(options.lanes)
        lanes = [lane for lane in lanes if lane["id"] in keep]
    lane_ids = {lane["id"] for lane in lanes}
    stage_index = {s["id"]: i for i, s in enumerate(stages)}
    phases = {p["id"]: p for p in doc.get("phases", [])}
    teams = {t["id"]: t for t in doc.get("teams", [])}
    channels = {c["id"]: c for c in doc.get("channels", [])}
    personas = list(doc.get("personas", []))
    geo = L.geometry(paper, len(stages))
    inner_w = geo.col_w - 2 * L.CELL_PAD_X - 0.3

    with translation.override(language):
        cells: dict[str, list[list[L.Item]]] = {lane["id"]: [[] for _s in stages] for lane in lanes}
        used_channels: dict[str, dict[str, Any]] = {}
        for tp in doc.get("touchpoints", []):
            if tp["lane"] not in cells or tp["stage"] not in stage_index:
                continue
            channel = channels.get(tp.get("channel") or "")
            if channel:
                used_channels[channel["id"]] = channel
            team = teams.get(tp.get("owner_team") or "")
            item = dict(tp)
            item["p_meta"] = _touchpoint_meta(tp, channel, language)
            item["p_icon"] = mark_safe(channel_icon(channel["icon"] if channel else "generic"))  # static file
            item["p_eval"] = mark_safe(evaluation_svg(tp.get("evaluation") or ""))  # fixed markup
            item["p_bar"] = team["color"] if team else EVALUATION_COLORS.get(tp.get("evaluation") or "", "#cbd5e1")
            item["p_team"] = team["name"] if team else ""
            cells[tp["lane"]][stage_index[tp["stage"]]].append(L.touchpoint_item(item, inner_w))
        for card in doc.get("cards", []):
            if card["lane"] not in cells or card["stage"] not in stage_index:
                continue
            team = teams.get(card.get("team") or "")
            item = dict(card)
            item["p_bar"] = team["color"] if team else (card.get("color") or "#cbd5e1")
            item["p_priority"] = {"high": _("High priority"), "medium": _("Medium priority"),
                                 "low": _("Low priority")}.get(card.get("priority") or "", "")
            cells[card["lane"]][stage_index[card["stage"]]].append(L.card_item(item, inner_w))

        mot_lane = next((lane for lane in lanes if lane["kind"] == "moments_of_truth"), None)
        synthetic_mot = {"id": "_moments", "kind": "moments_of_truth", "title": _("Moments of truth"), "prompt": ""}
        moment_stages: set[int] = set()
        valences = {"positive": _("Positive"), "negative": _("Negative"), "mixed": _("Could tip either way")}
        for moment in doc.get("moments", []):
            if moment["stage"] not in stage_index:
                continue
            lane_id = moment.get("lane")
            if lane_id and lane_id not in lane_ids:
                continue  # its lane is hidden or left out
            if not lane_id:
                target = mot_lane or synthetic_mot
                if target["id"] not in cells:
                    cells[target["id"]] = [[] for _s in stages]
                lane_id = target["id"]
            item = dict(moment)
            item["p_meta"] = _("Importance %(importance)s/5 \u00b7 impact %(impact)s/5") % {
                "importance": moment.get("importance", 3), "impact": moment.get("impact", 3)}
            item["p_valence"] = valences.get(moment.get("valence") or "", "")
            item["p_bar"] = "#f59e0b"
            moment_stages.add(stage_index[moment["stage"]])
            cells[lane_id][stage_index[moment["stage"]]].append(L.moment_item(item, inner_w))

        row_specs: list[tuple[dict[str, Any], str, list[list[L.Item]]]] = []
        emotion_lane_seen = False
        for lane in lanes:
            kind = {"emotion": "emotion", "line_of_visibility": "visibility"}.get(lane["kind"], "cells")
            emotion_lane_seen = emotion_lane_seen or kind == "emotion"
            row_specs.append((_lane_view(lane), kind, cells[lane["id"]]))
        if "_moments" in cells:
            row_specs.append((_lane_view(synthetic_mot), "cells", cells["_moments"]))
        emotions = [e for e in doc.get("emotions", []) if e["stage"] in stage_index]
        if emotions and not emotion_lane_seen:
            synthetic = {"id": "_emotion", "kind": "emotion", "title": _("Emotion curve"), "prompt": ""}
            row_specs.append((_lane_view(synthetic), "emotion", [[] for _s in stages]))

        # Curves: one per persona (in persona colours) and one for "the customer".
        persona_by_id = {p["id"]: p for p in personas}
        curves: dict[str | None, dict[str, Any]] = {}
        for emotion in emotions:
            key = emotion.get("persona")
            if key not in curves:
                persona = persona_by_id.get(key or "")
                curves[key] = {"color": (persona or {}).get("color") or NEUTRAL_CURVE,
                               "name": persona["name"] if persona else _("Customer"), "scores": {}}
            curves[key]["scores"][stage_index[emotion["stage"]]] = emotion["score"]
        curve_list = sorted(curves.values(), key=lambda c: c["name"])
        for lane, kind, _cells in row_specs:
            if kind == "emotion":
                lane["curves"] = curve_list
        # Notes on emotion points print as cards under the first curve.
        note_cells = next((c for _lane, kind, c in row_specs if kind == "emotion"), None)
        if note_cells is not None:
            for emotion in emotions:
                if not (emotion.get("note") or "").strip():
                    continue
                curve = curves[emotion.get("persona")]
                note = {"id": emotion["id"], "text": f"{curve['name']}: {emotion['note']}", "priority": "",
                        "p_bar": curve["color"], "p_priority": ""}
                note_cells[stage_index[emotion["stage"]]].append(L.card_item(note, inner_w))

        bands = L.make_bands(stages, phases, geo.per_band)
        body_top = L.PAGE_HEAD_H if paper != "fit" else _poster_strip_height(doc, geo)
        pages = L.paginate(bands, row_specs, geo, body_top=body_top)

    prepared = Prepared(doc, options, geo, pages)
    prepared.context = {
        "stages_total": len(stages),
        "moment_stages": moment_stages,
        "curves": curve_list,
        "used_channels": sorted(used_channels.values(), key=lambda c: (c.get("position", 0), c["name"])),
        "body_top": body_top,
        "paper": paper,
    }
    return prepared


def _lane_view(lane: dict[str, Any]) -> dict[str, Any]:
    return {**lane, "p_color": LANE_COLORS.get(lane.get("kind") or "text", "#94a3b8")}


def _poster_strip_height(doc: dict[str, Any], geo: L.Geometry) -> float:
    goal = doc["map"].get("goal") or ""
    width = geo.width - 2 * L.MARGIN - 120.0
    return 30.0 + (L.text_height(goal, width, 10.0) if goal else 0.0)


# ----------------------------------------------------------------------------- HTML, PDF, PNG


def render_html(prepared: Prepared) -> str:
    doc, options = prepared.doc, prepared.options
    language = options.language
    geo = prepared.geo
    texts = [doc["map"].get("title") or "", doc["map"].get("goal") or ""]
    texts += [c.get("text") or "" for c in doc.get("cards", [])]
    texts += [s.get("name") or "" for s in doc.get("stages", [])] + [x.get("title") or "" for x in doc.get("lanes", [])]
    texts += [t.get("title") or "" for t in doc.get("touchpoints", [])]
    texts += [p.get("name") or "" for p in doc.get("personas", [])]
    cjk = any(L.has_cjk(t) for t in texts)
    from maps.models import MapKind

    with translation.override(language):
        pages = []
        for page in prepared.pages:
            band = page.band
            first = band.first - 1
            count = len(band.stages)
            has_phases = any(p["title"] for p in band.phases)
            grid_rows = []
            for row in page.rows:
                view: dict[str, Any] = {"row": row}
                if row.kind == "emotion":
                    view["svg"] = mark_safe(emotion_svg(row.lane.get("curves", []), first, count, page.col_w))
                grid_rows.append(view)
            pages.append({
                "page": page,
                "band": band,
                "has_phases": has_phases,
                "rows": grid_rows,
                "columns": [{"stage": s, "number": band.first + i,
                             "moment": (band.first - 1 + i) in prepared.context["moment_stages"]}
                            for i, s in enumerate(band.stages)],
                "phases": [{**p, "width": p["span"] * page.col_w} for p in band.phases],
                "span_w": count * page.col_w,
                "grid_width": L.LANE_HEAD_W + count * page.col_w,
            })
        kind_label = dict(MapKind.choices).get(doc["map"].get("kind") or "custom", "")
        context = {
            **prepared.context,
            "doc": doc,
            "map": doc["map"],
            "kind_label": str(kind_label),
            "options": options,
            "geo": geo,
            "pages": pages,
            "fit": prepared.context["paper"] == "fit",
            "page_w": geo.width,
            "page_h": geo.height,
            "poster_h": max((p.height for p in prepared.pages), default=200.0),
            "col_w": geo.col_w,
            "lane_head_w": L.LANE_HEAD_W,
            "margin": L.MARGIN,
            "margin_bottom": L.MARGIN_BOTTOM,
            "personas": doc.get("personas", []) if options.personas else [],
            "all_personas": doc.get("personas", []),
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
            "sizes": {"card": L.CARD_PT, "meta": L.META_PT, "title": L.TITLE_PT, "lane": L.LANE_TITLE_PT,
                      "prompt": L.PROMPT_PT, "stage": L.STAGE_PT, "line": L.LINE},
            "dims": {"cell_pad": L.CELL_PAD, "cell_pad_x": L.CELL_PAD_X, "gap": L.GAP, "phase_h": L.PHASE_ROW_H,
                     "page_head": L.PAGE_HEAD_H},
        }
        for channel in context["used_channels"]:
            channel["p_icon"] = mark_safe(channel_icon(channel.get("icon") or "generic"))
            channel["p_name"] = channel["name_fr"] if language == "fr" and channel.get("name_fr") else channel["name"]
        return render_to_string("exports/print.html", context)


def render_pdf(doc: dict[str, Any], options: ExportOptions, progress: Progress | None = None,
               *, paper: str | None = None) -> tuple[bytes, dict[str, Any]]:
    from weasyprint import HTML

    report = progress or (lambda _p: None)
    prepared = prepare(doc, options, paper=paper)
    report(15)
    html = render_html(prepared)
    report(25)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    report(70)
    data = document.write_pdf()
    report(85)
    info = {"pages": len(document.pages), "paper": prepared.context["paper"], "bands": len({p.band.index for p in
                                                                                         prepared.pages})}
    return data, info


def render_png(doc: dict[str, Any], options: ExportOptions, progress: Progress | None = None) -> tuple[bytes,
                                                                                                       dict[str, Any]]:
    """The whole map as one image: the fit-to-one-page PDF, rasterised.

    The DPI is lowered for huge maps so the image stays under PNG_MAX_PIXELS.
    """
    import pypdfium2 as pdfium

    report = progress or (lambda _p: None)
    poster = ExportOptions(format="pdf", paper="fit", language=options.language, lanes=options.lanes,
                           personas=False, dpi=options.dpi)
    pdf, info = render_pdf(doc, poster, lambda p: report(int(p * 0.8)), paper="fit")
    pdf_doc = pdfium.PdfDocument(pdf)
    try:
        page = pdf_doc[0]
        width_pt, height_pt = page.get_size()
        dpi = options.dpi
        if (width_pt * dpi / 72) * (height_pt * dpi / 72) > PNG_MAX_PIXELS:
            dpi = max(int(72 * math.sqrt(PNG_MAX_PIXELS / (width_pt * height_pt))), 1)
        bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil()
        report(90)
        buffer = io.BytesIO()
        # Most of the time goes into compression; level 3 is much faster than the
        # default for about the same size on flat poster colours.
        image.save(buffer, format="PNG", compress_level=3, dpi=(dpi, dpi))
        width, height = image.size
        page.close()
    finally:
        pdf_doc.close()
    report(95)
    info = {"dpi_requested": options.dpi, "dpi": dpi, "width": width, "height": height,
            "dpi_lowered": dpi != options.dpi, "max_pixels": PNG_MAX_PIXELS}
    return buffer.getvalue(), info


def render(doc: dict[str, Any], options: ExportOptions, progress: Progress | None = None) -> tuple[bytes,
                                                                                                   dict[str, Any]]:
    if options.format == "png":
        return render_png(doc, options, progress)
    return render_pdf(doc, options, progress)
