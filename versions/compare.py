"""What changed between two documents: added, removed, changed (field by field)
and moved items, with counts, touchpoint evaluations that got better or worse
and the emotion curves of both on one axis of stages. Pure: no database.

Items are matched by identity (two states of one map), or across a current state
and the future state made from it by origin (``match``: an id of the second
document -> the id it was copied from in the first). Items without a known origin
(maps copied before origins were kept) are matched by their place and text as
well as possible, and the result says how many were.
"""

from __future__ import annotations

from typing import Any

from maps.entities import ENTITIES

ORDER = ("phase", "stage", "lane", "persona_link", "card", "touchpoint", "moment", "emotion")
LABELS = {"phase": "title", "stage": "name", "lane": "title", "card": "text", "touchpoint": "title",
          "moment": "title"}
UNMOVABLE = ("emotion", "persona_link")
EVALUATION_RANK = {"irritant": 0, "": 1, "neutral": 1, "delight": 2}
SKIPPED_FIELDS = {"attachments"}


def label(entity: str, item: dict[str, Any]) -> str:
    key = LABELS.get(entity)
    return str(item.get(key) or "").strip() if key else ""


class Matcher:
    """Ids of the second document -> ids of the first."""

    def __init__(self, a: dict[str, Any], b: dict[str, Any], origins: dict[str, str] | None) -> None:
        self.same_map = origins is None
        self.origins = origins or {}
        self.pairs: dict[str, str] = {}
        self.how = {"identity": 0, "origin": 0, "position_and_text": 0}
        for entity in ORDER:
            self._match(entity, _items(a, entity), _items(b, entity))

    def translate(self, entity: str, value: Any) -> Any:
        """A reference of the second document in the first document's ids."""
        if value is None or self.same_map:
            return value
        return self.pairs.get(value, f"new:{value}")

    def place(self, entity: str, item: dict[str, Any], translate: bool) -> tuple[Any, ...]:
        spec = ENTITIES[entity]
        return tuple(self.ref(entity, key, item.get(key)) if translate else item.get(key) for key in spec.container)

    def ref(self, entity: str, key: str, value: Any) -> Any:
        target = ENTITIES[entity].refs[key].target if key in ENTITIES[entity].refs else None
        if target in ENTITIES:
            return self.translate(entity, value)
        return value  # personas, teams, channels: the workspace's, the same ids on both sides

    def _match(self, entity: str, a_items: dict[str, dict[str, Any]], b_items: dict[str, dict[str, Any]]) -> None:
        taken: set[str] = set()
        left = []
        for b_id in b_items:
            if self.same_map:
                if b_id in a_items:
                    self.pairs[b_id] = b_id
                    self.how["identity"] += 1
                continue
            origin = self.origins.get(b_id)
            if origin in a_items and origin not in taken:
                self.pairs[b_id] = origin
                taken.add(origin)
                self.how["origin"] += 1
            elif b_id not in self.origins:
                left.append(b_id)
        if self.same_map or not left:
            return
        # No origin known: the same place and text, then the same text in the same
        # place, then the same place (the text was edited).
        free = [a_id for a_id in a_items if a_id not in taken]
        keys = [
            lambda e, i, t: (self.place(e, i, t), i.get("position"), label(e, i), i.get("persona")),
            lambda e, i, t: (self.place(e, i, t), label(e, i), i.get("persona")),
            lambda e, i, t: (self.place(e, i, t), i.get("position"), i.get("persona")),
        ]
        for key in keys:
            index: dict[Any, list[str]] = {}
            for a_id in free:
                index.setdefault(key(entity, a_items[a_id], False), []).append(a_id)
            still = []
            for b_id in left:
                candidates = index.get(key(entity, b_items[b_id], True))
                if candidates:
                    a_id = candidates.pop(0)
                    self.pairs[b_id] = a_id
                    taken.add(a_id)
                    self.how["position_and_text"] += 1
                else:
                    still.append(b_id)
            left = still
            free = [a_id for a_id in free if a_id not in taken]


def _items(doc: dict[str, Any], entity: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in doc.get(ENTITIES[entity].collection, [])}


def compare_documents(a: dict[str, Any], b: dict[str, Any], *, origins: dict[str, str] | None = None
                      ) -> dict[str, Any]:
    """``a`` -> ``b``. ``origins`` None: two states of one map (matched by id)."""
    matcher = Matcher(a, b, origins)
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for entity in ORDER:
        spec = ENTITIES[entity]
        a_items, b_items = _items(a, entity), _items(b, entity)
        paired: set[str] = set()
        for b_id, b_item in b_items.items():
            a_id = matcher.pairs.get(b_id)
            if a_id is None or a_id not in a_items:
                added.append({"entity": entity, **_public(b_item)})
                continue
            paired.add(a_id)
            a_item = a_items[a_id]
            extra = {} if a_id == b_id else {"to_id": b_id}
            fields = {}
            for key in spec.fields:
                if key in spec.container or key in SKIPPED_FIELDS:
                    continue
                before, after = a_item.get(key), b_item.get(key)
                if (matcher.ref(entity, key, after) if key in spec.refs else after) != before:
                    fields[key] = {"from": before, "to": after}
            if fields:
                changed.append({"entity": entity, "id": a_id, **extra, "label": label(entity, b_item),
                                "fields": fields})
            if entity in UNMOVABLE:
                continue
            if matcher.place(entity, b_item, True) != matcher.place(entity, a_item, False) or (
                    a_item.get("position") != b_item.get("position")):
                moved.append({"entity": entity, "id": a_id, **extra, "label": label(entity, b_item),
                              "from": _where(spec, a_item), "to": _where(spec, b_item)})
        for a_id, a_item in a_items.items():
            if a_id not in paired:
                removed.append({"entity": entity, **_public(a_item)})
    evaluations = _evaluations(changed)
    irritants_removed = sum(1 for item in removed if item["entity"] == "touchpoint"
                            and item.get("evaluation") == "irritant") + sum(
        1 for item in evaluations["improved"] if item["from"] == "irritant")
    irritants_added = sum(1 for item in added if item["entity"] == "touchpoint"
                          and item.get("evaluation") == "irritant") + sum(
        1 for item in evaluations["worse"] if item["to"] == "irritant")
    approximate = matcher.how["position_and_text"] > 0
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "moved": moved,
        "counts": {
            "changes": len(added) + len(removed) + len(changed) + len(moved),
            "added": len(added), "removed": len(removed), "changed": len(changed), "moved": len(moved),
            "irritants_removed": irritants_removed, "irritants_added": irritants_added,
            "evaluations_improved": len(evaluations["improved"]),
            "evaluations_worse": len(evaluations["worse"]),
        },
        "evaluations": evaluations,
        "matching": {**matcher.how, "approximate": approximate},
        **curves(a, b, matcher),
    }


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in SKIPPED_FIELDS and k != "version"}


def _where(spec: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {**{key: item.get(key) for key in spec.container}, "position": item.get("position")}


def _evaluations(changed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"improved": [], "worse": []}
    for item in changed:
        if item["entity"] != "touchpoint" or "evaluation" not in item["fields"]:
            continue
        before, after = item["fields"]["evaluation"]["from"] or "", item["fields"]["evaluation"]["to"] or ""
        if EVALUATION_RANK[after] == EVALUATION_RANK[before]:
            continue
        which = "improved" if EVALUATION_RANK[after] > EVALUATION_RANK[before] else "worse"
        out[which].append({"id": item["id"], "label": item["label"], "from": before, "to": after})
    return out


def curves(a: dict[str, Any], b: dict[str, Any], matcher: Matcher) -> dict[str, Any]:
    """One axis of stages for both sides (the first side's order, stages only the
    second has after the stage they follow) and each persona's two curves on it."""
    reverse = {a_id: b_id for b_id, a_id in matcher.pairs.items()}
    axis: list[dict[str, Any]] = [{"from": s["id"], "to": reverse.get(s["id"]), "name": s["name"]}
                                  for s in a.get("stages", [])]
    for index, stage in enumerate(b.get("stages", [])):
        if matcher.pairs.get(stage["id"]) in {s["id"] for s in a.get("stages", [])}:
            continue
        previous = b["stages"][index - 1]["id"] if index else None
        at = next((i + 1 for i, point in enumerate(axis) if point["to"] == previous), 0 if not index else len(axis))
        axis.insert(at, {"from": None, "to": stage["id"], "name": stage["name"]})
    personas = {p["id"]: p["name"] for p in [*a.get("personas", []), *b.get("personas", [])]}
    found: dict[Any, dict[str, Any]] = {}
    for side, doc, key in (("from", a, "from"), ("to", b, "to")):
        scores = {(e["stage"], e.get("persona")): e["score"] for e in doc.get("emotions", [])}
        for persona in {e.get("persona") for e in doc.get("emotions", [])}:
            curve = found.setdefault(persona, {"persona": persona, "name": personas.get(persona, ""),
                                              "from": [None] * len(axis), "to": [None] * len(axis)})
            curve[side] = [scores.get((point[key], persona)) if point[key] else None for point in axis]
    return {"axis": axis, "curves": sorted(found.values(), key=lambda c: (c["persona"] is not None, c["name"]))}
