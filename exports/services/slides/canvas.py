"""Drawing on a slide in the print layout's millimetres: boxes, lines, curves and text
boxes whose text stays text (editable in PowerPoint, Keynote or Impress).

Positions and type sizes come from the print layout, which is laid out at
1/``zoom`` of the slide; everything is scaled by ``zoom`` here, as WeasyPrint
scales a printed page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Pt

from exports.services.marks import safe_color

EMU_PER_MM = 36000
INK = "#1e293b"
MUTED = "#64748b"
FAINT = "#94a3b8"
RULE = "#e2e8f0"
LANGUAGES = {"en": MSO_LANGUAGE_ID.ENGLISH_US, "fr": MSO_LANGUAGE_ID.FRENCH}

# XML 1.0 cannot hold these (a document with one does not open): dropped, as are
# lone surrogates. Tabs and line breaks stay.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    """Text from the map as a slide may hold it. python-pptx escapes markup itself
    (``<``, ``&``): text stays text, never markup."""
    return _NOT_XML.sub("", "" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n")


def rgb(color: Any, default: str = INK) -> RGBColor:
    return RGBColor.from_string(safe_color(color, default).lstrip("#")[:6].ljust(6, "0"))


@dataclass(frozen=True)
class Run:
    """A run of text: ``own`` marks the map's own words (tagged with the map's
    language, so spelling checks and screen readers read them right)."""

    text: str
    size: float
    bold: bool = False
    color: str = INK
    italic: bool = False
    own: bool = False


Paragraph = list[Run]


class Sheet:
    """One slide, drawn in layout millimetres."""

    def __init__(self, slide: Any, *, zoom: float, labels_language: str, map_language: str) -> None:
        self.slide = slide
        self.shapes = slide.shapes
        self.zoom = zoom
        self.labels_language = LANGUAGES.get(labels_language, MSO_LANGUAGE_ID.ENGLISH_US)
        self.map_language = LANGUAGES.get(map_language, self.labels_language)

    def emu(self, mm: float) -> Emu:
        return Emu(int(round(mm * self.zoom * EMU_PER_MM)))

    def box(self, x: float, y: float, w: float, h: float, *, fill: str | None = None, line: str | None = None,
            line_pt: float = 0.5, rounded: bool = False, oval: bool = False) -> Any:
        kind = MSO_SHAPE.OVAL if oval else MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE
        shape = self.shapes.add_shape(kind, self.emu(x), self.emu(y), self.emu(w), self.emu(h))
        if rounded:
            shape.adjustments[0] = min(0.12, 1.2 / max(min(w, h), 0.1))  # about 1.2 mm corners
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(fill)
        else:
            shape.fill.background()
        if line:
            shape.line.color.rgb = rgb(line)
            shape.line.width = Pt(line_pt * self.zoom)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def line(self, x1: float, y1: float, x2: float, y2: float, *, color: str, pt: float,
             dash: Any = None) -> Any:
        connector = self.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, self.emu(x1), self.emu(y1), self.emu(x2),
                                              self.emu(y2))
        connector.line.color.rgb = rgb(color)
        connector.line.width = Pt(pt * self.zoom)
        if dash is not None:
            connector.line.dash_style = dash
        return connector

    def dashed(self, x1: float, y1: float, x2: float, y2: float, *, color: str, pt: float) -> Any:
        return self.line(x1, y1, x2, y2, color=color, pt=pt, dash=MSO_LINE_DASH_STYLE.DASH)

    def polyline(self, points: list[tuple[float, float]], *, color: str, pt: float) -> Any:
        """An open line through ``points`` (mm), drawn as one editable freeform shape."""
        scaled = [(self.emu(x), self.emu(y)) for x, y in points]
        builder = self.shapes.build_freeform(scaled[0][0], scaled[0][1], scale=1.0)
        builder.add_line_segments(scaled[1:], close=False)
        shape = builder.convert_to_shape()
        shape.fill.background()
        shape.line.color.rgb = rgb(color)
        shape.line.width = Pt(pt * self.zoom)
        shape.shadow.inherit = False
        return shape

    def text(self, x: float, y: float, w: float, h: float, paragraphs: list[Paragraph], *,
             shape: Any = None, inset: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0),
             anchor: Any = MSO_ANCHOR.TOP, align: Any = PP_ALIGN.LEFT, spacing: float = 0.0) -> Any:
        """A text box (or the text of ``shape``); ``inset`` is left, top, right, bottom in mm."""
        if shape is None:
            shape = self.shapes.add_textbox(self.emu(x), self.emu(y), self.emu(w), self.emu(h))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom = (self.emu(v) for v in inset)
        first = True
        for runs in paragraphs:
            paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
            paragraph.alignment = align
            if spacing and not first:
                paragraph.space_before = Pt(spacing * self.zoom)
            first = False
            for part in runs:
                self.write(paragraph, part)
        return shape

    def write(self, paragraph: Any, part: Run) -> None:
        # A line break inside a card's text is a line break on the slide, not a
        # new paragraph (it keeps the card one paragraph, as it was written).
        for index, line in enumerate(clean(part.text).split("\n")):
            if index:
                paragraph.add_line_break()
            if not line:
                continue
            run = paragraph.add_run()
            run.text = line
            font = run.font
            font.size = Pt(round(part.size * self.zoom * 2) / 2)
            font.bold = part.bold
            font.italic = part.italic
            font.color.rgb = rgb(part.color)
            font.language_id = self.map_language if part.own else self.labels_language


CENTER = PP_ALIGN.CENTER
LEFT = PP_ALIGN.LEFT
RIGHT = PP_ALIGN.RIGHT
MIDDLE = MSO_ANCHOR.MIDDLE
