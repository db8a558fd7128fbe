"""Reads for "Recently deleted": what was deleted on a map, newest first, each with
what its delete took with it, so anyone who edits the map (not only the person who
deleted it) can bring it back. Restoring is an ordinary ``restore`` op through
``maps.operations.apply``; this module only reads the tombstones.

Only the things a person deleted are listed (a stage, lane, phase, card or
touchpoint); what a cascade took with them (the cards of a deleted stage, the
stages of a deleted phase) is counted under them and comes back with them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from maps.models import Card, Lane, Operation, Phase, Stage
from maps.selectors import snapshot_transaction

LISTED = ("phase", "stage", "lane", "card", "touchpoint")
# What an entry counts among the things that go and come back with it.
HELD = ("stages", "cards", "touchpoints", "moments")
LABEL_LENGTH = 120


def _label(entity: str, row: dict[str, Any]) -> str:
    text = {"phase": "title", "stage": "name", "lane": "title", "card": "text", "touchpoint": "title"}[entity]
    value = " ".join(str(row.get(text) or "").split())
    return value if len(value) <= LABEL_LENGTH else f"{value[:LABEL_LENGTH - 1]}…"


def deleted_items(*, map_id: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The map's deleted stages, lanes, phases, cards and touchpoints, newest first.

    Each entry: ``entity``, ``id``, ``label``, ``seq`` (the batch that deleted it),
    ``deleted_at`` and ``deleted_by`` (from the op log; null once it is pruned),
    ``stage``/``lane`` names where it sat, ``holds`` (counts of what went with it),
    and ``restorable`` with ``blocked_by`` (the deleted thing to restore first).
    """
    from touchpoints.models import MomentOfTruth, Touchpoint

    with snapshot_transaction():
        phases = {str(r["id"]): r for r in Phase.objects.filter(map_id=map_id).values(
            "id", "title", "deleted_by_seq")}
        stages = {str(r["id"]): r for r in Stage.objects.filter(map_id=map_id).values(
            "id", "name", "phase_id", "deleted_by_seq")}
        lanes = {str(r["id"]): r for r in Lane.objects.filter(map_id=map_id).values(
            "id", "title", "kind", "deleted_by_seq")}
        gone = {"map_id": map_id, "deleted_by_seq__isnull": False}
        cards = list(Card.objects.filter(**gone).values("id", "text", "stage_id", "lane_id", "deleted_by_seq"))
        touchpoints = list(Touchpoint.objects.filter(**gone).values(
            "id", "title", "stage_id", "lane_id", "deleted_by_seq"))
        moments = list(MomentOfTruth.objects.filter(**gone).values("stage_id", "lane_id", "deleted_by_seq"))

        def same_delete(parent: dict[str, Any] | None, seq: int) -> bool:
            return parent is not None and parent["deleted_by_seq"] == seq

        entries: list[dict[str, Any]] = []
        for entity, rows in (("phase", phases.values()), ("stage", stages.values()), ("lane", lanes.values())):
            for row in rows:
                seq = row["deleted_by_seq"]
                if seq is None:
                    continue
                if entity == "stage" and same_delete(phases.get(str(row["phase_id"])), seq):
                    continue  # went with its phase
                entries.append({"entity": entity, "row": row})
        for entity, rows in (("card", cards), ("touchpoint", touchpoints)):
            for row in rows:
                seq = row["deleted_by_seq"]
                stage, lane = stages.get(str(row["stage_id"])), lanes.get(str(row["lane_id"]))
                if same_delete(stage, seq) or same_delete(lane, seq):
                    continue  # went with its stage or lane (or the stage's phase)
                entries.append({"entity": entity, "row": row})
        entries.sort(key=lambda e: (-e["row"]["deleted_by_seq"], e["entity"], str(e["row"]["id"])))
        entries = entries[:limit]

        # What each delete took with it: children tombstoned by the same batch.
        held: dict[tuple[str, str], Counter[str]] = {}

        def count(kind: str, row: dict[str, Any]) -> None:
            seq = row["deleted_by_seq"]
            stage = stages.get(str(row["stage_id"]))
            if same_delete(stage, seq):
                held.setdefault(("stage", str(stage["id"])), Counter())[kind] += 1
                phase = phases.get(str(stage["phase_id"]))
                if same_delete(phase, seq):
                    held.setdefault(("phase", str(phase["id"])), Counter())[kind] += 1
            lane = lanes.get(str(row["lane_id"]))
            if same_delete(lane, seq):
                held.setdefault(("lane", str(lane["id"])), Counter())[kind] += 1

        for kind, rows in (("cards", cards), ("touchpoints", touchpoints), ("moments", moments)):
            for row in rows:
                count(kind, row)
        for stage in stages.values():
            if stage["deleted_by_seq"] is not None and same_delete(phases.get(str(stage["phase_id"])),
                                                                   stage["deleted_by_seq"]):
                held.setdefault(("phase", str(stage["phase_id"])), Counter())["stages"] += 1

        seqs = {e["row"]["deleted_by_seq"] for e in entries}
        log = {op["seq"]: op for op in Operation.objects.filter(map_id=map_id, seq__in=seqs).values(
            "seq", "actor_id", "actor_name", "actor_team", "created_at")}

    def blocker(entity: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """The deleted container that must come back first (the one a person deleted)."""
        parents: list[tuple[str, dict[str, Any] | None]] = []
        if entity == "stage":
            parents.append(("phase", phases.get(str(row["phase_id"])) if row["phase_id"] else None))
        if entity in ("card", "touchpoint"):
            parents += [("stage", stages.get(str(row["stage_id"]))), ("lane", lanes.get(str(row["lane_id"])))]
        for kind, parent in parents:
            if parent is None or parent["deleted_by_seq"] is None:
                continue
            if kind == "stage" and parent["phase_id"] and same_delete(phases.get(str(parent["phase_id"])),
                                                                      parent["deleted_by_seq"]):
                kind, parent = "phase", phases[str(parent["phase_id"])]
            return {"entity": kind, "id": str(parent["id"]), "label": _label(kind, parent)}
        return None

    out: list[dict[str, Any]] = []
    for entry in entries:
        entity, row = entry["entity"], entry["row"]
        item_id = str(row["id"])
        op = log.get(row["deleted_by_seq"])
        counts = held.get((entity, item_id), Counter())
        blocked = blocker(entity, row)
        where: dict[str, Any] = {}
        if entity in ("card", "touchpoint"):
            stage, lane = stages.get(str(row["stage_id"])), lanes.get(str(row["lane_id"]))
            where = {"stage": stage["name"] if stage else "", "lane": lane["title"] if lane else ""}
        out.append({
            "entity": entity,
            "id": item_id,
            "label": _label(entity, row),
            "seq": row["deleted_by_seq"],
            "deleted_at": op["created_at"] if op else None,
            "deleted_by": ({"id": op["actor_id"], "name": op["actor_name"], "team": op["actor_team"]}
                           if op else None),
            **where,
            "holds": {kind: counts.get(kind, 0) for kind in HELD},
            "restorable": blocked is None,
            "blocked_by": blocked,
        })
    return out
