"""Which metrics a workspace's touchpoints may carry, and the range of each.

The built-in five have a touchpoint field of their own (the same limits as the
write path's validators in ``maps.entities``, read from there so they cannot
drift); a workspace adds its own keys (``MetricKey``), whose latest values live
in the touchpoint's ``metrics`` readings only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from maps.entities import ENTITIES
from maps.validators import METRIC_KEY, Integer, MetricReadings
from metrics.models import MetricKey

KEY_PATTERN = re.compile(METRIC_KEY)
BUILTIN_KEYS = ("csat", "nps", "ces", "volume_share", "volume_count")
# A workspace declares at most this many keys (the readings hold built-ins and custom keys).
MAX_CUSTOM_KEYS = MetricReadings().max_items - len(BUILTIN_KEYS)
# Values beyond this are refused even for an open-ended custom metric.
MAX_ABS_VALUE = MetricReadings().max_abs

_LABELS = {
    "csat": _("CSAT (% satisfied)"),
    "nps": _("NPS"),
    "ces": _("CES (customer effort, 1-7)"),
    "volume_share": _("Share of customers (%)"),
    "volume_count": _("Volume (count)"),
}


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # str, or a lazy translation for the built-ins
    lo: float | None
    hi: float | None
    integer: bool = False
    builtin: bool = False

    def problem(self, value: float) -> str | None:
        """Why ``value`` cannot be stored for this metric (None: it can)."""
        if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
            return str(_("must be a finite number"))
        if self.integer and value != int(value):
            return str(_("must be a whole number"))
        if self.lo is not None and value < self.lo or self.hi is not None and value > self.hi:
            return str(_("must be between %(lo)s and %(hi)s")) % {"lo": _bound(self.lo), "hi": _bound(self.hi)}
        return None

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": str(self.label), "min": self.lo, "max": self.hi,
                "integer": self.integer, "builtin": self.builtin}


def _bound(value: float | None) -> str:
    if value is None:
        return "…"
    return f"{value:g}"


def _builtin(key: str) -> Metric:
    check = ENTITIES["touchpoint"].fields[key]
    return Metric(key, _LABELS[key], float(check.lo), float(check.hi), integer=isinstance(check, Integer), builtin=True)


BUILTINS: dict[str, Metric] = {key: _builtin(key) for key in BUILTIN_KEYS}


def custom_metric(row: MetricKey) -> Metric:
    return Metric(row.key, row.label, row.min_value, row.max_value)


def workspace_metrics(workspace_id: Any) -> dict[str, Metric]:
    """The built-in metrics, then the workspace's own, by key."""
    rows = MetricKey.objects.filter(workspace_id=workspace_id).order_by("key")
    return {**BUILTINS, **{row.key: custom_metric(row) for row in rows}}
