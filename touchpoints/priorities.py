"""What to fix first: moments of truth and irritant touchpoints, ranked.

Good practice puts moments of truth and high-volume irritants first. Each entry's
``weight`` is importance x impact (1-25) for a moment of truth; an irritant
touchpoint that is not itself a moment of truth has none (0), so it ranks after
the rated ones by weight. ``volume`` is the 0-100 scale of
``touchpoints.emotions.volume_weights`` (a moment takes its touchpoint's). Two
orders: ``by="weight"`` (weight, then volume) and ``by="volume"`` (volume, then
weight); entries without a volume come last in the volume order.

A pure function over the document (``maps.selectors.map_document``).
"""

from __future__ import annotations

from typing import Any

from touchpoints.emotions import volume_weights


def rank_priorities(doc: dict[str, Any], *, by: str = "weight") -> list[dict[str, Any]]:
    touchpoints = {tp["id"]: tp for tp in doc.get("touchpoints", [])}
    volumes = volume_weights(list(touchpoints.values()))
    stage_order = {stage["id"]: i for i, stage in enumerate(doc.get("stages", []))}
    stage_names = {stage["id"]: stage["name"] for stage in doc.get("stages", [])}
    entries: list[dict[str, Any]] = []
    covered: set[str] = set()
    for moment in doc.get("moments", []):
        if moment["stage"] not in stage_order:
            continue
        tp = touchpoints.get(moment.get("touchpoint") or "")
        if tp:
            covered.add(tp["id"])
        entries.append({
            "kind": "moment",
            "id": moment["id"],
            "title": moment["title"],
            "stage": moment["stage"],
            "stage_name": stage_names[moment["stage"]],
            "touchpoint": tp["id"] if tp else None,
            "importance": moment["importance"],
            "impact": moment["impact"],
            "valence": moment["valence"],
            "weight": moment["importance"] * moment["impact"],
            "volume": volumes.get(tp["id"]) if tp else None,
            "irritant": bool(tp and tp.get("evaluation") == "irritant"),
        })
    for tp in touchpoints.values():
        if tp.get("evaluation") != "irritant" or tp["id"] in covered or tp["stage"] not in stage_order:
            continue
        entries.append({
            "kind": "touchpoint",
            "id": tp["id"],
            "title": tp["title"],
            "stage": tp["stage"],
            "stage_name": stage_names[tp["stage"]],
            "touchpoint": tp["id"],
            "importance": None,
            "impact": None,
            "valence": "negative",
            "weight": 0,
            "volume": volumes.get(tp["id"]),
            "irritant": True,
        })

    def volume_key(entry: dict[str, Any]) -> float:
        return -1.0 if entry["volume"] is None else entry["volume"]

    def stage_key(entry: dict[str, Any]) -> tuple[int, str]:
        return stage_order[entry["stage"]], entry["id"]

    if by == "volume":
        entries.sort(key=lambda e: (-volume_key(e), -e["weight"], *stage_key(e)))
    else:
        entries.sort(key=lambda e: (-e["weight"], -volume_key(e), *stage_key(e)))
    for rank, entry in enumerate(entries, start=1):
        entry["rank"] = rank
    return entries
