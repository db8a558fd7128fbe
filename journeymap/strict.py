"""Strict decoding of text at every boundary: socket frames, REST bodies, form
fields, file names, query strings.

Text the app accepts is valid Unicode without NUL or control characters other than
tab, newline and carriage return. A lone surrogate cannot be encoded as UTF-8, so
once stored it breaks every serialiser that later meets it (a roster entry broke
every ``welcome``); PostgreSQL refuses NUL in text and ``\\u0000`` in JSON. Such
text is refused where it enters, with ``invalid`` and the path of the field
(``ops[0].fields.text``), so nothing behind the boundary has to expect it.

JSON is parsed with a depth limit (64 levels) and without ``NaN``/``Infinity``
(PostgreSQL refuses them too). This is the hot path of every push and presence
frame, so the common case stays cheap: ``json``'s strict mode already refuses raw
control characters in strings, and the tree is walked (iteratively, never by
recursion) only when the raw text could hide something: an escape of a control
character or a surrogate, a raw DEL, C1 control or surrogate, or brackets nested
deeper than the limit.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from typing import Any

MAX_DEPTH = 64

# C0 controls except tab, newline and CR; DEL and the C1 controls; lone surrogates
# (a Python str may hold them; valid UTF-8 never does).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Forbidden characters the parser lets through raw (it refuses raw C0 controls in
# strings itself).
_RAW_FORBIDDEN = re.compile("[\x7f-\x9f\ud800-\udfff]")
# Escapes that may decode to a forbidden character: \b, \f, and \u escapes of
# controls or surrogates (a valid surrogate pair matches too; the walk then tells).
_SUSPECT_ESCAPE = re.compile(
    r"\\(?:[bf]|u(?:000[0-8bcefBCEF]|001[0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}))")


def _may_hold_forbidden(text: str) -> bool:
    """Whether a decoded string of this (valid) JSON text may hold a forbidden
    character. Cheap: ``isascii`` is constant time, the searches run in C."""
    if "\\" in text and _SUSPECT_ESCAPE.search(text):
        return True
    if text.isascii():
        return "\x7f" in text
    return _RAW_FORBIDDEN.search(text) is not None


def _too_deep(text: str, value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` (parsed from ``text``) nests deeper than ``limit``.

    A text with no more opening brackets than the limit cannot (one count, in C).
    Otherwise the containers are visited level by level, without recursion and
    without looking at anything but containers."""
    if text.count("[") + text.count("{") <= limit:
        return False
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(limit):
        if not level:
            return False
        level = [child for item in level for child in (item.values() if type(item) is dict else item)
                 if type(child) is dict or type(child) is list]
    return bool(level)


class InvalidInput(ValueError):
    """Text or JSON refused at a boundary; ``field`` is the path of the value."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field
        # The parsed document when the JSON itself was readable (the socket
        # answers a push whose batch_id it can read with a rejected ack).
        self.document: Any = None

    def as_fields(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


def bad_text(value: str) -> str | None:
    """Why ``value`` is not acceptable text, or None when it is."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return "contains invalid Unicode (a lone surrogate)"
    if char == "\x00":
        return "contains a NUL character"
    return f"contains the control character U+{ord(char):04X}"


def check_text(value: str, field: str = "") -> str:
    """``value`` itself, or ``InvalidInput`` naming ``field``."""
    problem = bad_text(value)
    if problem is not None:
        raise InvalidInput(problem, field)
    return value


def _path(parts: tuple | None) -> str:
    """``("ops", (0, ("fields", ("text", None))))`` read outward-in, as ``ops[0].fields.text``."""
    keys: list[Any] = []
    while parts is not None:
        keys.append(parts[0])
        parts = parts[1]
    out = ""
    for key in reversed(keys):
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


def _outermost(parts: tuple | None) -> str:
    """The outermost named part of a path: a depth error names the top field, not
    the 64 steps down to it."""
    first = None
    while parts is not None:
        if isinstance(parts[0], str):
            first = parts[0]
        parts = parts[1]
    return first or ""


def check_tree(value: Any, field: str = "", *, max_depth: int = MAX_DEPTH, strings: bool = True) -> Any:
    """Check every key and string of a JSON value (and its depth), without recursion.

    Returns ``value``; raises ``InvalidInput`` with the path of the first problem.
    ``strings=False`` checks the depth only.
    """
    root = (field, None) if field else None
    # (value, depth, reversed path as a linked tuple): the path is spelled out
    # only for the value that fails.
    stack: list[tuple[Any, int, tuple | None]] = [(value, 1, root)]
    while stack:
        item, depth, parts = stack.pop()
        if isinstance(item, str):
            if strings and _FORBIDDEN.search(item):
                raise InvalidInput(bad_text(item) or "", _path(parts))
        elif isinstance(item, dict):
            if depth > max_depth:
                raise InvalidInput(f"is nested deeper than {max_depth} levels", _outermost(parts))
            for key, child in item.items():
                here = (key, parts)
                if strings and isinstance(key, str) and _FORBIDDEN.search(key):
                    raise InvalidInput(f"has a key that {bad_text(key)}", _path(parts))
                if isinstance(child, str | dict | list):
                    stack.append((child, depth + 1, here))
        elif isinstance(item, list):
            if depth > max_depth:
                raise InvalidInput(f"is nested deeper than {max_depth} levels", _outermost(parts))
            for index, child in enumerate(item):
                if isinstance(child, str | dict | list):
                    stack.append((child, depth + 1, (index, parts)))
    return value


def _refuse_constant(name: str) -> Any:
    raise InvalidInput(f"holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise InvalidInput(f"holds {text[:20]}, a number too large to store")
    return number


# One decoder, built once: ``json.loads`` with hooks would build one per call.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def loads(data: str | bytes | bytearray) -> Any:
    """Parse JSON strictly; ``InvalidInput`` (naming the field where there is one)
    for anything that is not valid JSON of acceptable text, at most ``MAX_DEPTH`` deep."""
    if isinstance(data, bytes | bytearray):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("is not valid UTF-8") from None
    else:
        text = data
    if text.startswith("\ufeff"):
        raise InvalidInput("must not start with a byte-order mark")
    try:
        value = _DECODER.decode(text)
    except InvalidInput:
        raise
    except RecursionError:
        raise InvalidInput(f"is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # JSONDecodeError, and integers too long to read
        raise InvalidInput(f"is not valid JSON ({error})" if isinstance(error, json.JSONDecodeError)
                           else "holds a number too large to read") from None
    strings = _may_hold_forbidden(text)
    if strings or _too_deep(text, value):
        # The walk finds the problem and the path to name (or clears a false alarm).
        try:
            check_tree(value, strings=strings)
        except InvalidInput as error:
            error.document = value
            raise
    return value


def is_uuid(value: Any) -> bool:
    """Whether ``value`` (a string or not) names a UUID: for ids from a form or a
    share link's options, where anything else simply names nothing."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
