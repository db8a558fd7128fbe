"""``MapFacts`` in one statement on PostgreSQL.

The checks need a dozen small reads; as separate queries each is a round trip
that waits for a core on a busy server, and those waits were most of a cold
health read. One ``UNION ALL`` of tagged text rows returns them together, and a
single statement reads one snapshot by itself (no REPEATABLE READ transaction).
The portable ORM version (``health.facts.map_facts_orm``) serves SQLite and is
the reference: a test asserts both give the same facts.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from health.facts import PLAN_LANES, MapFacts
from maps.models import Card, EmotionPoint, JourneyMap, Lane, MapPersona, Operation, Phase, Stage, Team
from personas.models import Persona
from touchpoints.models import MomentOfTruth, Touchpoint

_T = {model: model._meta.db_table for model in (Card, EmotionPoint, JourneyMap, Lane, MapPersona, Operation,
                                               Phase, Stage, Team, Persona, MomentOfTruth, Touchpoint)}
_LIVE = "map_id = %(map)s AND deleted_by_seq IS NULL"
_HAS_ITEMS = "COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof({0}) = 'array' THEN {0} END), 0) > 0"

# Every row: a tag and up to seven text columns; positions order what is ordered.
_SQL = f"""
SELECT 'map', seq::text, (SELECT count(*) FROM "{_T[Phase]}" WHERE {_LIVE})::text,
       (SELECT count(*) FROM "{_T[MomentOfTruth]}" WHERE {_LIVE})::text, NULL, NULL, NULL, NULL
  FROM "{_T[JourneyMap]}" WHERE id = %(map)s
UNION ALL SELECT 'stage', id::text, name, phase_id::text, position, NULL, NULL, NULL
  FROM "{_T[Stage]}" WHERE {_LIVE}
UNION ALL SELECT 'lane', id::text, kind, title, position, NULL, NULL, NULL FROM "{_T[Lane]}" WHERE {_LIVE}
UNION ALL SELECT 'cell', stage_id::text, lane_id::text, count(*)::text, NULL, NULL, NULL, NULL
  FROM "{_T[Card]}" WHERE {_LIVE} GROUP BY stage_id, lane_id
UNION ALL SELECT DISTINCT 'card_team', team_id::text, NULL, NULL, NULL, NULL, NULL, NULL
  FROM "{_T[Card]}" WHERE {_LIVE} AND team_id IS NOT NULL
UNION ALL SELECT 'plan', c.id::text, c.stage_id::text, c.lane_id::text, c.addresses_id::text, c.text, c.position, NULL
  FROM "{_T[Card]}" c JOIN "{_T[Lane]}" l ON l.id = c.lane_id
  WHERE c.map_id = %(map)s AND c.deleted_by_seq IS NULL AND l.kind = ANY(%(plan_lanes)s)
UNION ALL SELECT 'touchpoint', id::text, stage_id::text, lane_id::text, title, owner_team_id::text,
       evaluation || '|' || ({_HAS_ITEMS.format("evidence")} OR {_HAS_ITEMS.format("attachments")})::text, position
  FROM "{_T[Touchpoint]}" WHERE {_LIVE}
UNION ALL SELECT 'emotion', stage_id::text, persona_id::text, NULL, NULL, NULL, NULL, NULL
  FROM "{_T[EmotionPoint]}" WHERE {_LIVE}
UNION ALL SELECT 'persona', mp.persona_id::text, p.name, mp.position, NULL, NULL, NULL, NULL
  FROM "{_T[MapPersona]}" mp JOIN "{_T[Persona]}" p ON p.id = mp.persona_id
  WHERE mp.map_id = %(map)s AND mp.deleted_by_seq IS NULL
UNION ALL SELECT DISTINCT 'writer', actor_id::text, actor_team, NULL, NULL, NULL, NULL, NULL
  FROM "{_T[Operation]}" WHERE map_id = %(map)s AND actor_id IS NOT NULL
UNION ALL SELECT 'team', id::text, name, NULL, NULL, NULL, NULL, NULL FROM "{_T[Team]}" WHERE workspace_id = %(ws)s
"""


def _by_position(rows: list[tuple[str, Any]]) -> list[Any]:
    # Positions compare byte-wise (the "C" collation); ties by id, as the document orders them.
    return [item for _key, item in sorted(rows, key=lambda pair: pair[0])]


def map_facts_pg(*, journey_map: JourneyMap, extra_words: list[str]) -> MapFacts:
    """One query, whatever the size of the map."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, {"map": journey_map.id, "ws": journey_map.workspace_id, "plan_lanes": list(PLAN_LANES)})
        rows = cursor.fetchall()
    seq = phases = moments = 0
    stages, lanes, plan_cards, touchpoints, personas = [], [], [], [], []
    cells: dict[tuple[str, str], int] = {}
    card_teams: set[str] = set()
    emotions: set[tuple[str, str | None]] = set()
    writers: set[tuple[int, str]] = set()
    team_names: dict[str, str] = {}
    for tag, a, b, c, d, e, f, g in rows:
        if tag == "map":
            seq, phases, moments = int(a), int(b), int(c)
        elif tag == "stage":
            stages.append(((d, a), {"id": a, "name": b, "phase": c}))
        elif tag == "lane":
            lanes.append(((d, a), {"id": a, "kind": b, "title": c}))
        elif tag == "cell":
            cells[(a, b)] = int(c)
        elif tag == "card_team":
            card_teams.add(a)
        elif tag == "plan":
            plan_cards.append(((f, a), {"id": a, "stage": b, "lane": c, "addresses": d, "text": e}))
        elif tag == "touchpoint":
            evaluation, _bar, evidenced = f.rpartition("|")
            touchpoints.append(((g, a), {"id": a, "stage": b, "lane": c, "title": d, "team": e,
                                         "evaluation": evaluation, "evidenced": evidenced == "true"}))
        elif tag == "emotion":
            emotions.add((a, b))
        elif tag == "persona":
            personas.append(((c, a), {"id": a, "name": b}))
        elif tag == "writer":
            writers.add((int(a), b or ""))
        elif tag == "team":
            team_names[a] = b
    return MapFacts(
        map_id=str(journey_map.id), kind=journey_map.kind, seq=seq, stages=_by_position(stages), phases=phases,
        lanes=_by_position(lanes), cells=cells, card_teams=card_teams, plan_cards=_by_position(plan_cards),
        touchpoints=_by_position(touchpoints), moments=moments, emotions=emotions, personas=_by_position(personas),
        writers=writers, team_names=team_names, words=extra_words,
    )
