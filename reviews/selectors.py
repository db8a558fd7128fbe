"""Reads about reviews: when each map's review is due, computed by the database
so lists can filter and sort on it."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from maps.models import JourneyMap, Role
from maps.selectors import human_members
from maps.serializers import MapSerializer
from reviews.schedule import review_due_at

# Who can own a map: someone who can also mark it reviewed.
OWNER_ROLES = (Role.OWNER, Role.EDITOR)


class AddMonths(models.Func):
    """``moment`` plus ``months`` calendar months, in SQL. PostgreSQL clamps the
    31st to a shorter month's last day, as ``reviews.schedule.add_months`` does;
    SQLite rolls over into the next month (a day or three later, at month ends
    only), which only moves a sort or a reminder by that much in the embedded mode
    (``due_for_reminder`` re-checks in Python)."""

    output_field = models.DateTimeField()

    def __init__(self, moment: Any, months: Any) -> None:
        super().__init__(moment, months)

    def _parts(self, compiler, connection):  # type: ignore[no-untyped-def]
        moment, months = (compiler.compile(expression) for expression in self.get_source_expressions())
        return moment[0], months[0], (*moment[1], *months[1])

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        moment, months, params = self._parts(compiler, connection)
        return f"({moment} + make_interval(months => {months}))", params

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        moment, months, params = self._parts(compiler, connection)
        # To the second, as Django writes a datetime without microseconds, so text
        # comparisons with its values hold (the fraction only ever makes it earlier).
        return f"datetime({moment}, '+' || {months} || ' months')", params


def with_review_due(maps: QuerySet[JourneyMap]) -> QuerySet[JourneyMap]:
    """``maps`` annotated with ``review_due``: the last review (or the creation)
    plus the map's interval."""
    return maps.annotate(review_due=AddMonths(Coalesce(F("reviewed_at"), F("created_at")), F("review_every_months")))


def map_review_due_at(journey_map: JourneyMap) -> datetime:
    return review_due_at(reviewed_at=journey_map.reviewed_at, created_at=journey_map.created_at,
                         every_months=journey_map.review_every_months)


def reminder_recipient(journey_map: JourneyMap) -> int | None:
    """The owner, while still someone who can mark the map reviewed (an owner or
    editor of its workspace): someone who left, or was made a viewer since, is not
    reminded of a review they cannot record."""
    if journey_map.owner_id is None:
        return None
    members = human_members(workspace_id=journey_map.workspace_id).filter(role__in=OWNER_ROLES)
    return journey_map.owner_id if members.filter(user_id=journey_map.owner_id).exists() else None


__all__ = ["AddMonths", "OWNER_ROLES", "maps_in_review_order", "possible_owners", "review_badge", "map_review_due_at", "reminder_recipient", "with_review_due"]


def possible_owners(*, workspace_id: Any) -> list[Any]:
    """People who can own a map of the workspace (``reviews.services.OWNER_ROLES``),
    by name."""
    rows = human_members(workspace_id=workspace_id).filter(role__in=OWNER_ROLES).select_related("user")
    return sorted((m.user for m in rows), key=lambda u: (u.get_full_name() or u.get_username()).lower())


# How long a due review is "due" before it is "overdue" (the reminders' week).
OVERDUE_AFTER = dt.timedelta(days=7)


def maps_in_review_order(maps: QuerySet[JourneyMap]) -> QuerySet[JourneyMap]:
    """``maps``, the review due first (most overdue on top), then the latest edited."""
    return with_review_due(maps).order_by("review_due", "-updated_at", "id")


def review_badge(journey_map: JourneyMap, *, now: datetime) -> dict[str, Any] | None:
    """What a dashboard card says about the review: nothing while it is not due
    (or the map is archived); due; overdue a week after it fell due."""
    if journey_map.archived:
        return None
    due = map_review_due_at(journey_map)
    if due > now:
        return None
    return {"due_at": due, "overdue": now - due >= OVERDUE_AFTER}


REVIEW_FIELDS = ("owner", "owner_name", "review_every_months", "reviewed_at", "reviewed_by", "reviewed_by_name",
                 "review_due_at")


def review_state(journey_map: JourneyMap) -> dict[str, Any]:
    """The map's review as the editor's panel and the ``review`` frame show it (the
    fields of the map API)."""
    data = MapSerializer(journey_map).data
    return {key: data[key] for key in REVIEW_FIELDS}
