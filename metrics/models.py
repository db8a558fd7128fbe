"""Metric series on touchpoints: one row per measured period, and the metric keys
a workspace declares besides the built-in ones (``metrics.catalog``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Granularity(models.TextChoices):
    MONTH = "month", "month"
    DAY = "day", "day"


class MetricKey(models.Model):
    """A workspace's own metric: its key (a slug, never a built-in's), how people
    read it, and the range its values must keep (either end may be open)."""

    workspace = models.ForeignKey("maps.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    label = models.CharField(max_length=100)
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="metric_key_unique_per_workspace")]

    def __str__(self) -> str:
        return self.key


class MetricPoint(models.Model):
    """One value of one metric of one touchpoint for one period (a month, stored as
    its first day, or a day). Posting the same period again replaces the value."""

    # Few indexes, since 10,000 points are written in one call: the unique one
    # (which serves a touchpoint's series) and the map's (the map's series).
    map = models.ForeignKey("maps.JourneyMap", on_delete=models.CASCADE, related_name="+", db_index=False)
    touchpoint = models.ForeignKey("touchpoints.Touchpoint", on_delete=models.CASCADE, related_name="+",
                                   db_index=False)
    metric = models.CharField(max_length=40)
    period = models.DateField()
    granularity = models.CharField(max_length=5, choices=Granularity.choices)
    value = models.FloatField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)

    class Meta:
        ordering = ["touchpoint_id", "metric", "period", "granularity"]
        constraints = [
            models.UniqueConstraint(fields=["touchpoint", "metric", "granularity", "period"],
                                    name="metric_point_one_per_period"),
        ]
        indexes = [models.Index(fields=["map"], name="metric_point_map")]

    def __str__(self) -> str:
        return f"{self.metric} {self.period}: {self.value}"

    @property
    def period_text(self) -> str:
        return period_text(self.period, self.granularity)


def period_text(period, granularity: str) -> str:  # noqa: ANN001 (a date)
    """``YYYY-MM`` for a month, ``YYYY-MM-DD`` for a day: how the API and the
    touchpoint's readings write a period."""
    return period.strftime("%Y-%m") if granularity == Granularity.MONTH else period.isoformat()
