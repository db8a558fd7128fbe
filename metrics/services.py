"""Writes of metric series: points stored (a period posted again replaces its
value), then each touchpoint's latest readings written into its fields through
the write path as one batch, so open editors see them and the op log keeps them.

Both happen in one transaction under the map's row lock (taken first, so two
calls on one map queue rather than deadlock on the points' unique index): a
refused batch leaves no point behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maps.models import JourneyMap
from maps.services import map_edit
from metrics.catalog import BUILTINS, MAX_CUSTOM_KEYS, Metric, custom_metric
from metrics.models import MetricKey, MetricPoint
from metrics.points import Point
from metrics.selectors import latest_readings
from touchpoints.models import Touchpoint

UPSERT_BATCH = 2_000


@dataclass(frozen=True)
class Recorded:
    points: int  # distinct (touchpoint, metric, period) stored
    touchpoints: int  # touchpoints whose fields changed
    seq: int | None  # the batch that changed them (None: nothing changed)


def points_record(*, journey_map: JourneyMap, user: Any, points: list[Point], role: str | None = None) -> Recorded:
    now = timezone.now()
    # The last of repeated (touchpoint, metric, period) wins, as a later call would.
    unique = {(p.touchpoint_id, p.metric, p.granularity, p.period): p for p in points}
    touchpoint_ids = sorted({p.touchpoint_id for p in points})
    keys = sorted({p.metric for p in points})
    with transaction.atomic():
        list(JourneyMap.objects.select_for_update().filter(id=journey_map.id).values_list("id"))
        _upsert(journey_map.id, list(unique.values()), now, getattr(user, "pk", None))
        ops = touchpoint_ops(touchpoint_ids, latest_readings(touchpoint_ids=touchpoint_ids, metrics=keys))
        ack = map_edit(journey_map, user, ops, role=role, max_ops=None) if ops else None
    return Recorded(points=len(unique), touchpoints=len(ops), seq=ack.seq if ack else None)


def _upsert(map_id: Any, points: list[Point], now: Any, user_id: Any) -> None:
    """Insert the points, replacing the value of a period already stored."""
    if connection.vendor != "postgresql":
        MetricPoint.objects.bulk_create(
            [MetricPoint(map_id=map_id, touchpoint_id=p.touchpoint_id, metric=p.metric, period=p.period,
                         granularity=p.granularity, value=p.value, updated_at=now, updated_by_id=user_id)
             for p in points],
            batch_size=UPSERT_BATCH, update_conflicts=True,
            unique_fields=["touchpoint", "metric", "granularity", "period"],
            update_fields=["value", "updated_at", "updated_by"])
        return
    # One statement (10,000 rows: no model instances, one round trip). The rows
    # travel as one JSON text: Django's psycopg cursor binds on the client, and
    # quoting one string is far cheaper than quoting five 10,000-element arrays.
    # A period whose value is unchanged is left as it was.
    rows = json.dumps([[p.touchpoint_id, p.metric, p.period.isoformat(), p.granularity, p.value] for p in points])
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, [map_id, now, user_id, rows])


_TABLE = MetricPoint._meta.db_table
_UPSERT_SQL = f"""
INSERT INTO {_TABLE} (touchpoint_id, metric, period, granularity, value, map_id, updated_at, updated_by_id)
SELECT (r->>0)::uuid, r->>1, (r->>2)::date, r->>3, (r->>4)::double precision, %s, %s, %s
FROM jsonb_array_elements(%s::jsonb) AS r
ON CONFLICT (touchpoint_id, metric, granularity, period) DO UPDATE
SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by_id = EXCLUDED.updated_by_id
WHERE {_TABLE}.value IS DISTINCT FROM EXCLUDED.value
"""


def touchpoint_ops(touchpoint_ids: list[str], readings: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One update op per touchpoint whose readings changed: each built-in metric's
    field, and the ``metrics`` readings (every key's latest value and period)."""
    current = Touchpoint.objects.filter(id__in=touchpoint_ids).values("id", "metrics", *BUILTINS)
    ops = []
    for row in current:
        latest = readings.get(str(row["id"]), {})
        fields: dict[str, Any] = {}
        for key, reading in latest.items():
            if key in BUILTINS:
                value = int(reading["value"]) if BUILTINS[key].integer else reading["value"]
                if row[key] != value:
                    fields[key] = value
        merged = {**(row["metrics"] or {}), **latest}
        if merged != row["metrics"]:
            fields["metrics"] = merged
        if fields:
            ops.append({"op": "update", "entity": "touchpoint", "id": str(row["id"]), "fields": fields})
    return ops


class KeyRefused(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def metric_key_create(*, workspace: Any, key: str, label: str, min_value: float | None, max_value: float | None,
                      created_by: Any) -> Metric:
    """A workspace's own metric key (owners). ``KeyRefused`` names the field."""
    if key in BUILTINS:
        raise KeyRefused("key", _("%(key)s is a built-in metric") % {"key": key})
    if min_value is not None and max_value is not None and min_value > max_value:
        raise KeyRefused("min", _("must not be greater than max"))
    taken = MetricKey.objects.filter(workspace=workspace)
    if taken.filter(key=key).exists():
        raise KeyRefused("key", _("this workspace already has the metric %(key)s") % {"key": key})
    if taken.count() >= MAX_CUSTOM_KEYS:
        raise KeyRefused("key", _("a workspace has at most %(limit)d metrics of its own") % {
            "limit": MAX_CUSTOM_KEYS})
    try:
        with transaction.atomic():
            row = MetricKey.objects.create(workspace=workspace, key=key, label=label, min_value=min_value,
                                           max_value=max_value, created_by=created_by)
    except IntegrityError:  # the same key declared at the same moment
        raise KeyRefused("key", _("this workspace already has the metric %(key)s") % {"key": key}) from None
    return custom_metric(row)


def metric_key_update(*, workspace: Any, key: str, changes: dict[str, Any]) -> Metric:
    """Rename a workspace's own metric or change its range (owners). A range that
    readings already stored fall outside is refused, naming how many."""
    row = _own_key(workspace, key)
    label = changes.get("label", row.label)
    low = changes.get("min", row.min_value)
    high = changes.get("max", row.max_value)
    if low is not None and high is not None and low > high:
        raise KeyRefused("min", _("must not be greater than max"))
    points = MetricPoint.objects.filter(map__workspace=workspace, metric=key)
    for field, outside in (("min", points.filter(value__lt=low) if low is not None else points.none()),
                           ("max", points.filter(value__gt=high) if high is not None else points.none())):
        count = outside.count()
        if count:
            raise KeyRefused(field, _("%(count)d readings already stored are outside this range") % {
                "count": count})
    row.label, row.min_value, row.max_value = label, low, high
    row.save(update_fields=["label", "min_value", "max_value"])
    return custom_metric(row)


def metric_key_delete(*, workspace: Any, key: str, user: Any) -> int:
    """Remove a workspace's own metric with its readings (owners): its series go,
    and the latest reading leaves each touchpoint through the write path, map by
    map (live in open editors, in the op log). Returns the readings removed."""
    row = _own_key(workspace, key)
    removed = 0
    map_ids = set(MetricPoint.objects.filter(map__workspace=workspace, metric=key).values_list("map_id", flat=True))
    map_ids |= set(Touchpoint.objects.filter(map__workspace=workspace, metrics__has_key=key)
                   .values_list("map_id", flat=True))
    for journey_map in JourneyMap.objects.filter(id__in=map_ids).order_by("id"):
        with transaction.atomic():
            list(JourneyMap.objects.select_for_update().filter(id=journey_map.id).values_list("id"))
            removed += MetricPoint.objects.filter(map_id=journey_map.id, metric=key).delete()[0]
            holders = Touchpoint.objects.filter(map_id=journey_map.id, metrics__has_key=key).values("id", "metrics")
            ops = [{"op": "update", "entity": "touchpoint", "id": str(tp["id"]),
                    "fields": {"metrics": {k: v for k, v in tp["metrics"].items() if k != key}}} for tp in holders]
            if ops:
                map_edit(journey_map, user, ops, max_ops=None)
    row.delete()
    return removed


def _own_key(workspace: Any, key: str) -> MetricKey:
    if key in BUILTINS:
        raise KeyRefused("key", _("%(key)s is a built-in metric") % {"key": key})
    row = MetricKey.objects.filter(workspace=workspace, key=key).first()
    if row is None:
        raise KeyGone(key)
    return row


class KeyGone(Exception):
    """No metric of the workspace's own has this key."""
