"""Comparing documents field by field, positions included (item versions aside:
every write counts one up, a restore too).

One exception, from the protocol itself: two siblings can share a position key
(a ``restore`` op brings an item back to its old key, which a newer sibling may
have taken), and no op can make two keys equal again (the server replaces an
explicit position that collides). Where the wanted document holds such a tie,
the items' order (position, then id) is compared instead of their keys.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

CONTENT = ("phases", "stages", "lanes", "cards", "touchpoints", "moments", "emotions", "persona_links")
MAP_FIELDS = ("title", "goal", "description", "kind", "language")
GROUPS = {"phases": (), "stages": ("phase",), "lanes": (), "cards": ("stage", "lane"),
          "touchpoints": ("stage", "lane"), "moments": ("stage", "lane"), "persona_links": ()}


def content(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"map": {k: doc["map"].get(k) for k in MAP_FIELDS}}
    for name in CONTENT:
        out[name] = sorted(({k: v for k, v in item.items() if k != "version"} for item in doc.get(name, [])),
                           key=lambda item: item["id"])
    return out


def tied_groups(items: list[dict[str, Any]], keys: tuple[str, ...]) -> set[tuple[Any, ...]]:
    counts = Counter((*(item.get(k) for k in keys), item.get("position")) for item in items)
    return {group[:-1] for group, n in counts.items() if n > 1}


def order_in(items: list[dict[str, Any]], keys: tuple[str, ...], group: tuple[Any, ...]) -> list[str]:
    inside = [item for item in items if tuple(item.get(k) for k in keys) == group]
    return [item["id"] for item in sorted(inside, key=lambda item: (item.get("position") or "", item["id"]))]


def assert_same_content(got: dict[str, Any], wanted: dict[str, Any]) -> None:
    a, b = content(got), content(wanted)
    assert a["map"] == b["map"]
    for name in CONTENT:
        left = {item["id"]: item for item in a[name]}
        right = {item["id"]: item for item in b[name]}
        assert set(left) == set(right), (name, set(left) ^ set(right))
        keys = GROUPS.get(name)
        ties = tied_groups(b[name], keys) if keys is not None else set()
        for item_id, item in right.items():
            if keys is not None and tuple(item.get(k) for k in keys) in ties:
                assert {**left[item_id], "position": None} == {**item, "position": None}, (name, item_id)
            else:
                assert left[item_id] == item, (name, item_id, left[item_id], item)
        for group in ties:
            assert order_in(a[name], keys, group) == order_in(b[name], keys, group), (name, group)
