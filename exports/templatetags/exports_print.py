"""Filters for the print templates. None of them marks user text safe: the
template escapes what they return."""

from __future__ import annotations

import re
from typing import Any

from django import template

from exports.services.marks import printable as _printable

register = template.Library()

_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")


@register.filter
def printable(value: Any) -> str:
    return _printable("" if value is None else str(value))


@register.filter
def mm(value: float) -> str:
    return f"{float(value):.2f}mm"


@register.filter
def color(value: Any) -> str:
    """A colour for a style attribute: only #hex passes, anything else is grey."""
    return value if isinstance(value, str) and _HEX.match(value) else "#cbd5e1"


@register.filter
def color_class(value: Any) -> str:
    return value if value in ("high", "medium", "low") else ""


@register.filter
def join_text(value: Any) -> str:
    if isinstance(value, list):
        return _printable(", ".join(str(v) for v in value))
    return _printable(str(value or ""))


@register.filter
def pairs_text(value: Any) -> str:
    if isinstance(value, dict):
        return _printable("\n".join(f"{k}: {v}" for k, v in value.items()))
    return _printable(str(value or ""))
