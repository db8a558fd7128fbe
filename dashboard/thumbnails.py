"""A map's picture for the dashboard: a small SVG drawn from its document.

Stages are columns and lanes rows, as in the editor; each card is a short bar in
its team's colour (so a glance shows who wrote where and how full the map is),
touchpoints are dots in their evaluation's colour, the blueprint's lines are rules
and the emotion curve is drawn across its lane. No text: at this size words are
noise, and the picture then needs no language.

Drawn on the server (cheap, no browser or worker), cached per map and ``seq``: an
edit moves ``seq``, so the next dashboard asks for a new picture and old ones are
never served stale (the URL carries ``seq`` too, so browsers may keep each one).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from django.core.cache import cache

from maps.selectors import map_document

WIDTH = 320
HEIGHT = 150
PAD = 6
HEADER_H = 9
PHASE_H = 5
LINE_H = 5
MAX_BARS = 4
CACHE_SECONDS = 7 * 24 * 3600

NO_TEAM = "#cbd5e1"
EVALUATION_COLORS = {"delight": "#16a34a", "neutral": "#94a3b8", "irritant": "#dc2626", "": "#0ea5e9"}
LINE_STYLES = {
    "line_of_interaction": ("#0369a1", ""),
    "line_of_visibility": ("#64748b", "3 2"),
    "line_of_internal_interaction": ("#6d28d9", "1 1.6"),
}
KIND_COLORS = {
    "current_state": "#4338ca", "future_state": "#0f766e", "day_in_the_life": "#b45309",
    "service_blueprint": "#be185d", "custom": "#475569",
}
PHASE_COLORS = ["#4338ca", "#0f766e", "#b45309", "#be185d", "#0369a1", "#6d28d9"]


def map_thumbnail_svg(*, map_id: Any, seq: int) -> str:
    """The picture of the map as of ``seq``, from the cache or drawn now."""
    key = f"map-thumbnail:v1:{map_id}:{seq}"
    svg = cache.get(key)
    if svg is None:
        svg = render_thumbnail(map_document(map_id=map_id))
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _rect(x: float, y: float, w: float, h: float, fill: str, rx: float = 0, opacity: float | None = None) -> str:
    extra = f' rx="{_num(rx)}"' if rx else ""
    if opacity is not None:
        extra += f' fill-opacity="{_num(opacity)}"'
    return (f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0.5))}" height="{_num(max(h, 0.5))}" '
            f"fill={quoteattr(fill)}{extra}/>")


def _color(value: Any, fallback: str) -> str:
    """A #rrggbb colour from the document, or the fallback (never raw text in the SVG)."""
    if isinstance(value, str) and len(value) == 7 and value[0] == "#":
        try:
            int(value[1:], 16)
            return value
        except ValueError:
            pass
    return fallback


def render_thumbnail(doc: dict[str, Any]) -> str:
    stages = doc["stages"]
    lanes = doc["lanes"]
    kind_color = KIND_COLORS.get(doc["map"].get("kind") or "", "#4338ca")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img">', _rect(0, 0, WIDTH, HEIGHT, "#ffffff")]
    if not stages or not lanes:
        parts.append(_rect(PAD, PAD, WIDTH - 2 * PAD, HEADER_H, kind_color, rx=2, opacity=0.18))
        parts.append("</svg>")
        return "".join(parts)

    column_w = (WIDTH - 2 * PAD) / len(stages)
    stage_x = {stage["id"]: PAD + i * column_w for i, stage in enumerate(stages)}
    top = PAD
    if doc.get("phases"):
        phase_colors = {p["id"]: _color(p.get("color"), PHASE_COLORS[i % len(PHASE_COLORS)])
                        for i, p in enumerate(doc["phases"])}
        for stage in stages:
            if stage.get("phase") in phase_colors:
                parts.append(_rect(stage_x[stage["id"]] + 0.5, top, column_w - 1, PHASE_H - 1,
                                   phase_colors[stage["phase"]], rx=1, opacity=0.55))
        top += PHASE_H
    for stage in stages:
        parts.append(_rect(stage_x[stage["id"]] + 0.5, top, column_w - 1, HEADER_H - 1, kind_color, rx=1.5,
                           opacity=0.2))
    top += HEADER_H + 2

    # Rows: lines are thin rules; the emotion lane gets twice a text lane's height.
    weights = [0.0 if lane["kind"] in LINE_STYLES else (2.0 if lane["kind"] == "emotion" else 1.0) for lane in lanes]
    lines = sum(1 for lane in lanes if lane["kind"] in LINE_STYLES)
    free = HEIGHT - PAD - top - lines * LINE_H
    unit = free / (sum(weights) or 1.0)
    lane_box: dict[str, tuple[float, float]] = {}
    y = top
    for lane, weight in zip(lanes, weights, strict=True):
        h = LINE_H if lane["kind"] in LINE_STYLES else weight * unit
        lane_box[lane["id"]] = (y, h)
        y += h

    # Cell backgrounds in alternate lanes, and the lines.
    for index, lane in enumerate(lanes):
        y, h = lane_box[lane["id"]]
        if lane["kind"] in LINE_STYLES:
            color, dash = LINE_STYLES[lane["kind"]]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            mid = _num(y + h / 2)
            parts.append(f'<line x1="{PAD}" y1="{mid}" x2="{WIDTH - PAD}" y2="{mid}" stroke="{color}" '
                         f'stroke-width="1.2"{dash_attr}/>')
        elif index % 2 == 0:
            parts.append(_rect(PAD, y, WIDTH - 2 * PAD, h, "#f1f5f9", opacity=0.7))
    for stage in stages[1:]:
        x = _num(stage_x[stage["id"]])
        parts.append(f'<line x1="{x}" y1="{_num(top)}" x2="{x}" y2="{HEIGHT - PAD}" stroke="#e2e8f0" '
                     f'stroke-width="0.6"/>')

    # Cards: up to MAX_BARS bars per cell in their team's (or own) colour.
    teams = {team["id"]: _color(team.get("color"), NO_TEAM) for team in doc.get("teams", [])}
    cells: dict[tuple[str, str], list[str]] = {}
    for card in doc.get("cards", []):
        color = teams.get(card.get("team")) or _color(card.get("color"), NO_TEAM)
        cells.setdefault((card["stage"], card["lane"]), []).append(color)
    for (stage_id, lane_id), colors in cells.items():
        if stage_id not in stage_x or lane_id not in lane_box:
            continue
        y, h = lane_box[lane_id]
        bars = colors[:MAX_BARS]
        gap = 1.0
        bar_h = min(4.0, max(1.2, (h - 2 - gap * (len(bars) - 1)) / max(len(bars), 1)))
        x = stage_x[stage_id] + min(2.0, column_w * 0.12)
        w = column_w - 2 * min(2.0, column_w * 0.12)
        for i, color in enumerate(bars):
            parts.append(_rect(x, y + 1 + i * (bar_h + gap), w, bar_h, color, rx=min(1.0, bar_h / 2)))

    # Touchpoints: dots in their evaluation's colour, in a row per cell.
    dots: dict[tuple[str, str], list[str]] = {}
    for touchpoint in doc.get("touchpoints", []):
        dots.setdefault((touchpoint["stage"], touchpoint["lane"]), []).append(
            EVALUATION_COLORS.get(touchpoint.get("evaluation") or "", EVALUATION_COLORS[""]))
    for (stage_id, lane_id), colors in dots.items():
        if stage_id not in stage_x or lane_id not in lane_box:
            continue
        y, h = lane_box[lane_id]
        r = max(1.0, min(2.6, h / 4, column_w / 10))
        for i, color in enumerate(colors[:6]):
            cx = stage_x[stage_id] + r + 1.5 + i * (2 * r + 1)
            if cx + r > stage_x[stage_id] + column_w:
                break
            parts.append(f'<circle cx="{_num(cx)}" cy="{_num(y + h / 2)}" r="{_num(r)}" fill="{color}"/>')

    # The emotion curve: the map's own curve (or its first persona's) across its lane.
    emotion_lane = next((lane for lane in lanes if lane["kind"] == "emotion"), None)
    if emotion_lane is not None:
        y, h = lane_box[emotion_lane["id"]]
        points = [e for e in doc.get("emotions", []) if e.get("score") is not None and e["stage"] in stage_x]
        personas = [e.get("persona") for e in points]
        chosen = None if None in personas else (personas[0] if personas else None)
        curve = sorted((e for e in points if e.get("persona") == chosen), key=lambda e: stage_x[e["stage"]])
        if curve:
            def at(e: dict[str, Any]) -> str:
                cx = stage_x[e["stage"]] + column_w / 2
                cy = y + h / 2 - (float(e["score"]) / 3) * (h / 2 - 2)
                return f"{_num(cx)},{_num(cy)}"

            parts.append(f'<line x1="{PAD}" y1="{_num(y + h / 2)}" x2="{WIDTH - PAD}" y2="{_num(y + h / 2)}" '
                         f'stroke="#cbd5e1" stroke-width="0.6" stroke-dasharray="2 2"/>')
            if len(curve) > 1:
                parts.append(f'<polyline points="{" ".join(at(e) for e in curve)}" fill="none" stroke="#4338ca" '
                             f'stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>')
            for e in curve:
                cx, cy = at(e).split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="1.8" fill="#4338ca"/>')
    parts.append("</svg>")
    return "".join(parts)
