"""What the checks look at, read from the database in a fixed number of queries
whatever the map's size: one per kind of row, values only (no model instances),
inside one snapshot so every row belongs to the same ``seq``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from maps.models import Card, EmotionPoint, JourneyMap, Lane, MapPersona, Operation, Phase, Stage, Team
from maps.selectors import snapshot_transaction
from touchpoints.models import MomentOfTruth, Touchpoint

# Lanes whose cards the checks read one by one.
PLAN_LANES = ("pain_points", "opportunities")


@dataclass
class MapFacts:
    map_id: str
    kind: str
    seq: int
    stages: list[dict[str, Any]]  # in order: id, name, phase
    phases: int
    lanes: list[dict[str, Any]]  # in order: id, kind, title
    # Cards are many; the checks need only where they are, whose they are, and
    # the few in the pain-point and opportunity lanes in full.
    cells: dict[tuple[str, str], int]  # (stage, lane) -> cards in that cell
    card_teams: set[str]
    plan_cards: list[dict[str, Any]]  # pain points and opportunities: id, stage, lane, addresses, text
    touchpoints: list[dict[str, Any]]  # id, stage, lane, title, team, evaluation, evidenced
    moments: int
    emotions: set[tuple[str, str | None]]  # (stage, persona or None)
    personas: list[dict[str, Any]]  # id, name
    # Who wrote the map, from the op log: (user id, team name at the time).
    writers: set[tuple[int, str]] = field(default_factory=set)
    team_names: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)


def _live(model: Any, map_id: Any) -> Any:
    return model.objects.filter(map_id=map_id, deleted_by_seq__isnull=True)


def _live_count(model: Any) -> Coalesce:
    rows = model.objects.filter(map=OuterRef("pk"), deleted_by_seq__isnull=True).order_by()
    return Coalesce(Subquery(rows.values("map").annotate(n=Count("id")).values("n")), 0)


def map_facts_orm(*, journey_map: JourneyMap, extra_words: list[str]) -> MapFacts:
    """Eleven queries, whatever the size of the map."""
    map_id = journey_map.id
    with snapshot_transaction():
        # The seq and two counts in one round trip (each costs one under load).
        seq, phases, moments = JourneyMap.objects.filter(id=map_id).annotate(
            phase_count=_live_count(Phase), moment_count=_live_count(MomentOfTruth),
        ).values_list("seq", "phase_count", "moment_count").first() or (0, 0, 0)
        stages = [
            {"id": str(row[0]), "name": row[1], "phase": str(row[2]) if row[2] else None}
            for row in _live(Stage, map_id).order_by("position", "id").values_list("id", "name", "phase_id")
        ]
        lanes = [
            {"id": str(row[0]), "kind": row[1], "title": row[2]}
            for row in _live(Lane, map_id).order_by("position", "id").values_list("id", "kind", "title")
        ]
        live_cards = _live(Card, map_id)
        cells = {
            (str(stage), str(lane)): count
            for stage, lane, count in live_cards.order_by().values_list("stage_id", "lane_id")
            .annotate(count=Count("id")).values_list("stage_id", "lane_id", "count")
        }
        card_teams = {
            str(team) for team in live_cards.filter(team__isnull=False).order_by().values_list("team_id", flat=True)
            .distinct()
        }
        plan_cards = [
            {"id": str(row[0]), "stage": str(row[1]), "lane": str(row[2]),
             "addresses": str(row[3]) if row[3] else None, "text": row[4]}
            for row in live_cards.filter(lane__kind__in=PLAN_LANES).order_by("position", "id")
            .values_list("id", "stage_id", "lane_id", "addresses_id", "text")
        ]
        touchpoints = [
            {"id": str(row[0]), "stage": str(row[1]), "lane": str(row[2]), "title": row[3],
             "team": str(row[4]) if row[4] else None, "evaluation": row[5], "evidenced": bool(row[6] or row[7])}
            for row in _live(Touchpoint, map_id).order_by("position", "id")
            .values_list("id", "stage_id", "lane_id", "title", "owner_team_id", "evaluation", "evidence",
                         "attachments")
        ]
        emotions = {
            (str(stage), str(persona) if persona else None)
            for stage, persona in _live(EmotionPoint, map_id).values_list("stage_id", "persona_id")
        }
        personas = [
            {"id": str(row[0]), "name": row[1]}
            for row in _live(MapPersona, map_id).order_by("position", "id").values_list("persona_id", "persona__name")
        ]
        # Distinct pairs, not the log: a long-lived map's log is long, its writers few.
        writers = {
            (actor, team or "")
            # order_by() clears the log's ordering, which DISTINCT would otherwise include.
            for actor, team in Operation.objects.filter(map_id=map_id, actor__isnull=False).order_by()
            .values_list("actor_id", "actor_team").distinct()
        }
        team_names = {
            str(team_id): name
            for team_id, name in Team.objects.filter(workspace_id=journey_map.workspace_id).values_list("id", "name")
        }
    return MapFacts(
        map_id=str(map_id), kind=journey_map.kind, seq=seq, stages=stages, phases=phases, lanes=lanes, cells=cells,
        card_teams=card_teams, plan_cards=plan_cards,
        touchpoints=touchpoints, moments=moments, emotions=emotions, personas=personas, writers=writers,
        team_names=team_names, words=extra_words,
    )
