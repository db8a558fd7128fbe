"""Comparing documents field by field, positions included (item versions aside:
every write counts one up, a restore too)."""

from __future__ import annotations

from typing import Any

CONTENT = ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "persona_links")
MAP_FIELDS = ("title", "goal", "description", "kind", "language")


def content(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"map": {k: doc["map"].get(k) for k in MAP_FIELDS}}
    for name in CONTENT:
        out[name] = sorted(({k: v for k, v in item.items() if k != "version"} for item in doc.get(name, [])),
                           key=lambda item: item["id"])
    return out


def assert_same_content(got: dict[str, Any], wanted: dict[str, Any]) -> None:
    a, b = content(got), content(wanted)
    assert a["map"] == b["map"]
    for name in CONTENT:
        left = {item["id"]: item for item in a[name]}
        right = {item["id"]: item for item in b[name]}
        assert set(left) == set(right), (name, set(left) ^ set(right))
        for item_id, item in right.items():
            assert left[item_id] == item, (name, item_id, left[item_id], item)
