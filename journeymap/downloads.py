"""Headers for files people download: exports and attachments."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Characters no file system takes in a name, and controls.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
# RFC 5987 attr-char beyond letters and digits: kept as they are in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"
_ASCII_LOOKALIKES = str.maketrans({"’": "'", "‘": "'", "“": "'", "”": "'", "«": "'", "»": "'", "–": "-",
                                   "—": "-", "…": "...", "\u00a0": " ", "\u202f": " "})


def safe_file_name(name: str, *, default: str = "file") -> str:
    """``name`` as a file name: every letter and apostrophe kept, no path separators
    or characters file systems refuse, spaces collapsed."""
    cleaned = re.sub(r"\s+", " ", _UNSAFE.sub(" ", name or "")).strip(" .")
    return cleaned or default


def ascii_file_name(name: str) -> str:
    """The closest ASCII name (accents dropped, typographic quotes made plain), for
    clients that do not read ``filename*``."""
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII_LOOKALIKES))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in plain)
    return plain.strip() or "file"


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """A Content-Disposition header per RFC 6266: an ASCII ``filename`` fallback and
    the exact UTF-8 name in ``filename*`` (RFC 5987), so "Résiliation d’abonnement"
    arrives as it was written."""
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_file_name(name)}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
