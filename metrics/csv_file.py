"""A metrics CSV file as points: columns ``touchpoint, metric, period, value``
(and ``stage`` when touchpoint names repeat), headers in English or French, in
any order; UTF-8 with or without a byte-order mark (Windows-1252 otherwise),
``;`` or ``,`` separators and decimal commas, as French Excel writes them.

Each row becomes the point ``metrics.points`` checks, with its row number (the
header is row 1), so an error names the row a person sees in their spreadsheet.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from interchange.cells import parse_number, plain
from journeymap import strict
from metrics.points import MAX_POINTS, PointInvalid, TooManyPoints

MAX_FILE_BYTES = 2 * 1024 * 1024
HEADERS = {
    "touchpoint": ("touchpoint", "touchpoint_id", "point de contact", "point_de_contact", "name", "nom"),
    "stage": ("stage", "étape", "etape"),
    "metric": ("metric", "métrique", "metrique", "indicateur", "mesure"),
    "period": ("period", "période", "periode", "date", "mois", "month"),
    "value": ("value", "valeur"),
}
REQUIRED = ("touchpoint", "metric", "period", "value")


@dataclass
class CsvPoints:
    points: list[dict[str, Any]]
    rows: list[tuple[int, str | None]]  # per point: its row number, its stage column


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise PointInvalid(0, "file", _("The file is not a CSV file (it holds binary data)."), row=1)
    return text


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _value(cell: str) -> Any:
    """A number as a spreadsheet writes it (``82,5``, ``1 234``); the cell's text
    when it is not one, so the check names it."""
    try:
        number = parse_number(cell)
    except ValueError:
        return cell
    return number if math.isfinite(number) else math.nan


def read_points(data: bytes, *, touchpoint: str | None = None) -> CsvPoints:
    """``touchpoint``: the id the rows are about when the file has no touchpoint
    column (a file uploaded from one touchpoint's panel)."""
    text = _decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise PointInvalid(0, "file", _("The CSV file cannot be read: %(problem)s") % {"problem": str(error)[:200]},
                           row=reader.line_num) from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise PointInvalid(0, "file", _("The file is empty."), row=1)
    columns = _columns(rows[0], single=touchpoint is not None)
    points, where = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(points) >= MAX_POINTS:
            raise TooManyPoints(sum(1 for r in rows[1:] if any(c.strip() for c in r)))
        for cell in row:
            if (problem := strict.bad_text(cell)) is not None:
                raise PointInvalid(len(points), "file", problem, row=number)

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        point = {"touchpoint": cell("touchpoint") or touchpoint or "", "metric": plain(cell("metric")),
                 "period": cell("period"), "value": _value(cell("value"))}
        points.append({key: value for key, value in point.items() if value != ""})
        where.append((number, cell("stage") or None))
    return CsvPoints(points, where)


def _columns(header: list[str], *, single: bool = False) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        name = plain(title)
        for column, names in HEADERS.items():
            if name in names and column not in found:
                found[column] = index
    missing = [column for column in REQUIRED if column not in found and not (single and column == "touchpoint")]
    if missing:
        raise PointInvalid(0, missing[0], _("The header row needs the columns touchpoint, metric, period and value "
                                            "(missing: %(columns)s).") % {"columns": ", ".join(missing)}, row=1)
    return found
