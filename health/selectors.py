"""The health of a map, as the API and the panel show it.

Cheap by construction: a map's findings are computed once per ``seq`` (one
query on PostgreSQL whatever the map's size, see ``health.facts``) and kept in
``MapHealth``; any later read at the same ``seq`` costs two queries (that row
and the accepted findings). Messages are written at read time, in the reader's
language, and the review date is judged at read time too (it moves with the
clock, not with the map).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from health.checks import run_checks
from health.facts import MapFacts, map_facts_orm
from health.facts_pg import map_facts_pg
from health.messages import item_note, message, not_applicable, title
from health.models import Acceptance, MapHealth, WorkspaceWords
from health.scoring import FAIL, WARN, score_of, split_accepted, status_of, statuses_of
from maps.models import JourneyMap
from reviews.schedule import add_months, review_due_at


def map_facts(*, journey_map: JourneyMap, extra_words: list[str]) -> MapFacts:
    """What the checks read: one statement on PostgreSQL, eleven portable queries
    elsewhere. Chosen here, not in ``health.facts``: ``facts_pg`` builds on
    ``facts``, and the choice there made an import circle."""
    if connection.vendor == "postgresql":
        return map_facts_pg(journey_map=journey_map, extra_words=extra_words)
    return map_facts_orm(journey_map=journey_map, extra_words=extra_words)


# The panel lists this many items per check; ``count`` says how many there are.
MAX_ITEMS = 200
ORDER = {FAIL: 0, WARN: 1, "ok": 2, None: 3}


def accepted_keys(rows: list[Acceptance]) -> set[tuple[str, str, str]]:
    return {(row.code, row.entity, row.item_id) for row in rows}


def _acceptances(journey_map: JourneyMap) -> list[Acceptance]:
    return list(Acceptance.objects.filter(map_id=journey_map.id))


def workspace_words(workspace_id: Any) -> list[str]:
    row = WorkspaceWords.objects.filter(workspace_id=workspace_id).values_list("words_en", "words_fr").first()
    return [*row[0], *row[1]] if row else []


def map_findings(journey_map: JourneyMap, acceptances: list[Acceptance]) -> MapHealth:
    """The stored findings for the map's current ``seq``, computed when missing."""
    row = MapHealth.objects.filter(map_id=journey_map.id).first()
    if row is not None and row.seq == journey_map.seq:
        return row
    facts = map_facts(journey_map=journey_map, extra_words=workspace_words(journey_map.workspace_id))
    findings = run_checks(facts)
    row = MapHealth(map_id=journey_map.id, seq=facts.seq, findings=findings,
                    statuses=statuses_of(findings, accepted_keys(acceptances)), computed_at=timezone.now())
    # One statement, and two readers computing at once both succeed.
    MapHealth.objects.bulk_create([row], update_conflicts=True, unique_fields=["map"],
                                  update_fields=["seq", "findings", "statuses", "computed_at"])
    return row


def stale_finding(journey_map: JourneyMap, now: datetime | None = None) -> dict[str, Any] | None:
    """Is the map past its review date (``reviews.schedule``, the date the
    reminders use)? Missed by a whole interval more, it fails."""
    now = now or timezone.now()
    months = journey_map.review_every_months
    due_at = review_due_at(reviewed_at=journey_map.reviewed_at, created_at=journey_map.created_at,
                           every_months=months)
    finding: dict[str, Any] = {
        "total": 1, "items": [], "due_at": due_at.isoformat(),
        "reviewed_at": journey_map.reviewed_at.isoformat() if journey_map.reviewed_at else None,
    }
    if now >= due_at:
        # A whole interval past due: the map no longer describes today.
        finding["severity"] = FAIL if now >= add_months(due_at, months) else WARN
        finding["items"] = [{"entity": "map", "id": str(journey_map.id), "label": ""}]
    return finding


def map_health(*, journey_map: JourneyMap, now: datetime | None = None) -> dict[str, Any]:
    """``{score, seq, checks: [...]}`` in the active language."""
    acceptances = _acceptances(journey_map)
    row = map_findings(journey_map, acceptances)
    accepted = {(a.code, a.entity, a.item_id): a for a in acceptances}
    findings: dict[str, Any] = {**row.findings, "stale": stale_finding(journey_map, now)}
    checks = []
    notes: dict[tuple[Any, ...], str] = {}
    statuses: list[tuple[str, str | None]] = []
    for code, finding in findings.items():
        if finding is None:
            statuses.append((code, None))
            checks.append({"code": code, "title": title(code), "status": "ok", "applies": False,
                           "message": not_applicable(code, journey_map.kind), "items": [], "count": 0,
                           "accepted": []})
            continue
        open_items, taken = split_accepted(code, finding["items"], set(accepted))
        status = status_of(code, finding, len(open_items))
        statuses.append((code, status))
        checks.append({
            "code": code, "title": title(code), "status": status, "applies": True,
            "message": message(code, finding, open_items),
            "items": [_item(code, item, notes) for item in open_items[:MAX_ITEMS]],
            "count": len(open_items),
            "accepted": [_accepted_item(code, item, accepted[(code, item["entity"], str(item["id"]))])
                         for item in taken],
        })
    checks.sort(key=lambda check: (ORDER[check["status"] if check["applies"] else None]))
    return {"score": score_of(statuses), "seq": row.seq, "checks": checks}


def _item(code: str, item: dict[str, Any], notes: dict[tuple[Any, ...], str] | None = None) -> dict[str, Any]:
    shown = {key: item[key] for key in ("entity", "id", "label", "stage", "lane") if key in item}
    # Many items share a note ("Empty cell"): translated once per read, not per item.
    key = (code, tuple(item.get("words") or ()), tuple(item.get("personas") or ()))
    if notes is None:
        shown["note"] = item_note(code, item)
    else:
        if key not in notes:
            notes[key] = item_note(code, item)
        shown["note"] = notes[key]
    return shown


def _accepted_item(code: str, item: dict[str, Any], acceptance: Acceptance) -> dict[str, Any]:
    return {**_item(code, item), "acceptance": acceptance.id, "reason": acceptance.reason,
            "accepted_by": acceptance.accepted_by_name, "accepted_at": acceptance.accepted_at.isoformat()}


def dashboard_scores(maps: list[JourneyMap], now: datetime | None = None) -> dict[str, dict[str, int] | None]:
    """Each map's score with its counts of checks to fix and to look at, from the
    stored statuses, in one query; None where the stored findings are missing
    or older than the map (the dashboard then fetches them)."""
    rows = {row.map_id: row for row in MapHealth.objects.filter(map_id__in=[m.id for m in maps])}
    scores: dict[str, dict[str, int] | None] = {}
    for journey_map in maps:
        row = rows.get(journey_map.id)
        if row is None or row.seq != journey_map.seq:
            scores[str(journey_map.id)] = None
            continue
        stale = stale_finding(journey_map, now)
        stale_status = None if stale is None else status_of("stale", stale, len(stale["items"]))
        statuses = [*row.statuses.items(), ("stale", stale_status)]
        scores[str(journey_map.id)] = {
            "score": score_of(statuses),
            "fail": sum(1 for _code, status in statuses if status == FAIL),
            "warn": sum(1 for _code, status in statuses if status == WARN),
        }
    return scores


def score_tone(score: int) -> str:
    """The colour of a score: good from 80, fair from 50, poor below (as the editor's)."""
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"
