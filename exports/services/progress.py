"""What the requester hears about an export: the socket frame, the download path,
and the failure sentence people read (the technical reason goes to the logs only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exports.models import Export, ExportStatus
from maps import realtime

# What people read in an export's ``error`` (translated when shown, see
# ``failure_message``); the technical reason goes to the logs only.
FAILED_MESSAGE = gettext_noop("The export could not be made. Please try again; if it fails again, tell your "
                              "administrator.")
GAVE_UP_MESSAGE = gettext_noop("The export stopped several times before finishing. Please ask for it again.")
FAILURE_MESSAGES = (FAILED_MESSAGE, GAVE_UP_MESSAGE)


def failure_message(stored: str) -> str:
    """The stored ``error`` in the active language. Anything else (a row written by
    an earlier version, which stored the exception) reads as the generic message."""
    if not stored:
        return ""
    return _(stored if stored in FAILURE_MESSAGES else FAILED_MESSAGE)


def download_path(export: Export) -> str:
    return f"/api/v1/exports/{export.id}/download/"


def frame(export: Export) -> dict[str, Any]:
    status = export.status if export.status != ExportStatus.EXPIRED else ExportStatus.FAILED
    return {
        "type": "export",
        "id": str(export.id),
        "status": status,
        "progress": export.progress,
        "download_url": download_path(export) if export.status == ExportStatus.DONE else None,
    }


def notify(export: Export) -> None:
    """Progress goes to the requester's own sockets only."""
    if export.requested_by_id is None:
        return
    realtime.send_to_user(export.requested_by_id, frame(export))
