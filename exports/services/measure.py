"""How tall printed text will be, estimated in pure Python, and the blocks a cell holds.

Pagination needs heights before WeasyPrint has laid anything out, so text is
measured here from approximate glyph widths; the estimate errs on the tall side so
text never overflows a page. A card, touchpoint or moment becomes an ``Item``
whose lines can be cut into ``Piece``s that continue on the next page.

All lengths are millimetres.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

PT_MM = 25.4 / 72

# Colour bar + left/right padding + border of a card.
CARD_CHROME_W = 4.6

# Type scale (points) and line height, shared with the print CSS.
CARD_PT = 7.5
META_PT = 6.5
TITLE_PT = 7.5
LANE_TITLE_PT = 8.0
PROMPT_PT = 6.5
STAGE_PT = 8.5
LINE = 1.3

# Approximate DejaVu Sans advance widths, in em. Rounded up: an estimate that is
# too tall only leaves white space, one that is too short would overflow a page.
_NARROW = set("ijl.,;:'!|()[]{} \u00a0\u202f")
_SEMI = set("frt-\"/")
_WIDE = set("mwMW@%")
_DIGITS = set("0123456789")

_CJK_RE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef]")


def char_em(ch: str) -> float:
    if ch in _NARROW:
        return 0.34
    if ch in _SEMI:
        return 0.45
    if ch in _WIDE:
        return 1.0
    if ch in _DIGITS:
        return 0.64
    if ch.isupper():
        return 0.76
    if ch.isascii():
        return 0.63
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.05
    return 0.72


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def wrap(text: str, width_mm: float, font_pt: float, *, bold: bool = False) -> list[int]:
    """Offsets in ``text`` where each printed line starts (at least one line).

    Greedy word wrap with hard breaks on newlines and words broken anywhere when
    longer than a line (the CSS says ``overflow-wrap: anywhere``).
    """
    em_mm = font_pt * PT_MM * (1.08 if bold else 1.0)
    max_em = max(width_mm * 0.94 / em_mm, 4.0)
    starts: list[int] = []
    offset = 0
    for para in text.split("\n"):
        starts.append(offset)
        line = 0.0
        for match in re.finditer(r"\S+|\s+", para):
            token = match.group()
            if token[0].isspace():
                line += sum(char_em(c) for c in token)
                continue
            width = sum(char_em(c) for c in token)
            if line + width <= max_em:
                line += width
                continue
            if line > 0 and width <= max_em:
                starts.append(offset + match.start())
                line = width
                continue
            # A word longer than what is left: break it anywhere.
            for i, ch in enumerate(token):
                w = char_em(ch)
                if line + w > max_em and line > 0:
                    starts.append(offset + match.start() + i)
                    line = 0.0
                line += w
        offset += len(para) + 1
    return starts


def text_height(text: str, width_mm: float, font_pt: float, *, bold: bool = False) -> float:
    return len(wrap(text, width_mm, font_pt, bold=bold)) * line_mm(font_pt)


def line_mm(font_pt: float) -> float:
    return font_pt * PT_MM * LINE


# ----------------------------------------------------------------------------- items


@dataclass
class Item:
    """One card, touchpoint or moment in a cell, before it is cut into pieces."""

    kind: str
    data: dict[str, Any]
    head_h: float  # title and meta lines: printed on the first piece only
    body: str  # the splittable text
    starts: list[int]  # line starts in body
    line_h: float
    tail_h: float = 0.0  # links under the text: printed on the last piece only

    def height(self, first_line: int, lines: int) -> float:
        h = 2 * 1.3 + 0.5  # padding + border
        h += self.head_h if first_line == 0 else line_mm(META_PT)  # "(continued)" label
        if self.body:
            h += lines * self.line_h
        elif first_line == 0 and self.head_h == 0:
            h += self.line_h  # an empty card keeps one line of height
        if first_line + lines >= self.lines:
            h += self.tail_h
        return h

    @property
    def lines(self) -> int:
        return len(self.starts) if self.body else 0

    def piece_text(self, a: int, b: int) -> str:
        if not self.body:
            return ""
        start = self.starts[a]
        end = self.starts[b] if b < len(self.starts) else len(self.body)
        return self.body[start:end].rstrip("\n")


@dataclass
class Piece:
    item: Item
    text: str
    first: bool
    last: bool
    height: float = 0.0  # as estimated when the page was packed (mm)

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def data(self) -> dict[str, Any]:
        return self.item.data


def card_item(card: dict[str, Any], inner_w: float) -> Item:
    """A card; ``p_links`` are the lines printed under its text (the pain point a
    change addresses, the changes addressing a pain point)."""
    text = card.get("text") or ""
    head = line_mm(META_PT) + 0.6 if card.get("priority") else 0.0
    tail = sum(text_height(link, inner_w - CARD_CHROME_W, META_PT) + 0.6 for link in card.get("p_links") or ())
    return Item("card", card, head, text, wrap(text, inner_w - CARD_CHROME_W, CARD_PT), line_mm(CARD_PT), tail)


def touchpoint_item(tp: dict[str, Any], inner_w: float) -> Item:
    title_h = text_height(tp.get("title") or "", inner_w - CARD_CHROME_W - 4.8, TITLE_PT, bold=True)
    meta_h = line_mm(META_PT) * (2 if len(tp.get("p_meta") or "") > 40 else 1) + 0.4
    if tp.get("metrics"):
        # Metric readings with their periods make the line longer: measure it.
        meta_h = max(meta_h, text_height(tp.get("p_meta") or "", inner_w - CARD_CHROME_W - 3.0, META_PT) + 0.4)
    body = tp.get("description") or ""
    return Item("touchpoint", tp, max(title_h, 4.0) + meta_h, body, wrap(body, inner_w - CARD_CHROME_W, META_PT),
                line_mm(META_PT))


def moment_item(moment: dict[str, Any], inner_w: float) -> Item:
    title_h = text_height(moment.get("title") or "", inner_w - CARD_CHROME_W - 4.8, TITLE_PT, bold=True)
    meta_h = line_mm(META_PT) * 2 + 0.4
    body = moment.get("rationale") or ""
    return Item("moment", moment, max(title_h, 4.0) + meta_h, body, wrap(body, inner_w - CARD_CHROME_W, META_PT),
                line_mm(META_PT))
