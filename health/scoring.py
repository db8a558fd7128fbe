"""From findings to statuses and a score, once accepted items are taken out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

OK, WARN, FAIL = "ok", "warn", "fail"

# How much each check weighs in the score: the mistakes that make a map wrong
# (the company's voice, no persona) weigh most; the ones that make it thin less.
WEIGHTS = {
    "company_voice": 3,
    "no_persona": 3,
    "emotion_gaps": 2,
    "no_evidence": 2,
    "no_moments_of_truth": 2,
    "irritants_unaddressed": 2,
    "single_team": 1,
    "empty_cells": 2,
    "too_many_stages": 1,
    "stale": 2,
}
# Checks over many items fail when this share of what they looked at is wrong,
# and only warn below it; the others have one status when they fire.
_FAIL_SHARE = {"company_voice": 1 / 3, "emotion_gaps": 0.5, "no_evidence": 1.0, "irritants_unaddressed": 1.0,
               "empty_cells": 0.5}
_WHEN_FOUND = {"no_persona": FAIL, "no_moments_of_truth": WARN, "single_team": WARN, "too_many_stages": WARN}
_CREDIT = {OK: 1.0, WARN: 0.5, FAIL: 0.0}


def item_key(code: str, item: dict[str, Any]) -> tuple[str, str, str]:
    return code, item["entity"], str(item["id"])


def split_accepted(code: str, items: list[dict[str, Any]],
                   accepted: set[tuple[str, str, str]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(still open, accepted) items of one check."""
    open_items = [item for item in items if item_key(code, item) not in accepted]
    taken = [item for item in items if item_key(code, item) in accepted]
    return open_items, taken


def status_of(code: str, finding: dict[str, Any], open_count: int) -> str:
    if open_count == 0:
        return OK
    if code in _FAIL_SHARE:
        total = max(finding.get("total") or 0, 1)
        return FAIL if open_count / total >= _FAIL_SHARE[code] - 1e-9 else WARN
    if "severity" in finding:
        return finding["severity"]
    return _WHEN_FOUND.get(code, WARN)


def statuses_of(findings: dict[str, dict[str, Any] | None],
                accepted: set[tuple[str, str, str]]) -> dict[str, str | None]:
    """Each check's status (None where it does not apply)."""
    statuses: dict[str, str | None] = {}
    for code, finding in findings.items():
        if finding is None:
            statuses[code] = None
            continue
        open_items, _taken = split_accepted(code, finding["items"], accepted)
        statuses[code] = status_of(code, finding, len(open_items))
    return statuses


def score_of(statuses: Iterable[tuple[str, str | None]]) -> int:
    """0..100: the weighted share of the checks that apply, a warning counting half."""
    earned = weight = 0.0
    for code, status in statuses:
        if status is None:
            continue
        weight += WEIGHTS.get(code, 1)
        earned += WEIGHTS.get(code, 1) * _CREDIT[status]
    return round(100 * earned / weight) if weight else 100
