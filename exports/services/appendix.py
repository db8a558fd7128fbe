"""The pages around the grid: the cover's overview, the priorities and the personas,
each cut into sections of one page from an estimate of its height."""

from __future__ import annotations

import math
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from exports.services import layout as L
from exports.services import measure as M
from exports.services.marks import channel_icon, emotion_svg, evaluation_svg
from exports.services.pieces import Section, channel_name, excerpt, volume_text
from touchpoints.priorities import rank_priorities

# ----------------------------------------------------------------------------- cover


GLANCE_NAMES_UP_TO = 12  # stages: more, and the overview shows numbers only
TOP_PRIORITIES = 5


def cover_view(doc: dict[str, Any], geo: L.Geometry, stages: list[dict[str, Any]], phases: dict[str, Any],
               curves: list[dict[str, Any]], moment_stages: set[int], entries: list[dict[str, Any]], *,
               legend_below: bool = True) -> dict[str, Any]:
    """The cover's journey at a glance (phases, stages, emotion curves) and its top
    priorities, each only when the cover still fits on one page with it.
    ``legend_below``: the legend takes the foot of the page (print); slides set it
    beside the priorities."""
    usable_w = geo.width - 2 * L.MARGIN - 8.0  # the cover's side padding
    usable_h = geo.height - L.MARGIN - L.MARGIN_BOTTOM - 6.0
    title = doc["map"].get("title") or ""
    goal = doc["map"].get("goal") or ""
    used = 5.0 + M.text_height(title, usable_w, 30.0, bold=True) * 1.15 / M.LINE + 7.0
    if goal:
        used += M.text_height(goal, min(240.0, usable_w), 12.0) * 1.4 / M.LINE + 9.0
    used += 11.0  # counts
    personas = doc.get("personas", [])
    if personas:
        per_row = max(int(usable_w // 85), 1)
        used += 6.0 + math.ceil(len(personas) / per_row) * 9.0 + 7.0
    if legend_below:
        used += 58.0  # the legend, its tallest column with priorities and links
    view: dict[str, Any] = {}
    count = len(stages)
    if count:
        col_w = usable_w / count
        names = count <= GLANCE_NAMES_UP_TO
        name_h = max((M.text_height(excerpt(s.get("name") or "", 48), col_w - 1.5, 6.5) for s in stages),
                     default=0.0) if names else 0.0
        glance_h = 8.0 + (5.0 if any(p for p in phases) else 0.0) + (L.EMOTION_H if curves else 0.0) + 5.0 + name_h
        if used + glance_h <= usable_h:
            used += glance_h
            runs: list[dict[str, Any]] = []
            for stage in stages:
                phase = phases.get(stage.get("phase") or "")
                key = phase["id"] if phase else None
                if runs and runs[-1]["key"] == key:
                    runs[-1]["width"] += col_w
                else:
                    runs.append({"key": key, "title": phase["title"] if phase else "", "width": col_w,
                                 "color": (phase or {}).get("color") or ""})
            view["glance"] = {
                "col_w": col_w,
                "phases": runs if any(r["title"] for r in runs) else [],
                "svg": mark_safe(emotion_svg(curves, 0, count, col_w)) if curves else "",
                "columns": [{"number": i + 1, "moment": i in moment_stages,
                             "name": excerpt(s.get("name") or "", 48) if names else ""} for i, s in enumerate(stages)],
                "curves": curves,
            }
    top = []
    for entry in entries[:TOP_PRIORITIES]:
        h = M.text_height(entry["title"] or "", usable_w * 0.6, 9.0, bold=True) + 1.6
        if used + h + (8.0 if not top else 0.0) > usable_h:
            break
        used += h + (8.0 if not top else 0.0)
        top.append(entry)
    view["top"] = top
    view["more"] = max(len(entries) - len(top), 0)
    return view


# ----------------------------------------------------------------------------- priorities


def priority_entries(doc: dict[str, Any], lane_ids: set[str], stage_index: dict[str, int],
                     channels: dict[str, dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Moments of truth and irritant touchpoints, ranked as in the editor's panel,
    among what this export prints."""
    touchpoints = [tp for tp in doc.get("touchpoints", []) if tp["lane"] in lane_ids]
    moments = [m for m in doc.get("moments", []) if not m.get("lane") or m["lane"] in lane_ids]
    printed = {**doc, "touchpoints": touchpoints, "moments": moments}
    by_id = {tp["id"]: tp for tp in touchpoints}
    valences = {"positive": _("Positive"), "negative": _("Negative"), "mixed": _("Could tip either way")}
    entries = []
    for entry in rank_priorities(printed):
        tp = by_id.get(entry.get("touchpoint") or "")
        channel = channels.get((tp or {}).get("channel") or "")
        view = dict(entry)
        view["p_stage_number"] = stage_index[entry["stage"]] + 1
        view["p_valence"] = valences.get(entry.get("valence") or "", "") if entry["kind"] == "moment" else ""
        view["p_volume"] = volume_text(tp, language) if tp else ""
        view["p_channel"] = channel_name(channel, language) if channel else ""
        view["p_icon"] = mark_safe(channel_icon(channel["icon"])) if channel else ""  # static file
        view["p_eval"] = mark_safe(evaluation_svg((tp or {}).get("evaluation") or ""))  # fixed markup
        view["p_touchpoint"] = tp["title"] if tp and entry["kind"] == "moment" else ""
        view["p_bar"] = round(40.0 * entry["weight"] / 25, 2)  # mm, for importance x impact out of 25
        entries.append(view)
    return entries


PRIORITY_HEAD_H = 36.0  # page head, title, explanation, column headers
# Column widths of the ranking, in per cent of the page width (the template uses them too).
PRIORITY_COLUMNS = {"rank": 4, "what": 38, "stage": 18, "score": 14, "volume": 14, "channel": 12}


def _priority_row_height(entry: dict[str, Any], usable: float) -> float:
    what = usable * PRIORITY_COLUMNS["what"] / 100 - 3.5
    stage = usable * PRIORITY_COLUMNS["stage"] / 100 - 3.5
    h = M.text_height(entry["title"] or "", what - 4.0, 9.0, bold=True) + M.line_mm(7.0)
    if entry.get("p_touchpoint"):
        h += M.text_height(entry["p_touchpoint"], what, 7.0) + 0.5
    h = max(h, M.text_height(f"{entry['p_stage_number']} {entry['stage_name']}", stage, 8.0),
            M.text_height(entry.get("p_volume") or "", usable * PRIORITY_COLUMNS["volume"] / 100 - 3.5, 8.0),
            M.text_height(entry.get("p_channel") or "", usable * PRIORITY_COLUMNS["channel"] / 100 - 8.0, 8.0),
            M.line_mm(12.0))
    return h + 3.6  # padding and rule


def priority_sections(entries: list[dict[str, Any]], geo: L.Geometry) -> list[Section]:
    if not entries:
        return []
    usable = geo.width - 2 * L.MARGIN
    body = geo.height - L.MARGIN - L.MARGIN_BOTTOM - PRIORITY_HEAD_H
    pages = _fill_pages(entries, lambda entry: _priority_row_height(entry, usable), body)
    return [Section("priorities", cost=1.0 + 0.15 * len(page), entries=page, continued=index > 0)
            for index, page in enumerate(pages)]


def _fill_pages(items: list[dict[str, Any]], height_of: Any, body: float) -> list[list[dict[str, Any]]]:
    """``items`` in order, cut into pages of at most ``body`` mm; an item taller than a
    page gets one of its own. Always at least one (possibly empty) page."""
    pages: list[list[dict[str, Any]]] = [[]]
    used = 0.0
    for item in items:
        height = height_of(item)
        if pages[-1] and used + height > body:
            pages.append([])
            used = 0.0
        pages[-1].append(item)
        used += height
    return pages


# ----------------------------------------------------------------------------- personas


PERSONA_FIELDS = ("goals", "needs", "frustrations", "behaviours", "preferred_channels", "demographics")


def persona_text(persona: dict[str, Any], key: str) -> str:
    value = persona.get(key)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    return str(value or "")


def persona_height(persona: dict[str, Any], width: float) -> float:
    h = 8.0 + 2.0  # padding and the coloured top border
    h += M.text_height(persona.get("name") or "", width, 14.0, bold=True)
    if persona.get("role"):
        h += M.text_height(persona["role"], width, 9.0) + 2.0
    if persona.get("quote"):
        h += M.text_height(f"\u201c{persona['quote']}\u201d", width, 10.0) + 3.0
    filled = [key for key in PERSONA_FIELDS if persona_text(persona, key)]
    column = width * 0.24 - 4.0
    for start in range(0, len(filled), 4):
        row = filled[start:start + 4]
        h += max(M.line_mm(7.0) + M.text_height(persona_text(persona, key), column, 8.5) for key in row) + 2.5
    return h + 5.0  # the gap to the next card


PERSONAS_HEAD_H = 24.0


def persona_sections(personas: list[dict[str, Any]], geo: L.Geometry) -> list[Section]:
    width = geo.width - 2 * L.MARGIN - 10.0
    body = geo.height - L.MARGIN - L.MARGIN_BOTTOM - PERSONAS_HEAD_H
    pages = _fill_pages(personas, lambda persona: persona_height(persona, width), body)
    return [Section("personas", cost=1.0 + len(page), personas=page, continued=index > 0)
            for index, page in enumerate(pages)]

