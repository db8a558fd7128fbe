"""What an export request may ask for: the options, checked, as the worker reads them.

The lowest layer of the export pipeline (request -> snapshot -> sections -> render ->
merge -> file): everything else reads ``ExportOptions``, nothing here reads the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from exports.models import ExportFormat
from maps.errors import OpError

# Landscape sheets, width x height in millimetres; "fit" is the whole map on one page.
PAPERS: dict[str, tuple[float, float]] = {
    "A4": (297.0, 210.0),
    "A3": (420.0, 297.0),
    "A2": (594.0, 420.0),
    "A1": (841.0, 594.0),
}
PAPER_CHOICES = (*PAPERS, "fit")
LANGUAGES = ("en", "fr")


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


def clean_options(raw: dict[str, Any], *, default_language: str, lane_ids: Iterable[str]) -> ExportOptions:
    """Options from a request, checked; unknown lanes are ignored."""
    fmt = raw.get("format", "pdf")
    if fmt not in ExportFormat.values:
        raise OpError("invalid", f"format must be one of {', '.join(ExportFormat.values)}", field="format")
    paper = raw.get("paper") or "A3"
    if paper not in PAPER_CHOICES:
        raise OpError("invalid", f"paper must be one of {', '.join(PAPER_CHOICES)}", field="paper")
    language = raw.get("language") or default_language
    if language not in LANGUAGES:
        raise OpError("invalid", "language must be en or fr", field="language")
    dpi = raw.get("dpi", 150)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 72 <= dpi <= 300:
        raise OpError("invalid", "dpi must be an integer between 72 and 300", field="dpi")
    lanes = raw.get("lanes")
    if lanes is not None:
        known = set(lane_ids)
        lanes = tuple(sorted(str(lane) for lane in lanes if str(lane) in known))
    personas = bool(raw.get("personas", True))
    # Slides have one size and a table has no pages: what does not apply takes its
    # default, so that asking with another paper reuses the same file.
    if fmt in (ExportFormat.PPTX, ExportFormat.CSV):
        paper, dpi = "A3", 150
    if fmt == ExportFormat.CSV:
        personas = False
    return ExportOptions(format=fmt, paper=paper, language=language, lanes=lanes, personas=personas, dpi=dpi)
