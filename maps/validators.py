"""The checks a field of a map entity runs on an op's value, with their limits.

Each validator is a small frozen object: calling it returns the clean value or
raises ``FieldInvalid``; its attributes (lengths, choices, ranges, whether null
or blank is accepted) are what the REST schema is built from
(``maps.entity_serializers``), so the OpenAPI document and the write path read the
same numbers. Pure: no database, no framework.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from journeymap.strict import bad_text
from maps.errors import FieldInvalid

HEX_COLOR = r"^#[0-9a-fA-F]{6}$"
HTTP_URL = r"^https?://"
_HTTP_URL = re.compile(HTTP_URL)


class Validator(Protocol):
    def __call__(self, value: Any) -> Any: ...


@dataclass(frozen=True)
class Text:
    """A string of at most ``max_length`` characters (counted after stripping,
    when ``strip``); ``blank=False`` refuses an empty one."""

    max_length: int
    blank: bool = True
    strip: bool = True

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldInvalid("must be a string")
        if (problem := bad_text(value)) is not None:
            # Refused at every boundary already; this holds the line for internal callers.
            raise FieldInvalid(problem)
        if self.strip:
            value = value.strip()
        if not self.blank and not value:
            raise FieldInvalid("must not be empty")
        if len(value) > self.max_length:
            raise FieldInvalid(f"must be at most {self.max_length} characters (got {len(value)})")
        return value


@dataclass(frozen=True)
class Choice:
    """One of ``values``; with ``blank``, also "" (and null, stored as "").
    ``labels`` name the values for people (the schema shows them)."""

    values: tuple[str, ...]
    blank: bool = False
    labels: tuple[str, ...] = ()

    @classmethod
    def of(cls, text_choices: Any, *, blank: bool = False) -> Choice:
        """The values and labels of a model's ``TextChoices``."""
        return cls(tuple(text_choices.values), blank=blank, labels=tuple(text_choices.labels))

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(zip(self.values, self.labels or self.values, strict=True))

    def __call__(self, value: Any) -> str:
        if value is None and self.blank:
            return ""
        if not isinstance(value, str) or not (value in self.values or (self.blank and value == "")):
            raise FieldInvalid(f"must be one of {', '.join(sorted(self.values)) or 'nothing'}")
        return value


@dataclass(frozen=True)
class Color:
    """``#rrggbb`` (stored in lower case), or "" / null for none."""

    pattern: str = HEX_COLOR

    def __call__(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise FieldInvalid("must be a colour like #1a2b3c")
        return value.lower()


COLOR = Color()


@dataclass(frozen=True)
class Integer:
    """A whole number in ``[lo, hi]`` (a JSON float or boolean is refused)."""

    lo: int
    hi: int
    nullable: bool = False

    def __call__(self, value: Any) -> int | None:
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldInvalid("must be an integer")
        if not self.lo <= value <= self.hi:
            raise FieldInvalid(f"must be between {self.lo} and {self.hi}")
        return value


@dataclass(frozen=True)
class Number:
    """A finite number in ``[lo, hi]``, stored as a float."""

    lo: float
    hi: float
    nullable: bool = False

    def __call__(self, value: Any) -> float | None:
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise FieldInvalid("must be a number")
        if not self.lo <= value <= self.hi:
            raise FieldInvalid(f"must be between {self.lo:g} and {self.hi:g}")
        return float(value)


@dataclass(frozen=True)
class Reference:
    """The UUID of another row (whether it is live and on this map is the write
    path's business, ``EntitySpec.refs``)."""

    nullable: bool = False

    def __call__(self, value: Any) -> str | None:
        if value is None and self.nullable:
            return None
        return uuid_string(value)


@dataclass(frozen=True)
class Flag:
    """true or false, nothing else."""

    def __call__(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise FieldInvalid("must be true or false")
        return value


@dataclass(frozen=True)
class Evidence:
    """Links backing a touchpoint: a list of ``{url, label?}`` objects."""

    max_items: int = 50
    url: Text = Text(2000, blank=False)
    label: Text = Text(200)
    url_pattern: str = HTTP_URL

    def __call__(self, value: Any) -> list[dict[str, str]]:
        if not isinstance(value, list) or len(value) > self.max_items:
            raise FieldInvalid(f"must be a list of at most {self.max_items} {{url, label}} objects")
        items = []
        for item in value:
            if not isinstance(item, dict) or set(item) - {"url", "label"} or "url" not in item:
                raise FieldInvalid("each item must be an object with url and optional label")
            url = _part("url", self.url, item["url"])
            label = _part("label", self.label, item.get("label", ""))
            if not _HTTP_URL.match(url):
                raise FieldInvalid("evidence links must start with http:// or https://")
            items.append({"url": url, "label": label})
        return items


METRIC_KEY = r"^[a-z][a-z0-9_]{0,39}$"
METRIC_PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"
_METRIC_KEY = re.compile(METRIC_KEY)
_METRIC_PERIOD = re.compile(METRIC_PERIOD)


@dataclass(frozen=True)
class MetricReadings:
    """A touchpoint's latest metric readings: ``{key: {value, period}}``, where the
    key is a slug, the value a finite number and the period ``YYYY-MM`` or
    ``YYYY-MM-DD``. Which keys exist and their ranges are the metric series' rules
    (``metrics.catalog``, per workspace); this is the shape every writer keeps."""

    max_items: int = 50
    max_abs: float = 1e15

    def __call__(self, value: Any) -> dict[str, dict[str, Any]]:
        if not isinstance(value, dict) or len(value) > self.max_items:
            raise FieldInvalid(f"must be an object of at most {self.max_items} {{value, period}} readings")
        readings = {}
        for key, reading in value.items():
            if not isinstance(key, str) or not _METRIC_KEY.match(key):
                raise FieldInvalid("metric keys are lower-case letters, digits and _, starting with a letter")
            if not isinstance(reading, dict) or set(reading) != {"value", "period"}:
                raise FieldInvalid(f"{key} must be an object with value and period")
            number, period = reading["value"], reading["period"]
            if isinstance(number, bool) or not isinstance(number, int | float) or not abs(number) <= self.max_abs:
                raise FieldInvalid(f"{key} value must be a finite number")
            if not isinstance(period, str) or not _METRIC_PERIOD.match(period):
                raise FieldInvalid(f"{key} period must be YYYY-MM or YYYY-MM-DD")
            readings[key] = {"value": number, "period": period}
        return readings


def _part(key: str, check: Validator, value: Any) -> Any:
    try:
        return check(value)
    except FieldInvalid as exc:
        raise FieldInvalid(f"{key} {exc}") from None


def uuid_string(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldInvalid("must be a UUID string")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise FieldInvalid("is not a valid UUID") from None
