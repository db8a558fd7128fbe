"""CSV and XLSX in two shapes: the grid and the touchpoint list.

The grid: first row stage names (its first cell is free: a title or nothing), an
optional row whose first cell is ``phase:`` (``phase :`` in French) naming each
stage's phase (a blank cell continues the phase on its left, as merged cells
read), then one row per lane: its title in the first cell, its cells' cards, one
per line. In a lane titled like touchpoints, lines become touchpoints; in an
emotion lane, a cell holds the shared curve's score (-3..3).

The touchpoint list: a header row with ``stage, name, channel, evaluation,
volume_share, volume_count, csat, nps, evidence_url`` (in English or French, any
order; ``stage`` and ``name`` are required), one touchpoint per row; in XLSX, a
sheet named ``Touchpoints`` (or ``Points de contact``).

CSV: UTF-8 with or without a byte-order mark (Windows-1252 when it is not UTF-8:
older French Excel writes it), ``;`` or ``,`` separators, as French Excel writes.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

from django.utils.translation import gettext as _

from exports.services.touchpoint_table import COLUMNS as EXPORTED_COLUMNS
from interchange.cells import ascii_fold, column_letter, parse_number, plain, touchpoint_fields
from interchange.format import empty_file
from interchange.grid import read_grid
from interchange.problems import ImportProblem
from interchange.reading import Limits, Reading, safe_zip_members
from journeymap import strict

COLUMNS = ("stage", "name", "channel", "evaluation", "volume_share", "volume_count", "csat", "nps", "evidence_url")
HEADERS: dict[str, tuple[str, ...]] = {
    "stage": ("stage", "etape", "étape"),
    "name": ("name", "touchpoint", "nom", "point de contact", "titre", "title"),
    "channel": ("channel", "canal"),
    "evaluation": ("evaluation", "évaluation"),
    "volume_share": ("volume_share", "volume share", "share", "part", "part des clients", "volume (part)",
                     "part du volume", "volume_part"),
    "volume_count": ("volume_count", "volume count", "count", "volume", "nombre", "volume (nombre)"),
    "csat": ("csat",),
    "nps": ("nps",),
    "evidence_url": ("evidence_url", "evidence", "evidence url", "preuve", "lien de preuve", "url de preuve",
                     "preuve_url"),
}
FRENCH_HEADERS = {"etape", "étape", "nom", "point de contact", "canal", "évaluation", "part", "part des clients",
                  "nombre", "preuve", "lien de preuve", "url de preuve", "titre", "volume (part)", "part du volume",
                  "volume (nombre)", "preuve_url", "volume_part"}
EVALUATIONS = {
    "delight": "delight", "enchantement": "delight", "ravissement": "delight", "enchante": "delight",
    "neutral": "neutral", "basic satisfaction": "neutral", "satisfaction": "neutral", "neutre": "neutral",
    "satisfaction de base": "neutral",
    "irritant": "irritant", "irritation": "irritant",
}
TOUCHPOINT_SHEETS = ("touchpoints", "points de contact")


# --- reading the rows ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportProblem(_("The file is not readable text.")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportProblem(_("The file is not a CSV file (it holds binary data)."))
    return text


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _check_rows(rows: list[list[str]], limits: Limits) -> list[list[str]]:
    if len(rows) > limits.max_rows:
        raise ImportProblem(_("The file has more than %(limit)d rows.") % {"limit": limits.max_rows})
    cells = sum(len(row) for row in rows)
    if cells > limits.max_cells:
        raise ImportProblem(_("The file has more than %(limit)d cells.") % {"limit": limits.max_cells})
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if (problem := strict.bad_text(cell)) is not None:
                raise ImportProblem(problem, row=number, column=column_letter(index))
    # Trailing empty cells and rows carry nothing.
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def read_csv(data: bytes, limits: Limits, *, language: str = "en") -> Reading:
    text = _decode(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
        rows: list[list[str]] = []
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows:
                break
    except csv.Error as error:
        raise ImportProblem(_("The CSV file cannot be read: %(problem)s") % {"problem": str(error)[:200]},
                            row=len(rows) + 1) from None
    return _read_rows(_check_rows(rows, limits), "csv", language)


def read_xlsx(data: bytes, limits: Limits, *, language: str = "en") -> Reading:
    # The zip is checked (members, sizes, ratio) before openpyxl inflates anything.
    safe_zip_members(data, limits, wanted=lambda name: False)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 -- openpyxl raises many kinds for a damaged workbook
        raise ImportProblem(_("The Excel workbook cannot be opened.")) from None
    try:
        sheet = next((ws for ws in workbook.worksheets if plain(ws.title) in TOUCHPOINT_SHEETS),
                     workbook.worksheets[0] if workbook.worksheets else None)
        if sheet is None:
            raise ImportProblem(_("The workbook has no sheet."))
        rows: list[list[str]] = []
        cells = 0
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            cells += len(values)
            if len(rows) > limits.max_rows or cells > limits.max_cells:
                break
    finally:
        workbook.close()
    reading = _read_rows(_check_rows(rows, limits), "xlsx", language,
                         touchpoints=plain(sheet.title) in TOUCHPOINT_SHEETS)
    return reading


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_rows(rows: list[list[str]], source: str, language: str, *, touchpoints: bool = False) -> Reading:
    if not rows:
        raise ImportProblem(_("The file is empty."))
    header = {plain(cell) for cell in rows[0]}
    names = {alias for column in ("stage", "name") for alias in HEADERS[column]}
    if touchpoints or len(header & names) >= 2:
        return _touchpoint_list(rows, source)

    return read_grid(rows, source, language)


# --- the touchpoint list ----------------------------------------------------------------------


def touchpoint_rows(rows: list[list[str]]) -> tuple[list[dict[str, Any]], str, tuple[str, ...]]:
    """Each row of a touchpoint list as clean values, with its row number; and the
    language its headers are written in. ``ImportProblem`` names row and column."""
    header = [plain(cell) for cell in rows[0]]
    where: dict[str, int] = {}
    for index, title in enumerate(header):
        for column, aliases in HEADERS.items():
            if title in aliases or ascii_fold(title) in aliases:
                if column in where:
                    raise ImportProblem(_("the column appears twice"), row=1, column=rows[0][index])
                where[column] = index
    for required in ("stage", "name"):
        if required not in where:
            raise ImportProblem(_("The touchpoint list needs a “%(column)s” column (columns: %(all)s).")
                                % {"column": required, "all": ", ".join(COLUMNS)}, row=1)
    # The columns the CSV export adds after these are read past, so an exported list
    # goes back in (what they hold is the map's, not the list's).
    unknown = [rows[0][i] for i, title in enumerate(header)
               if title and i not in where.values() and title not in EXPORTED_COLUMNS]
    if unknown:
        raise ImportProblem(_("unknown column (expected %(all)s)") % {"all": ", ".join(COLUMNS)}, row=1,
                            column=unknown[0])
    language = "fr" if set(header) & FRENCH_HEADERS else "en"
    out: list[dict[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {column: (row[index].strip() if index < len(row) else "") for column, index in where.items()}
        label = {column: rows[0][index].strip() or column for column, index in where.items()}
        item: dict[str, Any] = {"row": number}
        for column in COLUMNS:
            raw = values.get(column, "")
            item[column] = _value(column, raw, number, label.get(column, column))
        if not item["stage"]:
            raise ImportProblem(_("a stage name is required"), row=number, column=label["stage"])
        if not item["name"]:
            raise ImportProblem(_("a touchpoint name is required"), row=number, column=label["name"])
        if len(item["stage"]) > 200 or len(item["name"]) > 200:
            column = "stage" if len(item["stage"]) > 200 else "name"
            raise ImportProblem(_("must be at most 200 characters"), row=number, column=label[column])
        out.append(item)
    if not out:
        raise ImportProblem(_("The touchpoint list has no touchpoint under its header row."), row=2)
    return out, language, tuple(column for column in COLUMNS if column in where)


def _value(column: str, raw: str, row: int, label: str) -> Any:
    if column in ("stage", "name", "channel"):
        return re.sub(r"\s+", " ", raw).strip()
    if not raw:
        return "" if column in ("evaluation", "evidence_url") else None
    if column == "evaluation":
        word = plain(raw)
        found = EVALUATIONS.get(word) or EVALUATIONS.get(ascii_fold(word))
        if found is None:
            raise ImportProblem(_("expected delight, neutral or irritant (or enchantement, satisfaction de base, "
                                  "irritant), not “%(value)s”") % {"value": raw[:40]}, row=row, column=label)
        return found
    if column == "evidence_url":
        if not re.match(r"^https?://\S+$", raw) or len(raw) > 2000:
            raise ImportProblem(_("expected a link starting with http:// or https://"), row=row, column=label)
        return raw
    bounds = {"volume_share": (0, 100), "csat": (0, 100), "nps": (-100, 100), "volume_count": (0, 2_000_000_000)}
    lo, hi = bounds[column]
    try:
        number = parse_number(raw)
    except ValueError:
        number = None
    if number is None or number != number or not lo <= number <= hi:
        raise ImportProblem(_("expected a number from %(lo)s to %(hi)s, not “%(value)s”")
                            % {"lo": lo, "hi": f"{hi:,}".replace(",", " "), "value": raw[:40]},
                            row=row, column=label)
    if column in ("volume_count", "nps"):
        if not float(number).is_integer():
            raise ImportProblem(_("expected a whole number, not “%(value)s”") % {"value": raw[:40]}, row=row,
                                column=label)
        return int(number)
    return float(number)


def _touchpoint_list(rows: list[list[str]], source: str) -> Reading:
    items, language, columns = touchpoint_rows(rows)
    document = empty_file(title=_("Imported touchpoints"), kind="current_state", language=language)
    lane_id = str(uuid.uuid4())
    document["lanes"].append({"id": lane_id, "kind": "touchpoints",
                              "title": "Points de contact" if language == "fr" else "Touchpoints", "prompt": ""})
    stages: dict[str, str] = {}
    reading = Reading(document, source, columns=columns, default_title=True)
    for item in items:
        key = plain(item["stage"])
        if key not in stages:
            stages[key] = str(uuid.uuid4())
            document["stages"].append({"id": stages[key], "name": item["stage"], "description": "",
                                       "phase": None})
            reading.origins[stages[key]] = (item["row"], "stage")
        touchpoint_id = str(uuid.uuid4())
        document["touchpoints"].append(touchpoint_fields(item, stage=stages[key], lane=lane_id, item_id=touchpoint_id))
        reading.origins[touchpoint_id] = (item["row"], None)
    return reading
