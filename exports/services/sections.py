"""A map document as printed sections: cover, grid pages, priorities, personas.

Each section is laid out here to fill exactly one printed page (the estimates err
on the tall side), so parts of the document can be rendered apart, in parallel,
and still carry the right page numbers. Pure functions of a document and options:
no database access.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from exports.options import ExportOptions
from exports.printing.pool import balanced_splits
from exports.services import layout as L
from exports.services import measure as M
from exports.services.appendix import cover_view, persona_sections, priority_entries, priority_sections
from exports.services.marks import (
    EVALUATION_COLORS,
    INTERACTION_COLOR,
    LANE_COLORS,
    SHARED_CURVE_COLOR,
    channel_icon,
    curve_colors,
    evaluation_svg,
)
from exports.services.pieces import Prepared, Section, excerpt, touchpoint_meta

# Pages of the appendix (priorities, personas) of a poster are A3.
APPENDIX_PAPER = "A3"

# ----------------------------------------------------------------------------- the grid


# Maps laid out on more pages than this keep the densest layout (zoom 1): trying
# larger type costs a layout per try, and a big map gains more from density.
ZOOM_TRY_MAX_PAGES = 16


def prepare(doc: dict[str, Any], options: ExportOptions, *, paper: str | None = None) -> Prepared:
    """Lay the document out into sections (the estimates, no HTML yet).

    On a paper that scales its content (``layout.PAPER_ZOOM``) the largest type that
    needs no more pages than the densest layout is used: a small map fills its
    page with readable type, and no band spills a lane or two onto a page of its own."""
    paper = paper or options.paper
    densest = _prepare(doc, options, paper=paper, zoom=1.0)
    largest = L.PAPER_ZOOM.get(paper, 1.0)
    if largest <= 1.0 or len(densest.sections) > ZOOM_TRY_MAX_PAGES:
        return densest
    for zoom in (largest, round((1.0 + largest) / 2, 3)):
        prepared = _prepare(doc, options, paper=paper, zoom=zoom)
        if len(prepared.sections) <= len(densest.sections):
            return prepared
    return densest


def _prepare(doc: dict[str, Any], options: ExportOptions, *, paper: str, zoom: float) -> Prepared:
    language = options.language
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
    # A persona wears its curve's colour on this map, on every page (as in the editor).
    colors = curve_colors(doc.get("personas", []))
    personas = [{**p, "color": colors[str(p["id"])]} for p in doc.get("personas", [])]
    geo = L.geometry(paper, len(stages), zoom=zoom)
    inner_w = geo.col_w - 2 * L.CELL_PAD_X - 0.3
    printed_cards = {c["id"]: c for c in doc.get("cards", []) if c["lane"] in lane_ids and c["stage"] in stage_index}

    with translation.override(language):
        cells: dict[str, list[list[M.Item]]] = {lane["id"]: [[] for _s in stages] for lane in lanes}
        used_channels: dict[str, dict[str, Any]] = {}
        for tp in doc.get("touchpoints", []):
            if tp["lane"] not in cells or tp["stage"] not in stage_index:
                continue
            channel = channels.get(tp.get("channel") or "")
            if channel:
                used_channels[channel["id"]] = channel
            team = teams.get(tp.get("owner_team") or "")
            item = dict(tp)
            item["p_meta"] = touchpoint_meta(tp, channel, language, doc.get("metric_labels"))
            item["p_icon"] = mark_safe(channel_icon(channel["icon"] if channel else "generic"))  # static file
            item["p_eval"] = mark_safe(evaluation_svg(tp.get("evaluation") or ""))  # fixed markup
            item["p_bar"] = team["color"] if team else EVALUATION_COLORS.get(tp.get("evaluation") or "", "#cbd5e1")
            item["p_team"] = team["name"] if team else ""
            cells[tp["lane"]][stage_index[tp["stage"]]].append(M.touchpoint_item(item, inner_w))

        # A change points at the pain point it addresses: print the link on both cards.
        addressed_by: dict[str, list[dict[str, Any]]] = {}
        for card in printed_cards.values():
            if card.get("addresses") in printed_cards:
                addressed_by.setdefault(card["addresses"], []).append(card)
        priorities = {"high": _("High priority"), "medium": _("Medium priority"), "low": _("Low priority")}
        for card in printed_cards.values():
            team = teams.get(card.get("team") or "")
            item = dict(card)
            item["p_bar"] = team["color"] if team else (card.get("color") or "#cbd5e1")
            item["p_priority"] = priorities.get(card.get("priority") or "", "")
            links = []
            target = printed_cards.get(card.get("addresses") or "")
            if target:
                links.append(("addresses", "\u21b3 " + _("Addresses: %(text)s") % {"text": excerpt(target["text"])}))
            by = addressed_by.get(card["id"], [])
            if len(by) == 1:
                links.append(("addressed", "\u2713 " + _("Addressed by: %(text)s") % {"text": excerpt(by[0]["text"])}))
            elif by:
                links.append(("addressed", "\u2713 " + _("Addressed by %(n)s changes") % {"n": len(by)}))
            item["p_links"] = [text for _kind, text in links]
            item["p_link_kinds"] = links
            cells[card["lane"]][stage_index[card["stage"]]].append(M.card_item(item, inner_w))

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
            cells[lane_id][stage_index[moment["stage"]]].append(M.moment_item(item, inner_w))

        row_specs: list[tuple[dict[str, Any], str, list[list[M.Item]]]] = []
        emotion_lane_seen = False
        previous_kind = ""
        # The drawn line is part of the map, so it reads in the map's language like
        # the lanes around it, whatever language the labels are printed in.
        with translation.override(doc["map"].get("language") or language):
            interaction_title = _("Line of interaction")
        interaction = {"id": "_interaction", "kind": "line_of_interaction", "title": interaction_title, "prompt": ""}
        # Blueprints from the current template have their lines as lanes (titled in the
        # map's language); older ones get the line of interaction drawn above frontstage.
        explicit_interaction = any(lane["kind"] == "line_of_interaction" for lane in lanes)
        for lane in lanes:
            kind = {"emotion": "emotion", "line_of_visibility": "visibility", "line_of_interaction": "interaction",
                    "line_of_internal_interaction": "visibility"}.get(lane["kind"], "cells")
            emotion_lane_seen = emotion_lane_seen or kind == "emotion"
            if lane["kind"] == "frontstage" and previous_kind != "frontstage" and not explicit_interaction:
                # Service blueprint: the line of interaction runs above the frontstage.
                row_specs.append((_lane_view(interaction), "interaction", [[] for _s in stages]))
            previous_kind = lane["kind"]
            row_specs.append((_lane_view(lane), kind, cells[lane["id"]]))
        if "_moments" in cells:
            row_specs.append((_lane_view(synthetic_mot), "cells", cells["_moments"]))
        emotions = [e for e in doc.get("emotions", []) if e["stage"] in stage_index]
        if emotions and not emotion_lane_seen:
            synthetic = {"id": "_emotion", "kind": "emotion", "title": _("Emotion curve"), "prompt": ""}
            row_specs.append((_lane_view(synthetic), "emotion", [[] for _s in stages]))

        # Curves: one per persona and the shared one ("All customers"), named and
        # coloured as in the editor; in the editor's legend order.
        persona_by_id = {p["id"]: p for p in personas}
        persona_rank = {p["id"]: i for i, p in enumerate(personas)}
        curves: dict[str | None, dict[str, Any]] = {}
        for emotion in emotions:
            key = emotion.get("persona")
            if key not in curves:
                persona = persona_by_id.get(key or "")
                curves[key] = {"color": colors.get(key or "", SHARED_CURVE_COLOR) if persona else SHARED_CURVE_COLOR,
                               "name": persona["name"] if persona else _("All customers"), "shared": not persona,
                               "persona": key if persona else "",
                               "rank": persona_rank.get(key or "", -1), "scores": {}}
            curves[key]["scores"][stage_index[emotion["stage"]]] = emotion["score"]
        curve_list = sorted(curves.values(), key=lambda c: c["rank"])
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
                note_cells[stage_index[emotion["stage"]]].append(M.card_item(note, inner_w))

        bands = L.make_bands(stages, phases, geo.per_band)
        body_top = L.PAGE_HEAD_H if paper != "fit" else _poster_strip_height(doc, geo)
        pages = L.paginate(bands, row_specs, geo, body_top=body_top)

        # The poster prints at its size, so its appendix pages do too (one zoom per document).
        appendix_geo = geo if paper != "fit" else L.geometry(APPENDIX_PAPER, len(stages))
        entries = priority_entries(doc, lane_ids, stage_index, channels, language)

    sections: list[Section] = []
    cover: dict[str, Any] = {}
    if paper != "fit":
        cover = cover_view(doc, geo, stages, phases, curve_list, moment_stages, entries,
                           legend_below=paper != "slide")
        sections.append(Section("cover", cost=3.0 + (2.0 if cover.get("glance") else 0.0)))
    sections += [Section("grid" if paper != "fit" else "poster", cost=page_cost(page), page=page) for page in pages]
    sections += priority_sections(entries, appendix_geo)
    if options.personas and personas:
        sections += persona_sections(personas, appendix_geo)
    for number, section in enumerate(sections, start=1):
        section.number = number

    prepared = Prepared(doc, options, geo, pages, sections)
    prepared.context = {
        "stages_total": len(stages),
        "moment_stages": moment_stages,
        "curves": curve_list,
        "used_channels": sorted(used_channels.values(), key=lambda c: (c.get("position", 0), c["name"])),
        "body_top": body_top,
        "paper": paper,
        "has_interaction": any(kind == "interaction" for _l, kind, _c in row_specs),
        "has_visibility": any(kind == "visibility" for _l, kind, _c in row_specs),
        "has_priority": any(c.get("priority") for c in printed_cards.values()),
        "has_links": bool(addressed_by),
        "cover": cover,
    }
    return prepared


def _lane_view(lane: dict[str, Any]) -> dict[str, Any]:
    color = INTERACTION_COLOR if lane.get("kind") == "line_of_interaction" else None
    return {**lane, "p_color": color or LANE_COLORS.get(lane.get("kind") or "text", "#94a3b8")}


def _poster_strip_height(doc: dict[str, Any], geo: L.Geometry) -> float:
    goal = doc["map"].get("goal") or ""
    width = geo.width - 2 * L.MARGIN - 120.0
    return 30.0 + (M.text_height(goal, width, 10.0) if goal else 0.0)


def page_cost(page: L.GridPage) -> float:
    """Relative render time of a grid page: WeasyPrint's time goes into boxes and
    lines of text."""
    cost = 2.0
    for row in page.rows:
        cost += 0.4 + 0.1 * len(row.cells)
        for cell in row.cells:
            for piece in cell:
                cost += 0.5 + len(piece.text) / 120
    return cost


# ----------------------------------------------------------------------------- poster slices


SLICE_SLACK = 0.02  # mm: rounding room, so that no row is pushed onto a page of its own


def poster_slices(section: Section, parts: int, body_top: float) -> list[Section]:
    """Cut the one-page poster into ``parts`` horizontal slices, each a page of its
    own height, to render apart and put back together."""
    page = section.page
    assert page is not None
    rows = page.rows
    costs = [0.4 + sum(0.5 + len(p.text) / 120 for cell in row.cells for p in cell) for row in rows]
    if costs:
        costs[0] += 3.0  # the first slice also holds the strip and the stage headers
    runs = balanced_splits(costs, parts) if parts > 1 and len(rows) > 1 else [(0, len(rows))]
    slices = []
    # Heights as the template prints them (to the hundredth of a mm), so that each
    # slice's content fills its page exactly and the slices join without a seam.
    head = round(body_top, 2) + round(page.stage_h, 2)
    if any(p["title"] for p in page.band.phases):
        head += round(L.PHASE_ROW_H, 2)
    for index, (start, end) in enumerate(runs):
        first, last = index == 0, index == len(runs) - 1
        height = sum(round(r.height, 2) for r in rows[start:end]) + SLICE_SLACK
        if first:
            height += L.MARGIN + head
        if last:
            height += L.MARGIN_BOTTOM
        sliced = replace(page, rows=rows[start:end])
        slices.append(replace(section, page=sliced, first=first, last=last, height=height,
                              cost=sum(costs[start:end])))
    return slices
