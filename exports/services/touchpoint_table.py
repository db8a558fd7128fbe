"""The touchpoint list as CSV: one row per touchpoint, with its evaluation, volumes,
metrics, moments of truth and priority rank.

The first columns are those the touchpoint-list import reads (``stage, name,
channel, evaluation, volume_share, volume_count, csat, nps, evidence_url``), so the
file goes back in; the others add what a spreadsheet needs to sort and filter.
Written for Excel: UTF-8 with a byte-order mark (or Excel reads the accents as
Windows-1252), and in French a semicolon between cells and a decimal comma (French
Excel splits on ``;`` and reads ``12.5`` as text). Text that starts like a
formula is made inert (see ``cell_text``). A pure function of a document.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from exports.options import ExportOptions
from exports.services.pieces import channel_name
from touchpoints.priorities import rank_priorities

COLUMNS = (
    "stage", "name", "channel", "evaluation", "volume_share", "volume_count", "csat", "nps", "evidence_url",
    "stage_number", "phase", "lane", "volume_period", "owner_team", "description",
    "moments_of_truth", "moment_weight", "priority_rank",
)

# A spreadsheet runs a cell that starts with one of these as a formula (tab and
# carriage return as well: some programs drop them and then read the next character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """Text from the map, safe to open in a spreadsheet: a cell that a spreadsheet
    would read as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``-2+3``) starts
    with an apostrophe instead, which makes it text, as typing it would."""
    text = "".join(ch for ch in value if ch in "\t\n" or ch >= " ")
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: Any, language: str) -> str:
    """A number as the spreadsheet of that language types it (no thousands separator)."""
    if value is None or value == "":
        return ""
    text = repr(int(value)) if float(value).is_integer() else repr(float(value))
    return text.replace(".", ",") if language == "fr" else text


def touchpoint_rows(doc: dict[str, Any], options: ExportOptions) -> list[dict[str, str]]:
    """The rows in map order (stage, then lane, then place in the cell)."""
    language = options.language
    stages = {s["id"]: (i, s) for i, s in enumerate(doc.get("stages", []))}
    lanes = {lane["id"]: (i, lane) for i, lane in enumerate(doc.get("lanes", []))}
    if options.lanes is not None:
        keep = set(options.lanes)
        lanes = {k: v for k, v in lanes.items() if k in keep}
    phases = {p["id"]: p for p in doc.get("phases", [])}
    channels = {c["id"]: c for c in doc.get("channels", [])}
    teams = {t["id"]: t for t in doc.get("teams", [])}
    touchpoints = [tp for tp in doc.get("touchpoints", []) if tp["stage"] in stages and tp["lane"] in lanes]
    touchpoints.sort(key=lambda tp: (stages[tp["stage"]][0], lanes[tp["lane"]][0], tp.get("position") or "", tp["id"]))
    listed = {tp["id"] for tp in touchpoints}
    moments: dict[str, list[dict[str, Any]]] = {}
    for moment in doc.get("moments", []):
        if moment.get("touchpoint") in listed:
            moments.setdefault(moment["touchpoint"], []).append(moment)
    # The touchpoint's rank among what to fix first: its own (an irritant) or its
    # best-ranked moment of truth's.
    rank: dict[str, int] = {}
    for entry in rank_priorities({**doc, "touchpoints": touchpoints}):
        key = entry.get("touchpoint")
        if key in listed:
            rank[key] = min(rank.get(key, entry["rank"]), entry["rank"])

    rows = []
    for tp in touchpoints:
        number, stage = stages[tp["stage"]]
        phase = phases.get(stage.get("phase") or "")
        channel = channels.get(tp.get("channel") or "")
        team = teams.get(tp.get("owner_team") or "")
        evidence = [e.get("url") or "" for e in tp.get("evidence") or [] if isinstance(e, dict)]
        own = moments.get(tp["id"], [])
        rows.append({
            "stage": cell_text(stage.get("name") or ""),
            "name": cell_text(tp.get("title") or ""),
            "channel": cell_text(channel_name(channel, language) if channel else ""),
            "evaluation": tp.get("evaluation") or "",
            "volume_share": _number(tp.get("volume_share"), language),
            "volume_count": _number(tp.get("volume_count"), language),
            "csat": _number(tp.get("csat"), language),
            "nps": _number(tp.get("nps"), language),
            "evidence_url": cell_text(evidence[0] if evidence else ""),
            "stage_number": str(number + 1),
            "phase": cell_text(phase["title"] if phase else ""),
            "lane": cell_text(lanes[tp["lane"]][1].get("title") or ""),
            "volume_period": (tp.get("volume_period") or "") if tp.get("volume_count") is not None else "",
            "owner_team": cell_text(team["name"] if team else ""),
            "description": cell_text(tp.get("description") or ""),
            "moments_of_truth": cell_text("\n".join(m.get("title") or "" for m in own)),
            "moment_weight": str(max(m["importance"] * m["impact"] for m in own)) if own else "",
            "priority_rank": str(rank[tp["id"]]) if tp["id"] in rank else "",
        })
    return rows


def render_csv(doc: dict[str, Any], options: ExportOptions,
               progress: Callable[[int], None] | None = None) -> tuple[bytes, dict[str, Any]]:
    rows = touchpoint_rows(doc, options)
    if progress:
        progress(80)
    delimiter = ";" if options.language == "fr" else ","
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8-sig")
    return data, {"rows": len(rows), "columns": len(COLUMNS), "delimiter": delimiter}
