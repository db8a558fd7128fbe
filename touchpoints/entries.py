"""A touchpoint's ``attachments`` entries: their shape, their signature, their
public form. Pure (no database): the write path checks entries with this module,
and ``touchpoints.attachments`` (which stores the files and writes through the
write path) mints them here.

An entry is ``{id, name, content_type, size, sig}``. Each is signed with its
fields and its place (workspace and touchpoint), and the write path
(``check_place``) refuses any entry not signed for the touchpoint it is listed
on, so an op may drop or reorder entries but never invent one, change what it
says a file is, or bring one from another touchpoint or workspace. A copy of a
map re-signs its entries for the copy's touchpoints (``entries_for_place``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.signing import Signer
from django.utils.crypto import constant_time_compare

from journeymap.strict import is_uuid
from maps.errors import FieldInvalid, OpError
from touchpoints.filetypes import KINDS

MAX_PER_TOUCHPOINT = 20
ENTRY_KEYS = ("id", "name", "content_type", "size", "sig")
_SIGNED_KEYS = ("id", "name", "content_type", "size")
NAME_LENGTH = 200
CONTENT_TYPE_LENGTH = 100
_SIGNER_SALT = "touchpoints.attachment-entry"


def _signed_value(entry: dict[str, Any], *, workspace_id: Any, touchpoint_id: Any) -> str:
    # The place is signed with the file: an entry copied out of another workspace's
    # document (or off another touchpoint) does not verify where it is pasted.
    return "|".join([str(workspace_id), str(touchpoint_id), *(str(entry[key]) for key in _SIGNED_KEYS)])


def signed_entry(entry: dict[str, Any], *, workspace_id: Any, touchpoint_id: Any) -> dict[str, Any]:
    """``entry``'s fields with a signature for this touchpoint of this workspace."""
    fields = {key: entry[key] for key in _SIGNED_KEYS}
    value = _signed_value(fields, workspace_id=workspace_id, touchpoint_id=touchpoint_id)
    return {**fields, "sig": Signer(salt=_SIGNER_SALT).signature(value)}


def _signature_ok(entry: dict[str, Any], *, workspace_id: Any, touchpoint_id: Any) -> bool:
    signer = Signer(salt=_SIGNER_SALT)
    value = _signed_value(entry, workspace_id=workspace_id, touchpoint_id=touchpoint_id)
    return any(constant_time_compare(entry["sig"], signer.signature(value, key))
               for key in [signer.key, *signer.fallback_keys])


@dataclass(frozen=True)
class AttachmentEntries:
    """The op validator of a touchpoint's ``attachments``: the shape of each entry.
    Its signature depends on where it is listed, so ``check_place`` verifies it
    once the write path knows the map's workspace and the touchpoint."""

    max_items: int = MAX_PER_TOUCHPOINT
    name_length: int = NAME_LENGTH
    content_type_length: int = CONTENT_TYPE_LENGTH

    def __call__(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list) or len(value) > self.max_items:
            raise FieldInvalid(f"must be a list of at most {self.max_items} attachments")
        clean: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in value:
            if not isinstance(item, dict) or set(item) != set(ENTRY_KEYS):
                raise FieldInvalid(f"each attachment must be an object with exactly {', '.join(ENTRY_KEYS)}")
            if not all(isinstance(item[key], str) for key in ("id", "name", "content_type", "sig")) or isinstance(
                    item["size"], bool) or not isinstance(item["size"], int):
                raise FieldInvalid("attachment entries have string id, name, content_type, sig and an integer size")
            # What the server writes always fits; anything else cannot be signed anyway.
            if not (0 < len(item["name"]) <= self.name_length and 0 < len(item["content_type"])
                    <= self.content_type_length and item["sig"] and item["size"] >= 0 and is_uuid(item["id"])):
                raise FieldInvalid(f"attachment entries have a UUID id, a name of 1 to {self.name_length} and a "
                                   f"content_type of 1 to {self.content_type_length} characters, a size of at "
                                   f"least 0 and a signature")
            if item["id"] in seen:
                raise FieldInvalid("lists the same attachment twice")
            seen.add(item["id"])
            clean.append({key: item[key] for key in ENTRY_KEYS})
        return clean


check_entries = AttachmentEntries()


def check_place(entries: list[dict[str, Any]], *, workspace_id: Any, touchpoint_id: Any) -> None:
    """Every entry was signed by this module for this touchpoint of this workspace:
    an op may drop or reorder entries, never invent one, alter one or bring one
    from elsewhere. Raises ``invalid`` naming ``attachments``."""
    for entry in entries:
        if not _signature_ok(entry, workspace_id=workspace_id, touchpoint_id=touchpoint_id):
            raise OpError("invalid", "attachments are added by uploading a file to this touchpoint, not written "
                                     "or copied in", field="attachments")


def entries_for_place(entries: list[dict[str, Any]], *, source_workspace_id: Any, source_touchpoint_id: Any,
                      workspace_id: Any, touchpoint_id: Any) -> list[dict[str, Any]]:
    """The entries of a touchpoint signed for another touchpoint (a copy of the map
    in the same workspace); entries that do not verify where they come from are
    left out."""
    return [signed_entry(entry, workspace_id=workspace_id, touchpoint_id=touchpoint_id) for entry in entries
            if isinstance(entry, dict) and set(entry) == set(ENTRY_KEYS)
            and _signature_ok(entry, workspace_id=source_workspace_id, touchpoint_id=source_touchpoint_id)]


def public_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the REST API shows it (the signature is the document's business)."""
    kind = KINDS.get(entry["content_type"])
    return {"id": entry["id"], "name": entry["name"], "content_type": entry["content_type"], "size": entry["size"],
            "kind": kind.group if kind else "file"}
