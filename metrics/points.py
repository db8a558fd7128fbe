"""Metric points as a caller sends them, checked into clean points (no writes).

A point names its touchpoint by id, or by name (with its stage's name when names
repeat on the map), a metric key of the workspace, a period (``YYYY-MM`` for a
month, ``YYYY-MM-DD`` for a day) and a finite value within the metric's range.
The first bad point stops the check with the point's index and field, so the
whole call is refused and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from interchange.cells import plain
from maps.validators import METRIC_PERIOD
from metrics.catalog import Metric
from metrics.models import Granularity
from touchpoints.models import Touchpoint

MAX_POINTS = 10_000
POINT_KEYS = {"touchpoint", "metric", "period", "value"}
_PERIOD = re.compile(METRIC_PERIOD)


@dataclass(frozen=True)
class Point:
    touchpoint_id: str
    metric: str
    period: dt.date
    granularity: str
    value: float


class PointInvalid(Exception):
    """A point that cannot be stored: its index in the call (and its row in a CSV
    file), the field and why, in the reader's language."""

    def __init__(self, index: int, field: str, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.index, self.field, self.message, self.row = index, field, message, row

    def as_dict(self) -> dict[str, Any]:
        found = {"index": self.index, "field": self.field, "message": self.message}
        return {**found, "row": self.row} if self.row is not None else found

    @property
    def sentence(self) -> str:
        if self.row is not None:
            return _("Row %(row)d, %(field)s: %(message)s") % {"row": self.row, "field": self.field,
                                                                 "message": self.message}
        return _("Point %(index)d, %(field)s: %(message)s") % {"index": self.index, "field": self.field,
                                                                 "message": self.message}


class TooManyPoints(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(_("At most %(limit)s points per call (got %(count)s).")
                         % {"limit": f"{MAX_POINTS:,}", "count": f"{count:,}"})


class TouchpointDirectory:
    """The map's live touchpoints, found by id or by name (within a stage)."""

    def __init__(self, map_id: Any) -> None:
        rows = Touchpoint.objects.filter(map_id=map_id, deleted_by_seq__isnull=True).values_list(
            "id", "title", "stage__name")
        self.ids: set[str] = set()
        self.by_name: dict[str, list[str]] = {}
        self.by_stage: dict[tuple[str, str], list[str]] = {}
        for tp_id, title, stage_name in rows:
            tp_id = str(tp_id)
            self.ids.add(tp_id)
            self.by_name.setdefault(plain(title), []).append(tp_id)
            self.by_stage.setdefault((plain(stage_name), plain(title)), []).append(tp_id)

    def find(self, ref: Any, stage: Any = None) -> str:
        """The id ``ref`` names, or ``ValueError`` saying why none or several."""
        if isinstance(ref, dict):
            if set(ref) - {"stage", "name"} or not isinstance(ref.get("name"), str):
                raise ValueError(_("must be a touchpoint id or {stage, name}"))
            ref, stage = ref["name"], ref.get("stage")
        if not isinstance(ref, str) or not ref.strip():
            raise ValueError(_("must be a touchpoint id or {stage, name}"))
        if stage is not None and not isinstance(stage, str):
            raise ValueError(_("the stage must be a stage name"))
        try:
            tp_id = str(uuid.UUID(ref.strip()))
        except ValueError:
            return self._by_name(ref, stage)
        if tp_id not in self.ids:
            raise ValueError(_("no touchpoint %(id)s on this map") % {"id": tp_id})
        return tp_id

    def _by_name(self, name: str, stage: str | None) -> str:
        if stage and stage.strip():
            found = self.by_stage.get((plain(stage), plain(name)), [])
            where = _("in the stage “%(stage)s”") % {"stage": stage.strip()[:100]}
        else:
            found = self.by_name.get(plain(name), [])
            where = _("on this map")
        if not found:
            return self._refuse(_("no touchpoint named “%(name)s” %(where)s"), name, where)
        if len(found) > 1:
            return self._refuse(_("several touchpoints are named “%(name)s” %(where)s: name the stage too"),
                                name, where)
        return found[0]

    @staticmethod
    def _refuse(template: str, name: str, where: str) -> str:
        raise ValueError(template % {"name": name.strip()[:100], "where": where})


def parse_period(raw: Any) -> tuple[dt.date, str]:
    if not isinstance(raw, str) or not _PERIOD.match(raw.strip()):
        raise ValueError(_("must be a month (YYYY-MM) or a day (YYYY-MM-DD)"))
    text = raw.strip()
    try:
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1), Granularity.MONTH
        return dt.date.fromisoformat(text), Granularity.DAY
    except ValueError:
        raise ValueError(_("%(period)s is not a day of the calendar") % {"period": text}) from None


def check_point(index: int, raw: Any, *, directory: TouchpointDirectory, metrics: dict[str, Metric],
                stage: Any = None, row: int | None = None) -> Point:
    """One point checked (``stage``: a CSV row's stage column)."""

    def refuse(field: str, message: str) -> PointInvalid:
        return PointInvalid(index, field, message, row=row)

    if not isinstance(raw, dict):
        raise refuse("point", _("must be an object with touchpoint, metric, period and value"))
    if unknown := sorted(set(raw) - POINT_KEYS, key=str):
        raise refuse(str(unknown[0])[:40], _("is not a field of a point"))
    for key in ("touchpoint", "metric", "period", "value"):
        if key not in raw:
            raise refuse(key, _("is required"))
    try:
        tp_id = directory.find(raw["touchpoint"], stage)
    except ValueError as problem:
        raise refuse("touchpoint", str(problem)) from None
    metric = metrics.get(raw["metric"]) if isinstance(raw["metric"], str) else None
    if metric is None:
        raise refuse("metric", _("unknown metric (known: %(keys)s)") % {"keys": ", ".join(metrics)})
    try:
        period, granularity = parse_period(raw["period"])
    except ValueError as problem:
        raise refuse("period", str(problem)) from None
    value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refuse("value", _("must be a number"))
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float
        value = math.inf
    if (problem := metric.problem(value)) is not None:
        raise refuse("value", problem)
    return Point(tp_id, metric.key, period, granularity, value)


def check_points(raw_points: Any, *, directory: TouchpointDirectory, metrics: dict[str, Metric],
                 rows: Iterable[tuple[int | None, Any]] | None = None) -> list[Point]:
    """Every point checked, in order; the first bad one raises ``PointInvalid``.
    ``rows``: per point, its CSV row number and stage column (a file's points)."""
    if not isinstance(raw_points, list):
        raise PointInvalid(0, "points", _("must be a list of points"))
    if len(raw_points) > MAX_POINTS:
        raise TooManyPoints(len(raw_points))
    where = list(rows) if rows is not None else [(None, None)] * len(raw_points)
    return [check_point(index, raw, directory=directory, metrics=metrics, row=where[index][0], stage=where[index][1])
            for index, raw in enumerate(raw_points)]
