"""The checks: pure functions over ``MapFacts``, no database and no language.

Each returns a finding ``{"items": [...], "total": n, ...}`` (``items``: what is
wrong, each ``{entity, id, label, ...}``; ``total``: how many things were
looked at) or None when the check does not fit this map (a day in the life has
no moments of truth to find; a blueprint's backstage cells may stay empty).
Whether a finding is a warning or a failure is decided later, in ``scoring``,
once the accepted items are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from health.facts import MapFacts
from health.words import Vocabulary, is_lone_abstract_noun

Finding = dict[str, Any]

CURRENT, FUTURE, DAY, BLUEPRINT = "current_state", "future_state", "day_in_the_life", "service_blueprint"
MAX_STAGES_WITHOUT_PHASES = 12
# Below this many cards and touchpoints a map is a skeleton: who wrote it says nothing yet.
MIN_ITEMS_FOR_TEAMS = 3
# Lanes whose cells should say something at every stage. Left out everywhere:
# opportunities (not every stage needs a change), moments of truth (a few
# stages have them), the emotion curve (``emotion_gaps``), metrics, and the
# blueprint's lines, which hold nothing.
_FILLED_LANES = {"text", "pain_points", "touchpoints", "frontstage", "backstage", "support"}
# Per kind, lanes that may stay empty: behind-the-scenes work is not needed at
# every step of a blueprint; a day in the life meets no touchpoint at some hours.
_MAY_BE_EMPTY = {BLUEPRINT: {"backstage", "support"}, DAY: {"touchpoints"}}
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)


def _stage_item(stage: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"entity": "stage", "id": stage["id"], "label": stage["name"], **extra}


def _map_item(facts: MapFacts, **extra: Any) -> dict[str, Any]:
    return {"entity": "map", "id": facts.map_id, "label": "", **extra}


def _pain_lanes(facts: MapFacts) -> set[str]:
    return {lane["id"] for lane in facts.lanes if lane["kind"] == "pain_points"}


def company_voice(facts: MapFacts) -> Finding | None:
    if not facts.stages:
        return None
    vocabulary = Vocabulary.for_workspace(facts.words)
    # A day in the life is cut into times of day ("Afternoon", "Nuit"): nouns by design.
    check_shape = facts.kind != DAY
    items = []
    for stage in facts.stages:
        jargon = vocabulary.jargon_in(stage["name"])
        noun = check_shape and not jargon and is_lone_abstract_noun(stage["name"])
        if jargon or noun:
            items.append(_stage_item(stage, words=jargon, shape=noun))
    return {"items": items, "total": len(facts.stages)}


def no_persona(facts: MapFacts) -> Finding | None:
    items = [] if facts.personas else [_map_item(facts)]
    return {"items": items, "total": 1}


def emotion_gaps(facts: MapFacts) -> Finding | None:
    if not facts.stages or not any(lane["kind"] == "emotion" for lane in facts.lanes):
        return None
    # With personas, each follows its own curve; without, the map has one curve.
    curves: list[tuple[str | None, str]] = [(p["id"], p["name"]) for p in facts.personas] or [(None, "")]
    items = []
    for stage in facts.stages:
        missing = [name for persona, name in curves if (stage["id"], persona) not in facts.emotions]
        if missing:
            items.append(_stage_item(stage, personas=[name for name in missing if name]))
    return {"items": items, "total": len(facts.stages)}


def no_evidence(facts: MapFacts) -> Finding | None:
    # A future state describes what does not exist yet: there is nothing to prove.
    if facts.kind == FUTURE:
        return None
    pains = _pain_lanes(facts)
    items = []
    total = 0
    # A day in the life's touchpoints are the customer's day (the alarm clock, the
    # bus): only its pain points need proof.
    if facts.kind != DAY:
        for tp in facts.touchpoints:
            total += 1
            if not tp["evidenced"]:
                items.append({"entity": "touchpoint", "id": tp["id"], "label": tp["title"]})
    for card in facts.plan_cards:
        if card["lane"] in pains:
            total += 1
            if not _LINK.search(card["text"]):
                items.append({"entity": "card", "id": card["id"], "label": card["text"][:80]})
    return {"items": items, "total": total} if total else None


def no_moments_of_truth(facts: MapFacts) -> Finding | None:
    # A day in the life looks beyond the brand: there is no relationship to tip.
    if facts.kind == DAY or not facts.stages:
        return None
    return {"items": [] if facts.moments else [_map_item(facts)], "total": 1}


def irritants_unaddressed(facts: MapFacts) -> Finding | None:
    pains = _pain_lanes(facts)
    opportunity_lanes = {lane["id"] for lane in facts.lanes if lane["kind"] == "opportunities"}
    addressed = {card["addresses"] for card in facts.plan_cards if card["addresses"]}
    # A touchpoint cannot be named by a change (``addresses`` points at pain-point
    # cards), so an irritant counts as taken up when its stage has an opportunity.
    stages_with_plans = {card["stage"] for card in facts.plan_cards if card["lane"] in opportunity_lanes}
    items = []
    total = 0
    for card in facts.plan_cards:
        if card["lane"] in pains:
            total += 1
            if card["id"] not in addressed:
                items.append({"entity": "card", "id": card["id"], "label": card["text"][:80]})
    for tp in facts.touchpoints:
        if tp["evaluation"] == "irritant":
            total += 1
            if tp["stage"] not in stages_with_plans:
                items.append({"entity": "touchpoint", "id": tp["id"], "label": tp["title"]})
    return {"items": items, "total": total} if total else None


def single_team(facts: MapFacts) -> Finding | None:
    if sum(facts.cells.values()) + len(facts.touchpoints) < MIN_ITEMS_FOR_TEAMS:
        return None
    teams = {team for _actor, team in facts.writers if team}
    for team in (*facts.card_teams, *(tp["team"] for tp in facts.touchpoints)):
        if team in facts.team_names:
            teams.add(facts.team_names[team])
    people = {actor for actor, _team in facts.writers}
    found = [] if len(teams) > 1 else [_map_item(facts, teams=sorted(teams), people=len(people))]
    return {"items": found, "total": 1}


def empty_cells(facts: MapFacts) -> Finding | None:
    may_be_empty = _MAY_BE_EMPTY.get(facts.kind, set())
    lanes = [lane for lane in facts.lanes if lane["kind"] in _FILLED_LANES and lane["kind"] not in may_be_empty]
    if not lanes or not facts.stages:
        return None
    filled = set(facts.cells) | {(tp["stage"], tp["lane"]) for tp in facts.touchpoints}
    items = [
        {"entity": "cell", "id": f"{stage['id']}:{lane['id']}", "stage": stage["id"], "lane": lane["id"],
         "label": f"{stage['name']} · {lane['title']}"}
        for stage in facts.stages for lane in lanes if (stage["id"], lane["id"]) not in filled
    ]
    return {"items": items, "total": len(lanes) * len(facts.stages)}


def too_many_stages(facts: MapFacts) -> Finding | None:
    loose = [stage for stage in facts.stages if not stage["phase"]]
    found = [_map_item(facts, stages=len(loose))] if len(loose) > MAX_STAGES_WITHOUT_PHASES else []
    return {"items": found, "total": 1}


# In the order the panel lists them within a status; ``stale`` is judged at read
# time (it moves with the clock, not with the map) in ``health.selectors``.
CHECKS: dict[str, Callable[[MapFacts], Finding | None]] = {
    "company_voice": company_voice,
    "no_persona": no_persona,
    "emotion_gaps": emotion_gaps,
    "no_evidence": no_evidence,
    "no_moments_of_truth": no_moments_of_truth,
    "irritants_unaddressed": irritants_unaddressed,
    "single_team": single_team,
    "empty_cells": empty_cells,
    "too_many_stages": too_many_stages,
}


def run_checks(facts: MapFacts) -> dict[str, Finding | None]:
    return {code: check(facts) for code, check in CHECKS.items()}
