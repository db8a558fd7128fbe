"""Writes of the health app: accepting a finding (and undoing it), and a
workspace's own company words. Neither touches the map's content, so neither
goes through the op log: they are judgements about the map, kept beside it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from health.models import Acceptance, MapHealth, WorkspaceWords
from health.scoring import item_key, statuses_of
from health.selectors import accepted_keys, map_findings, stale_finding
from health.words import clean_word_list
from maps.errors import OpError
from maps.models import JourneyMap, Workspace
from maps.realtime import broadcast_health


def _display_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _restate(journey_map: JourneyMap) -> None:
    """Rewrite the stored statuses (what the dashboard scores) after a change of
    what is accepted."""
    acceptances = list(Acceptance.objects.filter(map_id=journey_map.id))
    row = map_findings(journey_map, acceptances)
    row.statuses = statuses_of(row.findings, accepted_keys(acceptances))
    MapHealth.objects.filter(map_id=journey_map.id, seq=row.seq).update(statuses=row.statuses)


def health_accept(*, journey_map: JourneyMap, user: Any, code: str, entity: str, item_id: str,
                  reason: str) -> Acceptance:
    """Accept one current finding: it stops counting, and the panel shows who and why.

    Only what the checks find now can be accepted (a finding about something
    fixed or deleted has nothing to silence); accepting again replaces the reason.
    """
    row = map_findings(journey_map, list(Acceptance.objects.filter(map_id=journey_map.id)))
    findings: dict[str, Any] = {**row.findings, "stale": stale_finding(journey_map)}
    finding = findings.get(code)
    wanted = (code, entity, item_id)
    if finding is None or not any(item_key(code, item) == wanted for item in finding["items"]):
        raise OpError("invalid", "this item is not a current finding of that check", field="id")
    with transaction.atomic():
        acceptance, _created = Acceptance.objects.update_or_create(
            map_id=journey_map.id, code=code, entity=entity, item_id=item_id,
            defaults={"reason": reason, "accepted_by": user, "accepted_by_name": _display_name(user)},
        )
        _restate(journey_map)
        _tell_panels(journey_map)
    return acceptance


def health_unaccept(*, journey_map: JourneyMap, acceptance_id: int) -> None:
    """Undo an acceptance: the finding counts again."""
    with transaction.atomic():
        deleted, _rows = Acceptance.objects.filter(map_id=journey_map.id, id=acceptance_id).delete()
        if not deleted:
            raise OpError("not_found", "no such accepted finding")
        _restate(journey_map)
        _tell_panels(journey_map)


def _tell_panels(journey_map: JourneyMap) -> None:
    """Open Health panels read the health again once this is committed (an
    acceptance is not map content: no seq, no ops frame would tell them)."""
    map_id = journey_map.id
    transaction.on_commit(lambda: broadcast_health(map_id, {"type": "health", "map": str(map_id)}))


def workspace_words_set(*, workspace: Workspace, user: Any, words_en: list[str], words_fr: list[str]) -> WorkspaceWords:
    """Replace the workspace's own company words; every map of the workspace is
    checked again on its next read."""
    with transaction.atomic():
        row, _created = WorkspaceWords.objects.update_or_create(
            workspace=workspace,
            defaults={"words_en": clean_word_list(words_en), "words_fr": clean_word_list(words_fr),
                      "updated_by": user},
        )
        MapHealth.objects.filter(map__workspace=workspace).delete()
    return row
