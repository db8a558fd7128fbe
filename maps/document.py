"""Apply committed (canonical) ops to a document dict, with no database.

The same rules the Python client and the tests use to rebuild a map from the op
log; the JS editor mirrors them in ``static/js/sync/document.js``. Pure Python.
"""

from __future__ import annotations

import copy
from typing import Any

COLLECTIONS = {
    "phase": "phases",
    "stage": "stages",
    "lane": "lanes",
    "card": "cards",
    "touchpoint": "touchpoints",
    "moment": "moments",
    "emotion": "emotions",
    "persona_link": "persona_links",
}
ORDERED = {"phases", "stages", "lanes", "cards", "touchpoints", "moments", "persona_links"}


def empty_document(map_fields: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"map": dict(map_fields or {}, seq=0)}
    for collection in COLLECTIONS.values():
        doc[collection] = []
    return doc


def apply_ops(doc: dict[str, Any], ops: list[dict[str, Any]], seq: int | None = None) -> dict[str, Any]:
    """Apply one committed batch in place and return the document."""
    index = {c: {item["id"]: item for item in doc.get(c, [])} for c in COLLECTIONS.values()}
    for op in ops:
        entity = op["entity"]
        fields = op.get("fields") or {}
        if entity == "map":
            doc["map"].update(fields)
            continue
        collection = COLLECTIONS[entity]
        items = index[collection]
        kind = op["op"]
        if kind in ("create", "restore"):
            items[op["id"]] = {"id": op["id"], **fields}
            for child in op.get("cascade", []):
                index[COLLECTIONS[child["entity"]]][child["id"]] = {"id": child["id"], **child["fields"]}
        elif kind in ("update", "move"):
            if op["id"] in items:
                items[op["id"]].update(fields)
        elif kind == "delete":
            items.pop(op["id"], None)
            for child in op.get("cascade", []):
                index[COLLECTIONS[child["entity"]]].pop(child["id"], None)
    for collection, items in index.items():
        values = list(items.values())
        if collection in ORDERED:
            values.sort(key=lambda item: (item.get("position", ""), item["id"]))
        else:
            values.sort(key=lambda item: item["id"])
        doc[collection] = values
    if seq is not None:
        doc["map"]["seq"] = seq
    return doc


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """The parts of a document that the op log determines (for equality checks)."""
    out: dict[str, Any] = {}
    for collection in COLLECTIONS.values():
        items = copy.deepcopy(doc.get(collection, []))
        key = (lambda i: (i.get("position", ""), i["id"])) if collection in ORDERED else (lambda i: i["id"])
        out[collection] = sorted(items, key=key)
    out["seq"] = doc["map"]["seq"]
    return out
