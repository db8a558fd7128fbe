"""From an uploaded file to a map file: which reader, within which limits.

Every reader returns a ``Reading``: a ``journeymap.map`` document (the format is
the one shape every import goes through), the files a bundle carried, where each
item came from in the source (so a refusal further on can still name a row and a
column) and warnings. Nothing here writes.
"""

from __future__ import annotations

import io
import re
import zipfile

import jsonschema
from django.utils.translation import gettext as _

from interchange.format import FORMAT, REFS, VERSION, upgrade, validator
from interchange.mermaid import looks_like_mermaid, read_mermaid
from interchange.problems import ImportProblem
from interchange.reading import Limits, Reading, mib, safe_zip_members
from interchange.tabular import read_csv, read_xlsx
from interchange.writer import FILE_NAME_IN_BUNDLE
from journeymap import strict

FORMATS = ("auto", "journeymap", "bundle", "csv", "xlsx", "mermaid")
ZIP_MAGIC = b"PK\x03\x04"


def read_upload(data: bytes, *, name: str = "", file_format: str = "auto", limits: Limits | None = None,
                language: str = "en") -> Reading:
    """Read an uploaded file as ``file_format`` (or by its content for ``auto``)."""
    limits = limits or Limits.from_settings()
    if file_format not in FORMATS:
        raise ImportProblem(_("Unknown format “%(format)s”: choose auto, journeymap, bundle, csv, xlsx or "
                              "mermaid.") % {"format": file_format[:20]})
    if not data:
        raise ImportProblem(_("The file is empty."))
    if file_format == "auto":
        file_format = detect(data, name)
    limit = limits.max_bundle_bytes if file_format == "bundle" else limits.max_bytes
    if len(data) > limit:
        raise ImportProblem(_("The file is larger than %(limit)s.") % {"limit": mib(limit)}, code="too_large")
    if file_format == "journeymap":
        return read_journeymap(data, limits)
    if file_format == "bundle":
        return read_bundle(data, limits)
    if file_format == "mermaid":

        document, warnings = read_mermaid(_text(data), max_rows=limits.max_rows)
        return checked(Reading(document, "mermaid", warnings=warnings), limits)

    reading = (read_xlsx if file_format == "xlsx" else read_csv)(data, limits, language=language)
    stem = re.sub(r"\s+", " ", name.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip()[:200]
    if reading.default_title and stem and strict.bad_text(stem) is None:
        reading.document["map"]["title"] = stem
    return checked(reading, limits)


def detect(data: bytes, name: str) -> str:
    """The format of a file from its first bytes (and, for zips, their members)."""
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise ImportProblem(_("The file looks like a zip archive but cannot be opened.")) from None
        if FILE_NAME_IN_BUNDLE in names:
            return "bundle"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ImportProblem(_("This zip archive is neither a Journeymap bundle nor an Excel workbook."))
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return "journeymap"

    try:
        if looks_like_mermaid(head.decode("utf-8", errors="ignore")):
            return "mermaid"
    except UnicodeDecodeError:
        pass
    if name.lower().endswith((".mmd", ".mermaid")):
        return "mermaid"
    return "csv"


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem(_("The file is not UTF-8 text.")) from None
    if (problem := strict.bad_text(text)) is not None:
        raise ImportProblem(_("The file %(problem)s.") % {"problem": problem})
    return text


# --- the map file and the bundle -------------------------------------------------------------


def read_journeymap(data: bytes, limits: Limits) -> Reading:
    text = data.decode("utf-8-sig", errors="strict") if data.startswith(b"\xef\xbb\xbf") else data
    try:
        document = strict.loads(text)
        strict.check_tree(document, max_depth=limits.max_depth, strings=False)
    except UnicodeDecodeError:
        raise ImportProblem(_("The file is not UTF-8 text.")) from None
    except strict.InvalidInput as error:
        raise ImportProblem(_("The file is not a map file: %(problem)s") % {"problem": error.message},
                            column=error.field or None) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem(_("The file is not a Journeymap map file (its “format” is not journeymap.map)."),
                            column="format")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportProblem(_("The file's “version” must be a whole number."), column="version")
    if version > VERSION:
        raise ImportProblem(_("This file was written in version %(file)d of the format; this Journeymap reads "
                              "versions up to %(ours)d. Update Journeymap to import it.")
                            % {"file": version, "ours": VERSION}, column="version")
    return checked(Reading(upgrade(document), "journeymap"), limits)


def read_bundle(data: bytes, limits: Limits) -> Reading:
    members = safe_zip_members(data, limits)
    if FILE_NAME_IN_BUNDLE not in members:
        raise ImportProblem(_("The bundle holds no %(name)s.") % {"name": FILE_NAME_IN_BUNDLE})
    reading = read_journeymap(members.pop(FILE_NAME_IN_BUNDLE), limits)
    reading.source_format = "bundle"
    reading.files = members
    return reading


# --- checks every reading passes -------------------------------------------------------------


def checked(reading: Reading, limits: Limits) -> Reading:
    """The document fits the schema, its ids are unique, its references resolve
    and it is within ``max_items``; else ``ImportProblem`` naming where."""
    document = reading.document
    strict.check_tree(document, max_depth=64)
    error = None
    if not validator().is_valid(document):
        error = min(validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if error is not None:
        raise _schema_problem(error, reading)
    items = sum(len(document[c]) for c in ("phases", "stages", "lanes", "cards", "touchpoints", "moments",
                                              "emotions", "personas"))
    if items > limits.max_items:
        raise ImportProblem(_("The file holds %(count)d items; at most %(limit)d are imported at once.")
                            % {"count": items, "limit": limits.max_items})
    seen: dict[str, str] = {}
    for collection in ("phases", "stages", "lanes", "personas", "cards", "touchpoints", "moments", "emotions"):
        for index, item in enumerate(document[collection]):
            if item["id"] in seen:
                raise _item_problem(reading, collection, index, "id",
                                    _("the id “%(id)s” is used twice") % {"id": item["id"][:100]})
            seen[item["id"]] = collection
    names = {c: {item["name"] for item in document[c]} for c in ("channels", "teams")}
    from interchange.format import BY_NAME

    for collection, refs in REFS.items():
        for index, item in enumerate(document[collection]):
            for key, target in refs.items():
                value = item.get(key)
                if value is not None and seen.get(value) != target:
                    raise _item_problem(reading, collection, index, key,
                                        _("“%(id)s” names no item of “%(target)s” in the file")
                                        % {"id": str(value)[:100], "target": target})
    for collection, refs in BY_NAME.items():
        for item in document[collection]:
            for key, target in refs.items():
                value = item.get(key)
                if value is not None and value not in names[target]:
                    # A name the file does not describe: matched or created by name alone.
                    document[target].append({"name": value})
                    names[target].add(value)
    return reading


def _item_problem(reading: Reading, collection: str, index: int, key: str, message: str) -> ImportProblem:
    item_id = reading.document[collection][index].get("id")
    row, column = reading.origins.get(item_id, (None, None)) if item_id else (None, None)
    if row is not None:
        return ImportProblem(message, row=row, column=column or key)
    return ImportProblem(message, column=f"{collection}[{index}].{key}")


def _schema_problem(error: jsonschema.ValidationError, reading: Reading) -> ImportProblem:
    path = list(error.absolute_path)
    if len(path) >= 2 and isinstance(path[1], int) and path[0] in reading.document:
        item = reading.document[path[0]][path[1]]
        item_id = item.get("id") if isinstance(item, dict) else None
        if item_id in reading.origins:
            row, column = reading.origins[item_id]
            return ImportProblem(_schema_message(error), row=row, column=column or ".".join(map(str, path[2:])))
    where = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
    return ImportProblem(_schema_message(error), column=where or None)


def _schema_message(error: jsonschema.ValidationError) -> str:
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return _("“%(field)s” is required") % {"field": missing}
    if validator == "additionalProperties":
        return _("unknown field (unknown fields are refused): %(detail)s") % {"detail": error.message[:200]}
    if validator == "enum":
        return _("expected one of %(values)s") % {"values": ", ".join(str(v) for v in error.validator_value if v)}
    if validator == "maxLength":
        return _("must be at most %(limit)d characters") % {"limit": error.validator_value}
    if validator == "minLength":
        return _("must not be empty")
    if validator in ("minimum", "maximum"):
        return _("%(value)s is out of range (%(bound)s %(limit)s)") % {
            "value": error.instance, "bound": "≥" if validator == "minimum" else "≤", "limit": error.validator_value}
    if validator == "type":
        return _("expected %(type)s") % {"type": error.validator_value if isinstance(error.validator_value, str)
                                          else " or ".join(error.validator_value)}
    return error.message[:300]
