"""Pagination of a map document into printed pages, in pure Python.

WeasyPrint could paginate one tall grid itself, but measured twice as slow and
without repeated headers; so we cut the map here: stages into bands (one band per
page width), lanes packed into fixed-height pages from the text-height estimates of
``measure``, and each page becomes a small explicit CSS grid. Long cells and cards
continue on the next page.

All lengths are millimetres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from exports.options import PAPERS
from exports.services.measure import (
    LANE_TITLE_PT,
    META_PT,
    PROMPT_PT,
    STAGE_PT,
    Item,
    Piece,
    line_mm,
    text_height,
)

# Not a paper anyone picks: the 16:9 slide (13.33 x 7.5 in) the PPTX export lays
# its bands out on, in millimetres.
SLIDE: tuple[float, float] = (338.667, 190.5)
PAGE_SIZES: dict[str, tuple[float, float]] = {**PAPERS, "slide": SLIDE}

# The most that everything may grow on each paper compared with A4 (A3 is 1.41
# times A4 across); ``sections.prepare`` takes it when it costs no extra page.
PAPER_ZOOM: dict[str, float] = {"A4": 1.0, "A3": 1.15, "A2": 1.4, "A1": 1.7, "slide": 1.25}

MARGIN = 10.0
MARGIN_BOTTOM = 13.0  # room for the page number in the margin box
LANE_HEAD_W = 44.0
STAGE_W = 58.0  # the narrowest stage column we accept
PAGE_HEAD_H = 10.0
PHASE_ROW_H = 7.0
CELL_PAD = 1.6  # top and bottom padding of a grid cell
GAP = 1.4  # between blocks in a cell
MIN_ROW_H = 12.0
MIN_SPLIT_LINES = 3
# A lane that does not fit in what is left of a page moves whole to the next page
# only when less than this share of the page is left; otherwise it continues there.
KEEP_WHOLE_BELOW = 0.4
# A lane may grow up to this many times its content's height to fill its page.
MAX_STRETCH = 1.8
EMOTION_H = 34.0
VISIBILITY_H = 7.0
INTERACTION_H = 6.0
CELL_PAD_X = 1.8


# ----------------------------------------------------------------------------- rows and pages


@dataclass
class Row:
    """One lane across a band of stages, as printed on one page."""

    lane: dict[str, Any]
    kind: str  # "cells", "emotion", "visibility", "interaction"
    cells: list[list[Piece]] = field(default_factory=list)
    continued: bool = False  # this row continues the lane from the previous page
    continues: bool = False  # the lane goes on on the next page
    height: float = 0.0
    show_prompt: bool = True


@dataclass
class Band:
    index: int
    stages: list[dict[str, Any]]
    first: int  # 1-based number of the first stage
    last: int
    phases: list[dict[str, Any]]  # [{"title", "color", "start", "span"}] over the band's columns


@dataclass
class GridPage:
    band: Band
    rows: list[Row]
    width: float
    height: float
    col_w: float
    stage_h: float


@dataclass
class Geometry:
    """A page as laid out. Larger papers are laid out smaller than they are and
    printed with ``zoom`` (width * zoom is the paper's width): type and marks grow
    with the paper instead of shrinking to specks on an A1 poster."""

    paper: str
    width: float
    height: float
    per_band: int
    col_w: float
    zoom: float = 1.0


def geometry(paper: str, stage_count: int, *, zoom: float = 1.0) -> Geometry:
    """The page of ``paper`` laid out at 1/``zoom`` of its size, printed at ``zoom``."""
    if paper == "fit":
        n = max(stage_count, 1)
        return Geometry("fit", 2 * MARGIN + LANE_HEAD_W + n * STAGE_W, 0.0, n, STAGE_W)
    width, height = (side / zoom for side in PAGE_SIZES[paper])
    usable = width - 2 * MARGIN - LANE_HEAD_W
    most = max(int(usable // STAGE_W), 1)
    # As few bands as the paper allows, with the stages shared evenly between them
    # (7 stages where 6 fit: 4 + 3, not 6 + 1), each band as wide as the page.
    count = max(stage_count, 1)
    per_band = math.ceil(count / math.ceil(count / most))
    return Geometry(paper, width, height, per_band, usable / per_band, zoom)


def band_sizes(stage_count: int, per_band: int) -> list[int]:
    """How many stages each band holds: at most ``per_band``, the fewest bands,
    sizes differing by one at most (the larger first)."""
    count = max(stage_count, 1)
    bands = math.ceil(count / max(per_band, 1))
    base, extra = divmod(count, bands)
    return [base + 1 if index < extra else base for index in range(bands)]


def lane_header_height(lane: dict[str, Any], *, continued: bool, show_prompt: bool) -> float:
    w = LANE_HEAD_W - 5.0
    h = 2 * CELL_PAD + text_height(lane.get("title") or "", w, LANE_TITLE_PT, bold=True)
    if continued:
        h += line_mm(META_PT)
    elif show_prompt and lane.get("prompt"):
        h += 0.8 + text_height(lane["prompt"], w, PROMPT_PT)
    return h


def stage_header_height(stages: list[dict[str, Any]], col_w: float) -> float:
    tallest = max((text_height(s.get("name") or "", col_w - 9.0, STAGE_PT, bold=True) for s in stages), default=4.0)
    return 2 * CELL_PAD + line_mm(META_PT) + tallest + 1.0


def pack_cells(queues: list[list[list[Any]]], avail: float) -> tuple[list[list[Piece]], float]:
    """Take from each cell's queue what fits in ``avail``; the queues keep the rest.

    A queue entry is [item, next_line]. Returns the pieces per cell and the
    tallest cell's height.
    """
    out: list[list[Piece]] = []
    tallest = 0.0
    for queue in queues:
        pieces: list[Piece] = []
        h = 2 * CELL_PAD
        while queue:
            item, start = queue[0]
            gap = GAP if pieces else 0.0
            remaining = item.lines - start
            full = item.height(start, remaining)
            if h + gap + full <= avail:
                pieces.append(Piece(item, item.piece_text(start, item.lines), start == 0, True, full))
                h += gap + full
                queue.pop(0)
                continue
            chrome = item.height(start, 0)
            fit = int((avail - h - gap - chrome) // item.line_h) if item.line_h else 0
            fit = min(fit, remaining - 1)
            if fit >= MIN_SPLIT_LINES or (not pieces and fit >= 1):
                pieces.append(Piece(item, item.piece_text(start, start + fit), start == 0, False,
                                    item.height(start, fit)))
                h += gap + item.height(start, fit)
                queue[0] = [item, start + fit]
            elif not pieces and h + gap + chrome > avail:
                # Even the head does not fit an empty page (absurd sizes): print it
                # whole rather than loop forever.
                pieces.append(Piece(item, item.piece_text(start, item.lines), start == 0, True, full))
                h += gap + full
                queue.pop(0)
            break
        out.append(pieces)
        tallest = max(tallest, h)
    return out, tallest


def paginate(
    bands: list[Band],
    lane_rows: list[tuple[dict[str, Any], str, list[list[Item]]]],
    geo: Geometry,
    *,
    body_top: float,
) -> list[GridPage]:
    """Pages for every band; ``lane_rows`` is (lane, kind, items per stage of the whole map)."""
    pages: list[GridPage] = []
    for band in bands:
        # A band with fewer stages than the widest spreads them over the page's width
        # (cards were measured at the narrower width: the estimate only errs tall).
        col_w = geo.col_w if geo.paper == "fit" else geo.col_w * geo.per_band / max(len(band.stages), 1)
        stage_h = stage_header_height(band.stages, col_w)
        head_h = stage_h + (PHASE_ROW_H if any(p["title"] for p in band.phases) else 0.0)
        if geo.paper == "fit":
            body_h = math.inf
        else:
            body_h = geo.height - MARGIN - MARGIN_BOTTOM - body_top - head_h - 1.0
        rows: list[Row] = []
        used = 0.0
        page_rows: list[list[Row]] = []

        def new_page() -> None:
            nonlocal rows, used
            page_rows.append(rows)  # noqa: B023 - defined per band, used at once
            rows, used = [], 0.0

        lo = band.first - 1
        for lane, kind, all_cells in lane_rows:
            if kind == "interaction":
                # A rule, kept with the lane under it rather than alone at a page's foot.
                if used + INTERACTION_H + MIN_ROW_H > body_h and rows:
                    new_page()
                rows.append(Row(lane, kind, height=INTERACTION_H, show_prompt=False))
                used += INTERACTION_H
                continue
            if kind in ("emotion", "visibility"):
                fixed = EMOTION_H if kind == "emotion" else VISIBILITY_H
                h = max(fixed, lane_header_height(lane, continued=False, show_prompt=kind == "emotion"))
                # The line of visibility separates two lanes: keep it with the one under it.
                after = MIN_ROW_H if kind == "visibility" else 0.0
                if used + h + after > body_h and rows:
                    new_page()
                rows.append(Row(lane, kind, height=h, show_prompt=kind == "emotion"))
                used += h
                if kind == "emotion" and not any(all_cells[lo:lo + len(band.stages)]):
                    continue
                if kind == "visibility" and not any(all_cells[lo:lo + len(band.stages)]):
                    continue
            queues = [[[item, 0] for item in cell] for cell in all_cells[lo:lo + len(band.stages)]]
            first = True
            while True:
                avail = body_h - used
                header_h = lane_header_height(lane, continued=not first, show_prompt=kind == "cells")
                need = max(header_h, MIN_ROW_H)
                if avail < need and rows:
                    new_page()
                    continue
                if rows and first and avail < body_h * KEEP_WHOLE_BELOW:
                    # Keep a lane whole when it fits on a fresh page and little room is
                    # left here: a lane cut in two reads worse on the wall than a strip
                    # of white space, but not worse than half a page of it.
                    whole = max(max((sum(i.height(0, i.lines) + GAP for i, _s in q) for q in queues), default=0.0)
                                + 2 * CELL_PAD, need)
                    if avail < whole <= body_h:
                        new_page()
                        continue
                cells, tallest = pack_cells(queues, avail)
                placed = any(cells)
                if not placed and any(queues) and rows:
                    new_page()
                    continue
                done = not any(queues)
                row_h = max(tallest, need)
                rows.append(Row(lane, "cells", cells, continued=not first, continues=not done, height=row_h,
                                show_prompt=kind == "cells"))
                used += row_h
                if done:
                    break
                first = False
                new_page()
        if rows or not page_rows:
            page_rows.append(rows)
        for prows in page_rows:
            height = geo.height
            if geo.paper == "fit":
                height = MARGIN + MARGIN_BOTTOM + body_top + head_h + sum(r.height for r in prows) + 2.0
            else:
                fill_height(prows, body_h)
            pages.append(GridPage(band, prows, geo.width, height, col_w, stage_h))
    return pages


def fill_height(rows: list[Row], body_h: float) -> None:
    """Give a page's lanes the height left under them, so the grid reaches the foot
    of the page instead of stopping halfway; the lanes together grow at most
    MAX_STRETCH times their content (a page holding a lane or two stays a short
    grid, not two giant boxes). Curves and lines keep their height."""
    stretchable = [row for row in rows if row.kind == "cells"]
    content = sum(row.height for row in stretchable)
    left = body_h - sum(row.height for row in rows)
    if not stretchable or content <= 0 or left <= 0:
        return
    # The same extra height for every lane: an even grid reads as designed, where
    # growing each lane in proportion would balloon the fullest one.
    extra = min(left, content * (MAX_STRETCH - 1)) / len(stretchable)
    for row in stretchable:
        row.height += extra


def make_bands(stages: list[dict[str, Any]], phases: dict[str, dict[str, Any]], per_band: int) -> list[Band]:
    bands: list[Band] = []
    start = 0
    for index, size in enumerate(band_sizes(len(stages), per_band)):
        chunk = stages[start:start + size]
        runs: list[dict[str, Any]] = []
        for col, stage in enumerate(chunk):
            phase = phases.get(stage.get("phase") or "")
            key = phase["id"] if phase else None
            if runs and runs[-1]["key"] == key:
                runs[-1]["span"] += 1
            else:
                runs.append({"key": key, "title": phase["title"] if phase else "",
                             "color": (phase or {}).get("color") or "", "start": col, "span": 1})
        bands.append(Band(index, chunk, start + 1, start + len(chunk), runs))
        start += size
    return bands
