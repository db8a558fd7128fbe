"""Reads of metric series: a map's series (filtered), and the latest reading of
each (touchpoint, metric)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from metrics.models import MetricPoint, period_text


def map_series(*, map_id: Any, touchpoint_id: str | None = None, metric: str | None = None,
               live_touchpoints: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """``[{touchpoint, metric, points: [{period, value}]}]``, oldest period first;
    only touchpoints that are live (``live_touchpoints``, when given)."""
    rows = MetricPoint.objects.filter(map_id=map_id)
    if touchpoint_id is not None:
        rows = rows.filter(touchpoint_id=touchpoint_id)
    if metric is not None:
        rows = rows.filter(metric=metric)
    live = set(live_touchpoints) if live_touchpoints is not None else None
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for tp_id, key, period, granularity, value in rows.order_by("touchpoint_id", "metric", "period",
                                                                "granularity").values_list(
            "touchpoint_id", "metric", "period", "granularity", "value"):
        tp_id = str(tp_id)
        if live is not None and tp_id not in live:
            continue
        series.setdefault((tp_id, key), []).append({"period": period_text(period, granularity), "value": value})
    return [{"touchpoint": tp_id, "metric": key, "points": points} for (tp_id, key), points in series.items()]


def latest_readings(*, touchpoint_ids: Iterable[str], metrics: Iterable[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{touchpoint: {metric: {value, period}}}``: the value of each series' latest
    period (a day beats the month it falls in only when it is later than the 1st)."""
    rows = MetricPoint.objects.filter(touchpoint_id__in=list(touchpoint_ids), metric__in=list(metrics)).order_by(
        "touchpoint_id", "metric", "-period", "granularity")
    if connection.vendor == "postgresql":
        # DISTINCT ON: one row per series, chosen by the database.
        rows = rows.distinct("touchpoint_id", "metric")
    readings: dict[str, dict[str, dict[str, Any]]] = {}
    for tp_id, key, period, granularity, value in rows.values_list("touchpoint_id", "metric", "period",
                                                                   "granularity", "value"):
        found = readings.setdefault(str(tp_id), {})
        if key not in found:
            found[key] = {"value": value, "period": period_text(period, granularity)}
    return readings
