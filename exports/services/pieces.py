"""The pieces every part of an export shares: what a printed page holds (``Section``),
the laid-out document (``Prepared``), and the texts printed around the map's own
words (volumes, percentages, channel names, excerpts) in the export's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from exports.options import ExportOptions
from exports.services import layout as L


@dataclass
class Section:
    """What fills one printed page."""

    kind: str  # "cover", "grid", "poster", "priorities", "personas"
    cost: float  # relative render time, to balance parts
    page: L.GridPage | None = None  # grid and poster
    entries: list[dict[str, Any]] = field(default_factory=list)  # priorities
    personas: list[dict[str, Any]] = field(default_factory=list)
    first: bool = True  # poster slices: the first holds the strip and headers,
    last: bool = True  # the last the bottom margin
    height: float = 0.0  # poster slices: the page height (mm)
    continued: bool = False  # priorities and personas after their first page
    number: int = 0  # page number, 1-based, set once all sections are known


@dataclass
class Prepared:
    doc: dict[str, Any]
    options: ExportOptions
    geo: L.Geometry
    pages: list[L.GridPage]
    sections: list[Section]
    context: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- numbers


def number_text(value: float, language: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if language == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent_text(value: float, language: str) -> str:
    return f"{number_text(value, language)}\u00a0%" if language == "fr" else f"{number_text(value, language)}%"


def volume_text(tp: dict[str, Any], language: str) -> str:
    bits = []
    if tp.get("volume_share") is not None:
        bits.append(_("%(share)s of customers") % {"share": percent_text(tp["volume_share"], language)}
                    + _period(tp, "volume_share"))
    if tp.get("volume_count") is not None:
        periods = {"day": _("a day"), "week": _("a week"), "month": _("a month"), "year": _("a year")}
        count = number_text(tp["volume_count"], language)
        bits.append((f"{count} {periods[tp['volume_period']]}" if tp.get("volume_period") in periods else count)
                    + _period(tp, "volume_count"))
    return " \u00b7 ".join(bits)


def channel_name(channel: dict[str, Any], language: str) -> str:
    return channel["name_fr"] if language == "fr" and channel.get("name_fr") else channel["name"]


def touchpoint_meta(tp: dict[str, Any], channel: dict[str, Any] | None, language: str,
                    labels: dict[str, str] | None = None) -> str:
    """The touchpoint's line of facts; ``labels``: the workspace's own metrics'
    names by key (a metric whose key was never declared prints its key)."""
    bits = []
    if channel:
        bits.append(channel_name(channel, language))
    evaluation = {"delight": _("Delight"), "neutral": _("Basic satisfaction"), "irritant": _("Irritant")}
    if tp.get("evaluation") in evaluation:
        bits.append(evaluation[tp["evaluation"]])
    volume = volume_text(tp, language)
    if volume:
        bits.append(volume)
    if tp.get("csat") is not None:
        bits.append(f"CSAT {percent_text(tp['csat'], language)}{_period(tp, 'csat')}")
    if tp.get("nps") is not None:
        bits.append(f"NPS {tp['nps']:+d}{_period(tp, 'nps')}")
    if tp.get("ces") is not None:
        bits.append(f"CES {number_text(tp['ces'], language)}{_period(tp, 'ces')}")
    # A workspace's own metrics: their latest reading, with its period.
    for key, reading in sorted((tp.get("metrics") or {}).items()):
        if key not in BUILTIN_FIELDS:
            name = (labels or {}).get(key) or key
            bits.append(f"{name} {number_text(reading['value'], language)} ({reading['period']})")
    return " \u00b7 ".join(bits)


# The metrics that have a touchpoint field of their own (``metrics.catalog``).
BUILTIN_FIELDS = ("csat", "nps", "ces", "volume_share", "volume_count")


def _period(tp: dict[str, Any], key: str) -> str:
    """`` (2026-04)``: the period of the field's value when it is the metric
    series' latest reading (a value typed in by hand has none)."""
    reading = (tp.get("metrics") or {}).get(key)
    return f" ({reading['period']})" if reading and reading.get("value") == tp.get(key) else ""


def excerpt(text: str, length: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1].rstrip() + "\u2026"
