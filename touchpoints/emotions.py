"""The emotion curve derived from touchpoint evaluations.

A stage's proposed score is the volume-weighted mean of its touchpoints'
evaluations (delight +3, basic satisfaction 0, irritant -3), rounded to the
nearest whole score. Volume is what makes a frequent irritant weigh more than a
rare delight: a touchpoint's weight is its share of customers (0-100 %) when
known; otherwise its monthly count as a share of the busiest touchpoint on the
map; otherwise a middling 50, so an unmeasured touchpoint still counts.

Pure functions over the document (``maps.selectors.map_document``); applying a
proposal is ordinary ops through ``maps.operations.apply``.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

EVALUATION_SCORE = {"delight": 3, "neutral": 0, "irritant": -3}
UNKNOWN_VOLUME_WEIGHT = 50.0
# Counts per period brought to a month, so 500 a day outweighs 2,000 a month.
PER_MONTH = {"day": 30.0, "week": 30.0 / 7.0, "month": 1.0, "year": 1.0 / 12.0, "": 1.0}


def monthly_count(touchpoint: dict[str, Any]) -> float | None:
    count = touchpoint.get("volume_count")
    if count is None:
        return None
    return float(count) * PER_MONTH.get(touchpoint.get("volume_period") or "", 1.0)


def volume_weights(touchpoints: list[dict[str, Any]]) -> dict[str, float | None]:
    """Each touchpoint's volume on a 0-100 scale, or None when it has none."""
    monthly = {tp["id"]: monthly_count(tp) for tp in touchpoints}
    busiest = max((m for m in monthly.values() if m), default=0.0)
    weights: dict[str, float | None] = {}
    for tp in touchpoints:
        if tp.get("volume_share") is not None:
            weights[tp["id"]] = float(tp["volume_share"])
        elif monthly[tp["id"]] is not None and busiest > 0:
            weights[tp["id"]] = 100.0 * monthly[tp["id"]] / busiest
        elif monthly[tp["id"]] is not None:
            weights[tp["id"]] = 0.0
        else:
            weights[tp["id"]] = None
    return weights


def _round(value: float) -> int:
    """Half away from zero, so -1.5 is -2 like +1.5 is +2."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def derive_emotions(doc: dict[str, Any], *, persona: str | None = None) -> list[dict[str, Any]]:
    """Proposed scores, one per stage that has evaluated touchpoints, in stage order.

    Each proposal: ``{stage, score, current, emotion_id, touchpoints}`` where
    ``current`` is the persona's (or the shared curve's) score now, or None.
    """
    touchpoints = doc.get("touchpoints", [])
    weights = volume_weights(touchpoints)
    by_stage: dict[str, list[dict[str, Any]]] = {}
    for tp in touchpoints:
        if tp.get("evaluation") in EVALUATION_SCORE:
            by_stage.setdefault(tp["stage"], []).append(tp)
    existing = {e["stage"]: e for e in doc.get("emotions", []) if (e.get("persona") or None) == (persona or None)}
    proposals = []
    for stage in doc.get("stages", []):
        evaluated = by_stage.get(stage["id"])
        if not evaluated:
            continue
        total = 0.0
        weighted = 0.0
        for tp in evaluated:
            weight = weights[tp["id"]]
            weight = UNKNOWN_VOLUME_WEIGHT if weight is None else weight
            total += weight
            weighted += weight * EVALUATION_SCORE[tp["evaluation"]]
        if total <= 0:
            continue
        score = max(-3, min(3, _round(weighted / total)))
        current = existing.get(stage["id"])
        proposals.append({
            "stage": stage["id"],
            "score": score,
            "current": current["score"] if current else None,
            "emotion_id": current["id"] if current else None,
            "touchpoints": len(evaluated),
        })
    return proposals


def derive_ops(proposals: list[dict[str, Any]], *, persona: str | None = None) -> list[dict[str, Any]]:
    """The ops that apply the proposals: one batch, nothing for unchanged stages."""
    ops: list[dict[str, Any]] = []
    for proposal in proposals:
        if proposal["current"] == proposal["score"]:
            continue
        if proposal["emotion_id"]:
            ops.append({"op": "update", "entity": "emotion", "id": proposal["emotion_id"],
                        "fields": {"score": proposal["score"]}})
        else:
            fields: dict[str, Any] = {"stage": proposal["stage"], "score": proposal["score"]}
            if persona:
                fields["persona"] = persona
            ops.append({"op": "create", "entity": "emotion", "id": str(uuid.uuid4()), "fields": fields})
    return ops
