"""One byte range of a file, read from a request's Range header (RFC 9110 §14).

Enough for audio and video players to seek before the whole file has arrived:
a single range, in any of its three forms. Anything else (several ranges, another
unit, a header that does not parse) is ignored, and the whole file is served,
which the RFC allows a server to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

_SINGLE = re.compile(r"bytes[ \t]*=[ \t]*(\d*)-(\d*)[ \t]*", re.IGNORECASE)
# Files of the size attachments have never need more digits than this; longer is malformed.
_MAX_DIGITS = 18


class RangeNotSatisfiable(Exception):
    """The range lies wholly past the end of the file (answered 416)."""


@dataclass(frozen=True)
class ByteRange:
    first: int  # inclusive
    last: int  # inclusive

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The one range a header asks for, or None to serve the whole file.

    Raises RangeNotSatisfiable when the range is well formed but starts past the end
    (or asks for the last zero bytes).
    """
    if not header:
        return None
    match = _SINGLE.fullmatch(header)
    if match is None:
        return None  # several ranges, another unit, or not a range at all
    first, last = match.groups()
    if not first and not last or len(first) > _MAX_DIGITS or len(last) > _MAX_DIGITS:
        return None
    if not first:  # bytes=-n: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid, so ignored
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


class FileSlice:
    """The bytes of a range of an open file, read in blocks by a streaming response."""

    def __init__(self, handle: IO[bytes], byte_range: ByteRange) -> None:
        self._handle = handle
        self._left = byte_range.length
        handle.seek(byte_range.first)

    def read(self, size: int = -1) -> bytes:
        want = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(want) if want else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()
