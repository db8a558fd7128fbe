"""Seeded random edits of a map, as people make them: cards written, edited,
moved and deleted, stages and lanes added, renamed, deleted and brought back,
touchpoints evaluated, emotion scores changed. Each batch is valid for the
document it is drawn from (the server may still refuse a rare one: fine)."""

from __future__ import annotations

import random
import uuid
from typing import Any

from maps.models import EmotionPoint, Stage

WORDS = ["call", "wait", "invoice", "parcel", "late", "refund", "app", "store", "advisor", "chat", "form", "email",
         "delay", "happy", "angry"]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))


def random_batch(rng: random.Random, doc: dict[str, Any], map_id: Any) -> list[dict[str, Any]]:
    stages = [s["id"] for s in doc["stages"]]
    lanes = [lane["id"] for lane in doc["lanes"] if lane["kind"] == "text"]
    tp_lanes = [lane["id"] for lane in doc["lanes"] if lane["kind"] == "touchpoints"]
    cards = [c["id"] for c in doc["cards"]]
    roll = rng.random()
    new = str(uuid.uuid4())
    if roll < 0.25 or not cards:
        fields: dict[str, Any] = {"stage": rng.choice(stages), "lane": rng.choice(lanes), "text": sentence(rng)}
        siblings = [c["id"] for c in doc["cards"] if (c["stage"], c["lane"]) == (fields["stage"], fields["lane"])]
        if siblings and rng.random() < 0.5:
            fields["after"] = rng.choice(siblings)
        return [{"op": "create", "entity": "card", "id": new, "fields": fields}]
    if roll < 0.45:
        return [{"op": "update", "entity": "card", "id": rng.choice(cards),
                 "fields": {"text": sentence(rng), **({"color": "#aa3300"} if rng.random() < 0.2 else {})}}]
    if roll < 0.6:
        return [{"op": "move", "entity": "card", "id": rng.choice(cards),
                 "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes)}}]
    if roll < 0.7:
        return [{"op": "delete", "entity": "card", "id": rng.choice(cards)}]
    if roll < 0.74:
        return [{"op": "create", "entity": "stage", "id": new, "fields": {"name": sentence(rng)},
                 **({} if rng.random() < 0.5 else {})}]
    if roll < 0.78 and len(stages) > 2:
        return [{"op": "delete", "entity": "stage", "id": rng.choice(stages)}]
    if roll < 0.82:
        deleted = list(Stage.objects.filter(map_id=map_id, deleted_by_seq__isnull=False).values_list("id", flat=True))
        if deleted:
            return [{"op": "restore", "entity": "stage", "id": str(rng.choice(deleted))}]
        return [{"op": "update", "entity": "stage", "id": rng.choice(stages), "fields": {"name": sentence(rng)}}]
    if roll < 0.86:
        return [{"op": "move", "entity": "stage", "id": rng.choice(stages),
                 "fields": {"after": rng.choice(stages)}}]
    if roll < 0.92 and tp_lanes:
        tps = [t["id"] for t in doc["touchpoints"]]
        if tps and rng.random() < 0.6:
            return [{"op": "update", "entity": "touchpoint", "id": rng.choice(tps),
                     "fields": {"evaluation": rng.choice(["delight", "neutral", "irritant"])}}]
        return [{"op": "create", "entity": "touchpoint", "id": new,
                 "fields": {"stage": rng.choice(stages), "lane": tp_lanes[0], "title": sentence(rng)}}]
    stage = rng.choice(stages)
    existing = EmotionPoint.objects.filter(map_id=map_id, stage_id=stage, persona__isnull=True).first()
    return [{"op": "create", "entity": "emotion", "id": str(existing.id) if existing else new,
             "fields": {"stage": stage, "score": rng.randint(-3, 3)}}] if existing is None else [
        {"op": "update", "entity": "emotion", "id": str(existing.id), "fields": {"score": rng.randint(-3, 3)}}]
