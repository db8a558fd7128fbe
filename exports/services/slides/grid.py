"""A band of stages on a slide, laid out as the printed page is: phases and stages on
top, a lane per row with its header on the left, cards as soft boxes with their
team's colour bar, touchpoints with their channel and evaluation, moments of truth
with their star, the emotion curve as a drawn line, the blueprint's lines as rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from exports.services import layout as L
from exports.services import measure as M
from exports.services.layout import GridPage, Row
from exports.services.marks import (
    EVALUATION_COLORS,
    INTERACTION_COLOR,
    LANE_COLORS,
    safe_color,
    smooth_points,
)
from exports.services.measure import Piece
from exports.services.slides.canvas import FAINT, INK, MIDDLE, MUTED, RIGHT, RULE, Paragraph, Run, Sheet

STAR = "\u2605"
DOT = "\u25cf"
MOMENT_COLOR = "#f59e0b"
PRIORITY_COLORS = {"high": "#b91c1c", "medium": "#b45309", "low": "#475569"}
CARD_FILLS = {"card": "#ffffff", "touchpoint": "#fbfdff", "moment": "#fffbeb"}
BAR_W = 1.2


def page_head(sheet: Sheet, width: float, title: str, label: str) -> None:
    """The map's title and what the slide holds, above the content."""
    usable = width - 2 * L.MARGIN
    sheet.text(L.MARGIN, L.MARGIN, usable * 0.7, L.PAGE_HEAD_H, [[Run(title, 10.0, bold=True, own=True)]])
    sheet.text(L.MARGIN + usable * 0.7, L.MARGIN, usable * 0.3, L.PAGE_HEAD_H, [[Run(label, 8.0, color=MUTED)]],
               align=RIGHT)


def page_foot(sheet: Sheet, width: float, height: float, label: str) -> None:
    sheet.text(width - L.MARGIN - 60.0, height - L.MARGIN_BOTTOM + 4.0, 60.0, 5.0,
               [[Run(label, M.META_PT, color=FAINT)]], align=RIGHT)


def band_slide(sheet: Sheet, page: GridPage, context: dict[str, Any], title: str) -> None:
    band = page.band
    page_head(sheet, page.width, title, _("Stages %(first)s\u2013%(last)s of %(total)s") % {
        "first": band.first, "last": band.last, "total": context["stages_total"]})
    grid_x = L.MARGIN + L.LANE_HEAD_W
    col_w = page.col_w
    y = L.MARGIN + L.PAGE_HEAD_H
    if any(p["title"] for p in band.phases):
        for phase in band.phases:
            if not phase["title"]:
                continue
            box = sheet.box(grid_x + phase["start"] * col_w, y, phase["span"] * col_w - 0.6, L.PHASE_ROW_H,
                            fill=safe_color(phase["color"], "#475569") if phase["color"] else "#475569")
            sheet.text(0, 0, 0, 0, [[Run(phase["title"].upper(), 7.0, bold=True, color="#ffffff", own=True)]],
                       shape=box, inset=(L.CELL_PAD_X, 0.5, L.CELL_PAD_X, 0.5), anchor=MIDDLE)
        y += L.PHASE_ROW_H
    for index, stage in enumerate(band.stages):
        number = band.first + index
        head: Paragraph = [Run(str(number), M.META_PT, bold=True, color=MUTED)]
        if (number - 1) in context["moment_stages"]:
            head.append(Run(f" {STAR}", M.META_PT, color=MOMENT_COLOR))
        sheet.text(grid_x + index * col_w, y, col_w, page.stage_h,
                   [head, [Run(stage.get("name") or "", M.STAGE_PT, bold=True, own=True)]],
                   inset=(L.CELL_PAD_X, L.CELL_PAD, L.CELL_PAD_X, L.CELL_PAD))
    y += page.stage_h
    sheet.line(L.MARGIN, y, grid_x + len(band.stages) * col_w, y, color=INK, pt=1.4)
    for row in page.rows:
        _row(sheet, row, page, y)
        y += row.height


def _row(sheet: Sheet, row: Row, page: GridPage, y: float) -> None:
    grid_x = L.MARGIN + L.LANE_HEAD_W
    span_w = len(page.band.stages) * page.col_w
    lane = row.lane
    if row.kind == "interaction":
        sheet.text(L.MARGIN, y, L.LANE_HEAD_W, row.height,
                   [[Run((lane.get("title") or "").upper(), M.META_PT, bold=True, color=INTERACTION_COLOR,
                         own=True)]], inset=(L.CELL_PAD_X, 1.0, L.CELL_PAD_X, 0.0))
        sheet.line(grid_x, y + 2.7, grid_x + span_w, y + 2.7, color=INTERACTION_COLOR, pt=1.7)
        return
    sheet.box(L.MARGIN, y, L.LANE_HEAD_W, row.height, fill="#f8fafc", line=RULE, line_pt=0.4)
    sheet.text(L.MARGIN, y, L.LANE_HEAD_W, row.height, _lane_head(row),
               inset=(L.CELL_PAD_X, L.CELL_PAD, L.CELL_PAD_X, L.CELL_PAD))
    if row.kind == "visibility":
        internal = lane.get("kind") == "line_of_internal_interaction"
        color = LANE_COLORS["line_of_internal_interaction"] if internal else MUTED
        sheet.dashed(grid_x, y + 3.0, grid_x + span_w, y + 3.0, color=color, pt=1.7)
        sheet.line(grid_x, y + row.height, grid_x + span_w, y + row.height, color=RULE, pt=0.5)
        return
    if row.kind == "emotion":
        draw_curves(sheet, lane.get("curves", []), page, grid_x, y + L.CELL_PAD)
        sheet.line(grid_x, y + row.height, grid_x + span_w, y + row.height, color=RULE, pt=0.5)
        return
    for index, cell in enumerate(row.cells):
        x = grid_x + index * page.col_w
        sheet.box(x, y, page.col_w, row.height, line="#f1f5f9", line_pt=0.5)
        top = y + L.CELL_PAD
        for piece in cell:
            _piece(sheet, piece, x + L.CELL_PAD_X, top, page.col_w - 2 * L.CELL_PAD_X, piece.height)
            top += piece.height + L.GAP


def _lane_head(row: Row) -> list[Paragraph]:
    lane = row.lane
    paragraphs: list[Paragraph] = [[Run(f"{DOT} ", M.LANE_TITLE_PT, color=lane.get("p_color") or FAINT),
                                    Run(lane.get("title") or "", M.LANE_TITLE_PT, bold=True, own=True)]]
    if row.continued:
        paragraphs.append([Run(_("(continued)"), M.META_PT, italic=True, color=FAINT)])
    elif row.show_prompt and lane.get("prompt"):
        paragraphs.append([Run(lane["prompt"], M.PROMPT_PT, color=MUTED, own=True)])
    if row.kind == "emotion":
        for curve in lane.get("curves", []):
            mark = "\u25ac " if curve.get("shared") else f"{DOT} "
            paragraphs.append([Run(mark, M.META_PT, color=curve["color"]),
                               Run(curve["name"], M.META_PT, own=not curve.get("shared"))])
    return paragraphs


def _piece(sheet: Sheet, piece: Piece, x: float, y: float, w: float, h: float) -> None:
    data = piece.data
    kind = piece.kind
    body = sheet.box(x, y, w, h, fill=CARD_FILLS.get(kind, "#ffffff"),
                     line="#fde68a" if kind == "moment" else RULE, line_pt=0.6, rounded=True)
    sheet.box(x, y, BAR_W, h, fill=data.get("p_bar") or "#cbd5e1")
    sheet.text(0, 0, 0, 0, _piece_text(piece), shape=body, inset=(BAR_W + 1.5, 1.3, 1.3, 1.0))


def _continued(title: str) -> Paragraph:
    short = title if len(title) <= 40 else title[:39] + "\u2026"
    return [Run(short, M.META_PT, italic=True, color=FAINT, own=True),
            Run(f" {_('(continued)')}", M.META_PT, italic=True, color=FAINT)]


def _piece_text(piece: Piece) -> list[Paragraph]:
    data = piece.data
    paragraphs: list[Paragraph] = []
    if piece.kind == "card":
        if not piece.first:
            paragraphs.append([Run(_("(continued)"), M.META_PT, italic=True, color=FAINT)])
        elif data.get("p_priority"):
            paragraphs.append([Run(data["p_priority"].upper(), M.META_PT, bold=True,
                                   color=PRIORITY_COLORS.get(data.get("priority") or "", MUTED))])
        if piece.text:
            paragraphs.append([Run(piece.text, M.CARD_PT, own=True)])
        if piece.last:
            for kind, link in data.get("p_link_kinds") or ():
                paragraphs.append([Run(link, M.META_PT, color="#166534" if kind == "addressed" else "#475569")])
        return paragraphs or [[Run("", M.CARD_PT)]]
    title = data.get("title") or ""
    if piece.kind == "touchpoint":
        if piece.first:
            evaluation = data.get("evaluation") or ""
            mark = Run(f"{DOT} ", M.TITLE_PT, color=EVALUATION_COLORS[evaluation]) if evaluation in EVALUATION_COLORS \
                else Run("", M.TITLE_PT)
            paragraphs.append([mark, Run(title, M.TITLE_PT, bold=True, own=True)])
            if data.get("p_meta"):
                paragraphs.append([Run(data["p_meta"], M.META_PT, color=MUTED)])
        else:
            paragraphs.append(_continued(title))
    else:
        if piece.first:
            paragraphs.append([Run(f"{STAR} ", M.TITLE_PT, color=MOMENT_COLOR),
                               Run(title, M.TITLE_PT, bold=True, own=True)])
            paragraphs.append([Run(data.get("p_meta") or "", M.META_PT, color=MUTED)])
            if data.get("p_valence"):
                paragraphs.append([Run(data["p_valence"], M.META_PT, color=MUTED)])
        else:
            paragraphs.append(_continued(title))
    if piece.text:
        paragraphs.append([Run(piece.text, M.META_PT, own=True)])
    return paragraphs


def draw_curves(sheet: Sheet, curves: list[dict[str, Any]], page: GridPage, left: float, top: float) -> None:
    """The emotion curves over the band: the same monotone curve as the printed SVG,
    drawn as a line that runs on towards the neighbouring stages."""
    first = page.band.first - 1
    count = len(page.band.stages)
    col_w = page.col_w
    width = count * col_w
    height = L.EMOTION_H - 2 * L.CELL_PAD
    pad = 4.0

    def y_of(score: float) -> float:
        return top + pad + (3 - score) / 6 * (height - 2 * pad)

    def x_of(index: float) -> float:
        return left + (index - first + 0.5) * col_w

    for col in range(1, count):
        sheet.line(left + col * col_w, top, left + col * col_w, top + height, color="#eef0f3", pt=0.6)
    for score in (3, -3):
        sheet.line(left, y_of(score), left + width, y_of(score), color="#eef0f3", pt=0.6)
    sheet.dashed(left, y_of(0), left + width, y_of(0), color=FAINT, pt=0.8)
    for score, label in ((3, "+3"), (0, "0"), (-3, "\u22123")):
        sheet.text(left + 0.4, y_of(score) - 3.2, 8.0, 3.0, [[Run(label, 5.5, color=FAINT)]])
    labels = col_w >= 18.0
    radius = 1.1 if labels else 0.8
    for curve in sorted(curves, key=lambda c: not c.get("shared")):  # the shared curve underneath
        color = safe_color(curve.get("color"))
        scores: dict[int, int] = curve["scores"]
        every = sorted(scores)
        if len(every) >= 2:
            line = [(x, y) for x, y in smooth_points([(x_of(k), y_of(scores[k])) for k in every])
                    if left - 0.01 <= x <= left + width + 0.01]
            if len(line) >= 2:
                sheet.polyline(line, color=color, pt=2.5 if curve.get("shared") else 1.7)
        for k in every:
            if not first <= k < first + count:
                continue
            cx, cy = x_of(k), y_of(scores[k])
            sheet.box(cx - radius, cy - radius, 2 * radius, 2 * radius, fill=color, line="#ffffff", line_pt=1.0,
                      oval=True)
            if labels:
                value = scores[k]
                text = f"+{value}" if value > 0 else ("\u2212" + str(-value) if value < 0 else "0")
                sheet.text(cx + 1.2, cy - 4.6, 8.0, 3.4, [[Run(text, 6.5, bold=True, color=color)]])
