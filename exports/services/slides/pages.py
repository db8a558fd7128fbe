"""The slides around the bands: the cover (goal, personas, the journey at a glance,
what to fix first, a legend), the priorities as a table, the personas as cards."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exports.services import layout as L
from exports.services.appendix import PERSONA_FIELDS, PRIORITY_COLUMNS, persona_height, persona_text
from exports.services.layout import Band, GridPage
from exports.services.marks import EVALUATION_COLORS, safe_color
from exports.services.measure import text_height
from exports.services.pieces import Section
from exports.services.slides.canvas import CENTER, FAINT, INK, MIDDLE, MUTED, RULE, Paragraph, Run, Sheet, rgb
from exports.services.slides.grid import DOT, MOMENT_COLOR, STAR, draw_curves, page_head

ACCENT = "#6366f1"


def _heading(text: str) -> Paragraph:
    return [Run(text.upper(), 8.0, bold=True, color=MUTED)]


def _evaluation_label(key: str) -> str:
    return {"delight": _("Delight"), "neutral": _("Basic satisfaction"), "irritant": _("Irritant")}[key]


def cover_slide(sheet: Sheet, doc: dict[str, Any], context: dict[str, Any], width: float, height: float,
                kind_label: str) -> None:
    x = L.MARGIN + 4.0
    usable = width - 2 * L.MARGIN - 8.0
    title = doc["map"].get("title") or ""
    goal = doc["map"].get("goal") or ""
    y = L.MARGIN + 2.0
    sheet.text(x, y, usable, 5.0, [[Run(kind_label.upper(), 9.0, bold=True, color=ACCENT)]])
    y += 5.0
    title_h = text_height(title, usable, 30.0, bold=True) * 1.15 / 1.3 + 2.0
    sheet.text(x, y, usable, title_h, [[Run(title, 30.0, bold=True, own=True)]])
    y += title_h + 3.0
    if goal:
        goal_w = min(240.0, usable)
        goal_h = text_height(goal, goal_w, 12.0) * 1.4 / 1.3 + 4.0
        sheet.text(x, y, goal_w, goal_h, [[Run(_("Goal").upper(), 9.0, bold=True, color=ACCENT)],
                                          [Run(goal, 12.0, color="#334155", own=True)]])
        y += goal_h + 4.0
    counts = context["counts"]
    facts = " \u00b7 ".join([
        ngettext("%(counter)s stage", "%(counter)s stages", counts["stages"]) % {"counter": counts["stages"]},
        ngettext("%(counter)s lane", "%(counter)s lanes", counts["lanes"]) % {"counter": counts["lanes"]},
        ngettext("%(counter)s card", "%(counter)s cards", counts["cards"]) % {"counter": counts["cards"]},
        ngettext("%(counter)s touchpoint", "%(counter)s touchpoints", counts["touchpoints"]) % {
            "counter": counts["touchpoints"]},
        _("Exported on %(date)s") % {"date": formats.date_format(date.today(), "DATE_FORMAT")},
    ])
    sheet.text(x, y, usable, 5.0, [[Run(facts, 9.0, color=MUTED)]])
    y += 9.0
    personas = context["personas"]
    if personas:
        chips: Paragraph = []
        for persona in personas:
            chips += [Run(f"{DOT} ", 9.0, color=persona["color"]), Run(persona.get("name") or "", 9.0, bold=True,
                                                                      own=True)]
            if persona.get("role"):
                chips.append(Run(f" \u00b7 {persona['role']}", 9.0, color=MUTED, own=True))
            chips.append(Run("     ", 9.0))
        per_row = max(int(usable // 85), 1)
        chips_h = 5.0 * -(-len(personas) // per_row) + 1.0
        sheet.text(x, y, usable, 5.0 + chips_h, [_heading(_("Personas")), chips])
        y += 6.0 + chips_h + 4.0
    cover = context["cover"]
    glance = cover.get("glance")
    if glance:
        y = _glance(sheet, glance, x, y) + 5.0
    _top_and_legend(sheet, cover, context, x, y, usable, height)


def _glance(sheet: Sheet, glance: dict[str, Any], x: float, y: float) -> float:
    """The journey at a glance: phases, every persona's curve, the stages."""
    sheet.text(x, y, 150.0, 5.0, [_heading(_("The journey at a glance"))])
    y += 6.0
    col_w = glance["col_w"]
    if glance["phases"]:
        left = x
        for phase in glance["phases"]:
            if phase["title"]:
                box = sheet.box(left, y, phase["width"] - 0.5, 5.0,
                                fill=safe_color(phase["color"], "#475569") if phase["color"] else "#475569")
                sheet.text(0, 0, 0, 0, [[Run(phase["title"].upper(), 6.5, bold=True, color="#ffffff", own=True)]],
                           shape=box, inset=(1.5, 0.3, 1.5, 0.3), anchor=MIDDLE)
            left += phase["width"]
        y += 5.0
    columns = glance["columns"]
    if glance["curves"]:
        band = Band(0, [{} for _c in columns], 1, len(columns), [])
        page = GridPage(band, [], 0.0, 0.0, col_w, 0.0)
        draw_curves(sheet, glance["curves"], page, x, y)
        y += L.EMOTION_H - 2 * L.CELL_PAD
    tallest = 4.0
    for index, column in enumerate(columns):
        paragraphs = [[Run(str(column["number"]), 7.0, bold=True)] + (
            [Run(f" {STAR}", 7.0, color=MOMENT_COLOR)] if column["moment"] else [])]
        if column["name"]:
            paragraphs.append([Run(column["name"], 6.5, color="#475569", own=True)])
            tallest = max(tallest, 4.0 + text_height(column["name"], col_w - 1.5, 6.5))
        sheet.text(x + index * col_w, y, col_w, tallest, paragraphs, inset=(0.6, 0.5, 0.6, 0), align=CENTER)
    return y + tallest


def _top_and_legend(sheet: Sheet, cover: dict[str, Any], context: dict[str, Any], x: float, y: float,
                    usable: float, height: float) -> None:
    """What to fix first on the left, the legend on the right, down to the foot."""
    bottom = height - L.MARGIN_BOTTOM
    left_w = usable * 0.58
    if cover.get("top"):
        rows: list[Paragraph] = [_heading(_("Fix first"))]
        for entry in cover["top"]:
            mark = Run(f"{STAR} ", 9.0, color=MOMENT_COLOR) if entry["kind"] == "moment" else \
                Run(f"{DOT} ", 9.0, color=EVALUATION_COLORS["irritant"])
            detail = " \u00b7 " + _("stage %(number)s") % {"number": entry["p_stage_number"]}
            if entry["kind"] == "moment":
                detail += f" \u00b7 {entry['importance']} \u00d7 {entry['impact']} = {entry['weight']}"
            if entry.get("p_volume"):
                detail += f" \u00b7 {entry['p_volume']}"
            rows.append([Run(f"{entry['rank']}  ", 9.0, bold=True, color="#b45309"), mark,
                         Run(entry["title"] or "", 9.0, bold=True, own=True), Run(detail, 8.0, color=MUTED)])
        if cover.get("more"):
            rows.append([Run(ngettext("and %(counter)s more on the Priorities page",
                                      "and %(counter)s more on the Priorities page", cover["more"])
                             % {"counter": cover["more"]}, 8.0, italic=True, color=MUTED)])
        sheet.text(x, y, left_w - 4.0, max(bottom - y, 10.0), rows, spacing=1.5)
    legend_x = x + left_w
    legend: list[Paragraph] = [_heading(_("Channels"))]
    channels = context["used_channels"]
    legend.append([Run(" \u00b7 ".join(c["p_name"] for c in channels) or _("No touchpoints yet"), 8.0)])
    legend.append(_heading(_("Evaluation")))
    legend.append([part for key in ("delight", "neutral", "irritant") for part in (
        Run(f"{DOT} ", 8.0, color=EVALUATION_COLORS[key]), Run(f"{_evaluation_label(key)}   ", 8.0))])
    legend.append(_heading(_("Markers")))
    legend.append([Run(f"{STAR} ", 8.0, color=MOMENT_COLOR), Run(_("Moment of truth"), 8.0)])
    legend.append([Run("\u2015 ", 8.0, color=INK), Run(_("Emotion curve (\u22123 to +3)"), 8.0)])
    legend.append([Run("\u258c ", 8.0, color="#cbd5e1"), Run(_("Card, coloured by team"), 8.0)])
    teams = context["teams"]
    if teams:
        legend.append(_heading(_("Teams")))
        legend.append([part for team in teams for part in (
            Run(f"{DOT} ", 8.0, color=team.get("color") or FAINT), Run(f"{team.get('name') or ''}   ", 8.0))])
    sheet.text(legend_x, y, usable - left_w, max(bottom - y, 10.0), legend, spacing=1.5)


def priorities_slide(sheet: Sheet, section: Section, width: float, title: str) -> None:
    page_head(sheet, width, title, _("Priorities"))
    x, usable = L.MARGIN, width - 2 * L.MARGIN
    y = L.MARGIN + L.PAGE_HEAD_H
    heading = [Run(_("Priorities"), 16.0, bold=True)]
    if section.continued:
        heading.append(Run(f" {_('(continued)')}", 10.0, color=FAINT))
    sheet.text(x, y, usable, 8.0, [heading])
    sheet.text(x, y + 8.0, usable, 6.0, [[Run(_(
        "Moments of truth and irritant touchpoints, ranked: importance \u00d7 impact first, then the share of "
        "customers who go through them. Fix these first."), 9.0, color=MUTED)]])
    y += 16.0
    entries = section.entries
    heads = ["#", _("What"), _("Stage"), _("Importance \u00d7 impact"), _("Volume"), _("Channel")]
    shape = sheet.shapes.add_table(len(entries) + 1, len(heads), sheet.emu(x), sheet.emu(y), sheet.emu(usable),
                                   sheet.emu(8.0 * (len(entries) + 1)))
    table = shape.table
    for index, percent in enumerate(PRIORITY_COLUMNS.values()):
        table.columns[index].width = sheet.emu(usable * percent / 100)
    for index, head in enumerate(heads):
        _cell(sheet, table.cell(0, index), [[Run(head.upper(), 7.0, bold=True, color=MUTED)]], fill="#f8fafc")
    for row, entry in enumerate(entries, start=1):
        moment = entry["kind"] == "moment"
        what: list[Paragraph] = [[
            Run(f"{STAR} " if moment else f"{DOT} ", 9.0,
                color=MOMENT_COLOR if moment else EVALUATION_COLORS["irritant"]),
            Run(entry["title"] or "", 9.0, bold=True, own=True)]]
        meta = _("Moment of truth") if moment else _("Irritant touchpoint")
        if moment and entry.get("p_valence"):
            meta += f" \u00b7 {entry['p_valence']}"
        if moment and entry.get("irritant"):
            meta += f" \u00b7 {_('Irritant')}"
        what.append([Run(meta, 7.0, color=MUTED)])
        if entry.get("p_touchpoint"):
            what.append([Run(f"{_('Touchpoint:')} ", 7.0, color=MUTED), Run(entry["p_touchpoint"], 7.0, own=True)])
        cells = [
            [[Run(str(entry["rank"]), 12.0, bold=True, color=FAINT)]],
            what,
            [[Run(f"{entry['p_stage_number']} ", 8.0, bold=True, color=MUTED),
              Run(entry.get("stage_name") or "", 8.0, own=True)]],
            [[Run(f"{entry['importance']} \u00d7 {entry['impact']} = {entry['weight']}", 8.0, bold=True)]]
            if moment else [[Run("\u2014", 8.0, color=FAINT)]],
            [[Run(entry.get("p_volume") or "\u2014", 8.0, color=INK if entry.get("p_volume") else FAINT)]],
            [[Run(entry.get("p_channel") or "\u2014", 8.0, color=INK if entry.get("p_channel") else FAINT)]],
        ]
        for index, paragraphs in enumerate(cells):
            _cell(sheet, table.cell(row, index), paragraphs, fill="#ffffff" if row % 2 else "#fcfcfd")


def _cell(sheet: Sheet, cell: Any, paragraphs: list[Paragraph], *, fill: str) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = rgb(fill)
    cell.margin_left = cell.margin_right = sheet.emu(1.5)
    cell.margin_top = cell.margin_bottom = sheet.emu(1.0)
    frame = cell.text_frame
    frame.word_wrap = True
    first = True
    for runs in paragraphs:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        for part in runs:
            sheet.write(paragraph, part)


def personas_slide(sheet: Sheet, section: Section, width: float, title: str) -> None:
    page_head(sheet, width, title, _("Personas"))
    x, usable = L.MARGIN, width - 2 * L.MARGIN
    y = L.MARGIN + L.PAGE_HEAD_H
    heading = [Run(_("Personas"), 16.0, bold=True)]
    if section.continued:
        heading.append(Run(f" {_('(continued)')}", 10.0, color=FAINT))
    sheet.text(x, y, usable, 8.0, [heading])
    y += 12.0
    labels = {"goals": _("Goals"), "needs": _("Needs"), "frustrations": _("Frustrations"),
              "behaviours": _("Behaviours"), "preferred_channels": _("Preferred channels"),
              "demographics": _("About")}
    for persona in section.personas:
        card_h = persona_height(persona, usable) - 5.0
        sheet.box(x, y, usable, card_h, fill="#ffffff", line=RULE, line_pt=0.6)
        sheet.box(x, y, usable, 1.2, fill=persona.get("color") or ACCENT)
        head: list[Paragraph] = [[Run(persona.get("name") or "", 14.0, bold=True, own=True)]]
        if persona.get("role"):
            head.append([Run(persona["role"], 9.0, color=MUTED, own=True)])
        if persona.get("quote"):
            head.append([Run(f"\u201c{persona['quote']}\u201d", 10.0, italic=True, color="#334155", own=True)])
        top_h = sum(text_height(r[0].text, usable - 8.0, r[0].size, bold=r[0].bold) for r in head) + 4.0
        sheet.text(x + 4.0, y + 3.0, usable - 8.0, top_h, head, spacing=1.0)
        filled = [key for key in PERSONA_FIELDS if persona_text(persona, key)]
        column_w = usable * 0.24
        field_y = y + 3.0 + top_h
        for start in range(0, len(filled), 4):
            row = filled[start:start + 4]
            row_h = max(4.0 + text_height(persona_text(persona, key), column_w - 4.0, 8.5) for key in row)
            for index, key in enumerate(row):
                sheet.text(x + 4.0 + index * column_w, field_y, column_w - 4.0, row_h,
                           [[Run(labels[key].upper(), 7.0, bold=True, color=MUTED)],
                            [Run(persona_text(persona, key), 8.5, own=True)]])
            field_y += row_h + 2.5
        y += card_h + 5.0
