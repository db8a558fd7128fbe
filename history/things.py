"""What the op log's ids name today: a label for each thing a batch touched, the
stage it sits in, and whether it is still on the map (live, not a tombstone).

The op log keeps ids, and only creates and updates carry text; a move or a delete
says nothing of what was moved. So the activity reads the rows themselves, a few
queries per page whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from maps.models import Card, EmotionPoint, JourneyMap, Lane, MapPersona, Phase, Stage

LABEL_LENGTH = 80
# The field that names each kind of thing.
LABEL_FIELD = {"map": "title", "phase": "title", "stage": "name", "lane": "title", "card": "text",
               "touchpoint": "title", "moment": "title"}
# Things that sit in a stage: several of them in one stage fold into one entry.
IN_STAGE = ("card", "touchpoint", "moment", "emotion")


@dataclass
class Thing:
    entity: str
    id: str
    label: str
    exists: bool
    stage_id: str | None = None


def shorten(value: Any) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= LABEL_LENGTH else f"{text[:LABEL_LENGTH - 1]}…"


class Things:
    """The map's things by (entity, id), read as a page needs them."""

    def __init__(self, map_id: Any):
        self.map_id = map_id
        self.known: dict[tuple[str, str], Thing] = {}

    def _keep(self, entity: str, row: dict[str, Any], label: Any, exists: bool,
              stage_id: Any = None) -> None:
        key = (entity, str(row["id"]))
        self.known[key] = Thing(entity, key[1], shorten(label), exists, str(stage_id) if stage_id else None)

    def load(self, wanted: set[tuple[str, str]]) -> None:
        """Read the rows of ``wanted`` not read yet. Things in a stage come with
        their stage (one join), so a page of card edits costs one query."""
        from touchpoints.models import MomentOfTruth, Touchpoint

        by_entity: dict[str, list[str]] = defaultdict(list)
        for entity, item_id in wanted:
            if (entity, item_id) not in self.known:
                by_entity[entity].append(item_id)
        mine = {"map_id": self.map_id}
        if by_entity.get("map"):
            for row in JourneyMap.objects.filter(id=self.map_id).values("id", "title", "archived"):
                self._keep("map", row, row["title"], not row["archived"])
        for entity, model in (("phase", Phase), ("stage", Stage), ("lane", Lane)):
            if by_entity.get(entity):
                field = LABEL_FIELD[entity]
                for row in model.objects.filter(**mine, id__in=by_entity[entity]).values(
                        "id", field, "deleted_by_seq"):
                    self._keep(entity, row, row[field], row["deleted_by_seq"] is None)
        in_stage = [(entity, model, LABEL_FIELD.get(entity)) for entity, model in
                    (("card", Card), ("touchpoint", Touchpoint), ("moment", MomentOfTruth), ("emotion", EmotionPoint))]
        for entity, model, field in in_stage:
            if not by_entity.get(entity):
                continue
            # An emotion point is named by whose curve it is on; none is the shared curve.
            label = field or "persona__name"
            for row in model.objects.filter(**mine, id__in=by_entity[entity]).values(
                    "id", label, "deleted_by_seq", "stage_id", "stage__name", "stage__deleted_by_seq"):
                self._keep(entity, row, row[label], row["deleted_by_seq"] is None, row["stage_id"])
                if ("stage", str(row["stage_id"])) not in self.known:
                    self._keep("stage", {"id": row["stage_id"]}, row["stage__name"],
                               row["stage__deleted_by_seq"] is None)
        if by_entity.get("persona_link"):
            for row in MapPersona.objects.filter(**mine, id__in=by_entity["persona_link"]).values(
                    "id", "persona__name", "deleted_by_seq"):
                self._keep("persona_link", row, row["persona__name"], row["deleted_by_seq"] is None)

    def get(self, entity: str, item_id: str) -> Thing:
        thing = self.known.get((entity, item_id))
        if thing is None:
            # Not on this map as far as the database knows (an id that never took):
            # say it is gone rather than guess.
            return Thing(entity, item_id, "", False)
        return thing

    def stage_of(self, entity: str, op: dict[str, Any]) -> str | None:
        """The stage an op's thing sits in: the op's own ``stage`` (creates and moves
        say where it went), else the row's."""
        if entity not in IN_STAGE:
            return None
        stage = (op.get("fields") or {}).get("stage")
        if isinstance(stage, str) and stage:
            return stage
        return self.get(entity, str(op.get("id"))).stage_id
