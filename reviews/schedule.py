"""When a map's review is due: its last review (or, never reviewed, its
creation) plus its interval in calendar months."""

from __future__ import annotations

import calendar
from datetime import datetime

REVIEW_MONTHS_MIN = 1
REVIEW_MONTHS_MAX = 12
REVIEW_MONTHS_DEFAULT = 4


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` ``months`` calendar months later; the 31st becomes the last day
    of a shorter month (31 January + 1 month = 28 or 29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def review_due_at(*, reviewed_at: datetime | None, created_at: datetime, every_months: int) -> datetime:
    return add_months(reviewed_at or created_at, every_months)
