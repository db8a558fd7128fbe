"""Small pieces shared by the grid and the touchpoint-list readers: how a header
or a name is compared, a column's letter, a number as spreadsheets write it, and a
touchpoint of the map file from a row."""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def plain(text: str) -> str:
    """Lower case, spaces collapsed, no-break spaces and trailing colons dropped."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_number(raw: str) -> float:
    cleaned = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").rstrip("%").replace(",", ".")
    return float(cleaned)


def touchpoint_fields(item: dict[str, Any], *, stage: str, lane: str, item_id: str) -> dict[str, Any]:
    return {"id": item_id, "stage": stage, "lane": lane, "title": item["name"], "description": "",
            "channel": item["channel"] or None, "owner_team": None, "evaluation": item["evaluation"],
            "volume_share": item["volume_share"], "volume_count": item["volume_count"], "volume_period": "",
            "csat": item["csat"], "nps": item["nps"],
            "evidence": [{"url": item["evidence_url"], "label": ""}] if item["evidence_url"] else [],
            "attachments": []}
