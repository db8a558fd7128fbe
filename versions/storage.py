"""How a version's document is kept: the map file format, compressed, as a full
snapshot or as one delta against a snapshot.

A delta lists, per collection, the items that differ from the snapshot (whole
items: a card is small) and the ids that are gone, plus the map fields that
changed. Applying it needs the snapshot only, never another delta, so reading any
version costs one decompression of each and a dictionary merge.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from maps.selectors import stages_in_display_order

FORMAT = "journeymap.map"
FORMAT_VERSION = 1
# Unlike the map file (interchange.format), no ``review_every_months``: review
# settings are stewardship, and restoring a version must not undo them.
MAP_FIELDS = ("title", "goal", "description", "kind", "language")
# The map's content, keyed by id; their order is derived (position, then id).
CONTENT = ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "persona_links")
ORDERED = {"phases", "stages", "lanes", "cards", "touchpoints", "moments", "persona_links"}
# What the map used from its workspace at the time, kept whole (small lists).
WORKSPACE_LISTS = ("personas", "teams", "channels")


class UnreadableVersion(ValueError):
    """A stored document written by a newer format than this code reads."""


def file_from_document(document: dict[str, Any]) -> dict[str, Any]:
    """The map file (format version 1) of a ``map_document`` snapshot."""
    source = document["map"]
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "seq": source["seq"],
        "map": {key: source.get(key, "") for key in MAP_FIELDS},
    }
    for name in (*CONTENT, *WORKSPACE_LISTS):
        out[name] = document.get(name, [])
    return out


def check_readable(file: dict[str, Any]) -> dict[str, Any]:
    """The format's version rule: a reader takes its own version and older ones."""
    if file.get("format") != FORMAT or not isinstance(file.get("version"), int):
        raise UnreadableVersion("not a journeymap.map document")
    if file["version"] > FORMAT_VERSION:
        raise UnreadableVersion(f"written by format version {file['version']}, this reads up to {FORMAT_VERSION}")
    return file


def pack(value: dict[str, Any]) -> bytes:
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    return zlib.compress(raw, 6)


def unpack(data: bytes | memoryview) -> dict[str, Any]:
    return json.loads(zlib.decompress(bytes(data)))


def make_delta(base: dict[str, Any], file: dict[str, Any]) -> dict[str, Any]:
    """What turns ``base`` into ``file`` (both map files)."""
    delta: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "seq": file["seq"],
        "map": {k: v for k, v in file["map"].items() if base["map"].get(k) != v},
        "set": {},
        "drop": {},
        "lists": {},
    }
    for name in CONTENT:
        before = {item["id"]: item for item in base.get(name, [])}
        after = {item["id"]: item for item in file.get(name, [])}
        changed = [item for item_id, item in after.items() if before.get(item_id) != item]
        gone = [item_id for item_id in before if item_id not in after]
        if changed:
            delta["set"][name] = changed
        if gone:
            delta["drop"][name] = gone
    for name in WORKSPACE_LISTS:
        if base.get(name) != file.get(name):
            delta["lists"][name] = file.get(name, [])
    return delta


def apply_delta(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    check_readable(delta)
    file: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "seq": delta["seq"],
        "map": {**base["map"], **delta.get("map", {})},
    }
    for name in CONTENT:
        items = {item["id"]: item for item in base.get(name, [])}
        for item_id in delta.get("drop", {}).get(name, []):
            items.pop(item_id, None)
        for item in delta.get("set", {}).get(name, []):
            items[item["id"]] = item
        file[name] = ordered(name, list(items.values()), file)
    for name in WORKSPACE_LISTS:
        file[name] = delta.get("lists", {}).get(name, base.get(name, []))
    return file


def ordered(name: str, items: list[dict[str, Any]], file: dict[str, Any]) -> list[dict[str, Any]]:
    if name == "stages":
        return stages_in_display_order(file.get("phases", []), items)
    if name in ORDERED:
        return sorted(items, key=lambda item: (item.get("position") or "", item["id"]))
    return sorted(items, key=lambda item: item["id"])


def document_from_file(file: dict[str, Any], *, map_id: str, workspace_id: str,
                       based_on: str | None) -> dict[str, Any]:
    """A stored version as the ``/document/`` endpoint shapes a map."""
    check_readable(file)
    doc: dict[str, Any] = {
        "map": {"id": map_id, "workspace": workspace_id, "based_on": based_on, "seq": file["seq"],
                **{key: file["map"].get(key, "") for key in MAP_FIELDS}},
    }
    for name in (*CONTENT, *WORKSPACE_LISTS):
        doc[name] = file.get(name, [])
    return doc
