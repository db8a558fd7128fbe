"""The comparison laid out for people: two grids side by side with changes
marked, both emotion curves on one axis, counts and the list of changes. Shared
by the compare page and its PDF."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

GRID_ITEMS = (("cards", "card", "text"), ("touchpoints", "touchpoint", "title"), ("moments", "moment", "title"))
CHART_STEP = 120
CHART_HEIGHT = 150


def marks(result: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Which mark each item gets on each side: id -> added|removed|changed|moved."""
    left: dict[str, str] = {}
    right: dict[str, str] = {}
    for item in result["moved"]:
        left[item["id"]] = right[item.get("to_id", item["id"])] = "moved"
    for item in result["changed"]:
        left[item["id"]] = right[item.get("to_id", item["id"])] = "changed"
    for item in result["removed"]:
        left[item["id"]] = "removed"
    for item in result["added"]:
        right[item["id"]] = "added"
    return left, right


def grid(doc: dict[str, Any], marked: dict[str, str]) -> dict[str, Any]:
    """Stages as columns, lanes as rows, each cell's items with their mark."""
    stages = doc.get("stages", [])
    lanes = [lane for lane in doc.get("lanes", []) if lane.get("kind") != "emotion"
             and not str(lane.get("kind", "")).startswith("line_of")]
    cells: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for collection, entity, key in GRID_ITEMS:
        for item in doc.get(collection, []):
            cells.setdefault((item.get("stage"), item.get("lane")), []).append(
                {"entity": entity, "text": item.get(key) or "", "mark": marked.get(item["id"], ""),
                 "mark_name": str(KIND_NAMES[marked[item["id"]]]) if item["id"] in marked else "",
                 "evaluation": item.get("evaluation", "")})
    rows = [{"lane": lane, "mark": marked.get(lane["id"], ""),
             "cells": [cells.get((stage["id"], lane["id"]), []) for stage in stages]} for lane in lanes]
    return {"stages": [{**stage, "mark": marked.get(stage["id"], "")} for stage in stages], "rows": rows}


def chart(result: dict[str, Any]) -> dict[str, Any]:
    """SVG coordinates of each persona's two curves on the shared axis of stages."""
    axis = result["axis"]
    width = max(1, len(axis)) * CHART_STEP

    def y(score: int) -> float:
        return CHART_HEIGHT / 2 - score * (CHART_HEIGHT / 2 - 12) / 3

    def path(scores: list[int | None]) -> str:
        points = [(CHART_STEP / 2 + i * CHART_STEP, y(s)) for i, s in enumerate(scores) if s is not None]
        return " ".join(f"{'M' if i == 0 else 'L'}{x:.0f},{yy:.1f}" for i, (x, yy) in enumerate(points))

    curves = []
    for curve in result["curves"]:
        curves.append({"name": curve["name"] or _("All customers"), "from_path": path(curve["from"]),
                       "to_path": path(curve["to"]),
                       "from_points": [(CHART_STEP / 2 + i * CHART_STEP, y(s)) for i, s in enumerate(curve["from"])
                                       if s is not None],
                       "to_points": [(CHART_STEP / 2 + i * CHART_STEP, y(s)) for i, s in enumerate(curve["to"])
                                     if s is not None]})
    labels = [{"x": CHART_STEP / 2 + i * CHART_STEP, "name": point["name"]} for i, point in enumerate(axis)]
    return {"width": width, "height": CHART_HEIGHT, "zero": y(0), "curves": curves, "labels": labels}


def summary(counts: dict[str, int]) -> list[str]:
    """The counts at the top, in words: "12 changes", "3 irritants removed"..."""
    parts = [ngettext("%(n)s change", "%(n)s changes", counts["changes"]) % {"n": counts["changes"]}]
    words = {
        "added": lambda n: ngettext("%(n)s added", "%(n)s added", n),
        "removed": lambda n: ngettext("%(n)s removed", "%(n)s removed", n),
        "changed": lambda n: ngettext("%(n)s changed", "%(n)s changed", n),
        "moved": lambda n: ngettext("%(n)s moved", "%(n)s moved", n),
        "irritants_removed": lambda n: ngettext("%(n)s irritant removed", "%(n)s irritants removed", n),
        "irritants_added": lambda n: ngettext("%(n)s new irritant", "%(n)s new irritants", n),
        "evaluations_improved": lambda n: ngettext("%(n)s evaluation improved", "%(n)s evaluations improved", n),
        "evaluations_worse": lambda n: ngettext("%(n)s evaluation worse", "%(n)s evaluations worse", n),
    }
    for key, word in words.items():
        if counts.get(key):
            parts.append(word(counts[key]) % {"n": counts[key]})
    return parts


FIELD_NAMES = {"text": gettext_lazy("text"), "title": gettext_lazy("title"), "name": gettext_lazy("name"),
               "evaluation": gettext_lazy("evaluation"), "score": gettext_lazy("score"),
               "color": gettext_lazy("colour"), "team": gettext_lazy("team"), "priority": gettext_lazy("priority"),
               "description": gettext_lazy("description"), "prompt": gettext_lazy("question"),
               "note": gettext_lazy("note"), "kind": gettext_lazy("kind"), "votes": gettext_lazy("votes")}
ENTITY_NAMES = {"phase": gettext_lazy("Phase"), "stage": gettext_lazy("Stage"), "lane": gettext_lazy("Lane"),
                "card": gettext_lazy("Card"), "touchpoint": gettext_lazy("Touchpoint"),
                "moment": gettext_lazy("Moment of truth"), "emotion": gettext_lazy("Emotion"),
                "persona_link": gettext_lazy("Persona")}
KIND_NAMES = {"added": gettext_lazy("Added"), "removed": gettext_lazy("Removed"),
              "changed": gettext_lazy("Changed"), "moved": gettext_lazy("Moved")}


def change_lines(result: dict[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for kind, items in (("added", result["added"]), ("removed", result["removed"]),
                        ("changed", result["changed"]), ("moved", result["moved"])):
        for item in items:
            label = item.get("label") or item.get("text") or item.get("title") or item.get("name") or ""
            fields = [{"name": str(FIELD_NAMES.get(k, k)), "from": v["from"], "to": v["to"]}
                      for k, v in item.get("fields", {}).items()]
            lines.append({"kind": kind, "kind_name": str(KIND_NAMES[kind]),
                          "entity": str(ENTITY_NAMES.get(item["entity"], item["entity"])), "label": label,
                          "fields": fields})
    return lines
