"""What the print layout draws that is not text: icons, evaluation faces, the
moment-of-truth star, the emotion curve; and the filter that keeps text printable.

All markup here is built from numbers and static files, never from user text.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings

from exports.services import layout as L
from exports.services import measure as M

logger = logging.getLogger(__name__)

# One vocabulary with the editor (static/js/lanes/marks.js): the evaluation faces are
# the same SVG files, the curves the same palette.
EVALUATIONS = ("delight", "neutral", "irritant")
EVALUATION_COLORS = {"delight": "#15803d", "neutral": "#64748b", "irritant": "#dc2626"}  # the faces' fills
# The shared curve is a dark neutral, drawn thicker; personas get hues far from it
# and from each other.
SHARED_CURVE_COLOR = "#1e293b"
NEUTRAL_CURVE = SHARED_CURVE_COLOR
PERSONA_PALETTE = ("#7c3aed", "#ea580c", "#0891b2", "#db2777", "#65a30d", "#2563eb", "#854d0e")
# Each lane kind's accent (lane headers, print and slides).
LANE_COLORS = {
    "text": "#94a3b8",
    "touchpoints": "#0ea5e9",
    "emotion": "#8b5cf6",
    "pain_points": "#ef4444",
    "opportunities": "#10b981",
    "moments_of_truth": "#f59e0b",
    "frontstage": "#6366f1",
    "line_of_visibility": "#94a3b8",
    "line_of_internal_interaction": "#6d28d9",
    "backstage": "#64748b",
    "support": "#475569",
    "metrics": "#0891b2",
}
INTERACTION_COLOR = "#0369a1"

_MIN_CURVE_DISTANCE = 140.0
_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")

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
        if code < 0x2000 or code in cmap or M.has_cjk(ch):
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


def evaluation_file(evaluation: str) -> Path:
    """The face of an evaluation, the file the editor shows too (static/img/evaluations)."""
    return Path(settings.BASE_DIR) / "static" / "img" / "evaluations" / f"{evaluation}.svg"


@functools.lru_cache(maxsize=4)
def evaluation_svg(evaluation: str) -> str:
    """The evaluation's face (colour, and a mouth shape that reads without colour),
    sized by CSS; "" for no evaluation. Trusted markup from the static files."""
    if evaluation not in EVALUATIONS:
        return ""
    svg = evaluation_file(evaluation).read_text(encoding="utf-8").strip()
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg ", '<svg class="eval" ', 1)


def _rgb(color: str) -> tuple[int, int, int] | None:
    value = color.lstrip("#") if isinstance(color, str) else ""
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", value):
        return None
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def color_distance(a: str, b: str) -> float:
    """"Redmean" distance: a cheap approximation of how different two colours look."""
    (r1, g1, b1), (r2, g2, b2) = _rgb(a) or (0, 0, 0), _rgb(b) or (0, 0, 0)
    rm = (r1 + r2) / 2
    dr, dg, db = r1 - r2, g1 - g2, b1 - b2
    return math.sqrt((2 + rm / 256) * dr * dr + 4 * dg * dg + (2 + (255 - rm) / 256) * db * db)


def curve_colors(personas: list[dict[str, Any]]) -> dict[str, str]:
    """Each linked persona's curve colour, in link order: its own colour when it stands
    apart from the shared curve and the personas before it, else the first palette hue
    that does (as the editor draws them)."""
    taken = [SHARED_CURVE_COLOR]
    out: dict[str, str] = {}

    def distinct(color: str) -> bool:
        return _rgb(color) is not None and all(color_distance(color, other) >= _MIN_CURVE_DISTANCE for other in taken)

    for persona in personas:
        own = str(persona.get("color") or "").lower()
        color = own if distinct(own) else next(
            (c for c in PERSONA_PALETTE if distinct(c)), PERSONA_PALETTE[len(out) % len(PERSONA_PALETTE)])
        taken.append(color)
        out[str(persona["id"])] = color
    return out


STAR_SVG = (
    '<svg class="star" viewBox="0 0 24 24"><path d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 '
    '1.3-6.6-4.9-4.6 6.6-.8z" fill="#f59e0b" stroke="#b45309" stroke-width="1" stroke-linejoin="round"/></svg>'
)


# ----------------------------------------------------------------------------- emotion curve


def _tangents(points: list[tuple[float, float]]) -> list[float]:
    """Slopes for a monotone cubic through the points (Fritsch-Carlson): the curve
    bends smoothly but never overshoots a score, so it stays between -3 and +3 and
    its peaks are where the scores are."""
    count = len(points)
    secants = [(points[i + 1][1] - points[i][1]) / (points[i + 1][0] - points[i][0]) for i in range(count - 1)]
    slopes = [secants[0], *((a + b) / 2 if a * b > 0 else 0.0 for a, b in zip(secants, secants[1:], strict=False)),
              secants[-1]]
    for i, secant in enumerate(secants):
        if secant == 0:
            slopes[i] = slopes[i + 1] = 0.0
            continue
        a, b = slopes[i] / secant, slopes[i + 1] / secant
        if a * a + b * b > 9:
            t = 3 / math.sqrt(a * a + b * b)
            slopes[i], slopes[i + 1] = t * a * secant, t * b * secant
    return slopes


def _smooth_path(points: list[tuple[float, float]], slopes: list[float]) -> str:
    """Cubic Bezier segments through the points with the given slopes."""
    d = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for i in range(len(points) - 1):
        (x1, y1), (x2, y2) = points[i], points[i + 1]
        h = (x2 - x1) / 3
        d.append(f"C{x1 + h:.1f},{y1 + slopes[i] * h:.1f} {x2 - h:.1f},{y2 - slopes[i + 1] * h:.1f} {x2:.1f},{y2:.1f}")
    return " ".join(d)


def smooth_points(points: list[tuple[float, float]], samples: int = 12) -> list[tuple[float, float]]:
    """Points along the curve ``emotion_svg`` draws through ``points`` (the same
    monotone cubic), for drawing it where there is no Bezier path (slides)."""
    if len(points) < 2:
        return list(points)
    slopes = _tangents(points)
    out = [points[0]]
    for i in range(len(points) - 1):
        (x1, y1), (x2, y2) = points[i], points[i + 1]
        h = (x2 - x1) / 3
        c1, c2 = (x1 + h, y1 + slopes[i] * h), (x2 - h, y2 - slopes[i + 1] * h)
        for k in range(1, samples + 1):
            t = k / samples
            u = 1 - t
            a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
            out.append((a * x1 + b * c1[0] + c * c2[0] + d * x2, a * y1 + b * c1[1] + c * c2[1] + d * y2))
    return out


def safe_color(value: Any, default: str = "#64748b") -> str:
    """A colour for markup we build: only #hex passes."""
    return value if isinstance(value, str) and _HEX.match(value) else default


def emotion_svg(curves: list[dict[str, Any]], first: int, count: int, col_w: float) -> str:
    """One SVG for a band of stages; the curves run on to the neighbouring stages
    (clipped) with the slopes of the whole curve, so a curve reads as one line across
    the pages. Numbers only: no user text goes into this markup. Scores are written
    next to the points when the columns are wide enough for them."""
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
    font = 'font-family="DejaVu Sans"'
    for score, label in ((3, "+3"), (0, "0"), (-3, "\u22123")):
        parts.append(f'<text x="{label_w * 0.1:.0f}" y="{y(score) - 6:.0f}" font-size="22" fill="#94a3b8" {font}>'
                     f'{label}</text>')
    labels = col_w >= 18.0
    radius = 11 if col_w >= 18.0 else 8
    for curve in sorted(curves, key=lambda c: not c.get("shared")):  # the shared curve underneath
        color = safe_color(curve.get("color"))
        stroke = 9 if curve.get("shared") else 6
        scores: dict[int, int] = curve["scores"]
        every = sorted(scores)
        if len(every) >= 2:
            points = [(x(k), y(scores[k])) for k in every]
            slopes = _tangents(points)
            keep = [i for i, k in enumerate(every) if first - 1 <= k <= first + count]
            if len(keep) >= 2:
                segment = slice(keep[0], keep[-1] + 1)
                parts.append(f'<path d="{_smooth_path(points[segment], slopes[segment])}" fill="none" '
                             f'stroke="{color}" stroke-width="{stroke}" stroke-linecap="round" stroke-linejoin="round" '
                             f'opacity="0.9"/>')
        for k in every:
            if not first <= k < first + count:
                continue
            cx, cy = x(k), y(scores[k])
            parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{radius}" fill="{color}" stroke="#fff" '
                         f'stroke-width="4"/>')
            if labels:
                value = scores[k]
                text = f"+{value}" if value > 0 else ("\u2212" + str(-value) if value < 0 else "0")
                parts.append(f'<text x="{cx + 14:.0f}" y="{cy - 16:.0f}" font-size="24" font-weight="bold" '
                             f'fill="{color}" {font}>{text}</text>')
    parts.append("</svg>")
    return "".join(parts)

