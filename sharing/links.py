"""Share links: services (create, revoke) and selectors (resolve a token, list).

A share link is a read-only, live view of one map at ``/s/<token>/``. The token
carries 256 bits of randomness (``secrets.token_urlsafe(32)``) and only its
SHA-256 is stored, so the URL is shown once, to its creator. A link may expire,
may hide lanes (the visibility profile applied to every byte the viewer gets),
may highlight a team, may allow a PDF download and may show who of the team is
on the map (off by default).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from exports.models import Export, ExportStatus
from journeymap.strict import is_uuid
from maps import realtime
from maps.errors import OpError
from maps.models import JourneyMap, Lane, ShareLink, Team

MAX_LABEL = 200
MAX_HIDDEN_LANES = 100
# PDFs being made for one link at a time (visitors have no account to count by).
MAX_PENDING_EXPORTS = 3


def share_group(link_id: Any) -> str:
    """The channel-layer group of the sockets opened through one share link."""
    return f"share.{link_id}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def share_path(token: str) -> str:
    return f"/s/{token}/"


@dataclass(frozen=True)
class CreatedLink:
    link: ShareLink
    token: str  # shown once

    @property
    def path(self) -> str:
        return share_path(self.token)


def _clean_hidden_lanes(journey_map: JourneyMap, hidden_lanes: Any) -> list[str]:
    if hidden_lanes in (None, ""):
        return []
    if not isinstance(hidden_lanes, list | tuple) or len(hidden_lanes) > MAX_HIDDEN_LANES:
        raise OpError("invalid", "hidden_lanes must be a list of lane ids", field="hidden_lanes")
    ids: list[str] = []
    for value in hidden_lanes:
        try:
            ids.append(str(uuid.UUID(str(value))))
        except (ValueError, AttributeError, TypeError):
            raise OpError("invalid", "hidden_lanes must be a list of lane ids", field="hidden_lanes") from None
    ids = sorted(set(ids))
    # Only this map's lanes: another map's id is refused as not found, never echoed.
    found = set(str(i) for i in Lane.objects.filter(map=journey_map, id__in=ids).values_list("id", flat=True))
    if found != set(ids):
        raise OpError("not_found", "no such lane on this map", field="hidden_lanes")
    return ids


def share_link_create(
    *,
    map: JourneyMap,
    created_by: Any,
    label: str = "",
    expires_at: dt.datetime | None = None,
    hidden_lanes: Any = None,
    highlight_team: Any = None,
    allow_pdf: bool = False,
    show_presence: bool = False,
) -> CreatedLink:
    """Create a link; the caller has checked that ``created_by`` may manage the map's links."""
    if not isinstance(label, str) or len(label) > MAX_LABEL:
        raise OpError("invalid", f"label is at most {MAX_LABEL} characters", field="label")
    if expires_at is not None and expires_at <= timezone.now():
        raise OpError("invalid", "expires_at must be in the future", field="expires_at")
    lanes = _clean_hidden_lanes(map, hidden_lanes)
    team = None
    if highlight_team not in (None, ""):
        team = Team.objects.filter(id=str(highlight_team), workspace_id=map.workspace_id).first() \
            if is_uuid(highlight_team) else None
        if team is None:
            raise OpError("not_found", "no such team in this workspace", field="highlight_team")
    token = new_token()
    link = ShareLink.objects.create(
        map=map,
        token_hash=token_hash(token),
        label=label.strip(),
        expires_at=expires_at,
        hidden_lanes=lanes,
        highlight_team=team,
        allow_pdf=bool(allow_pdf),
        show_presence=bool(show_presence),
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    return CreatedLink(link=link, token=token)


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    """Revoke a link and, once committed, close every socket opened through it."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    link_id = link.id
    transaction.on_commit(lambda: notify_closed(link_id))
    return link


def notify_closed(link_id: Any) -> None:
    """Tell the sockets of a link that it no longer works (they close at once).

    A lost send is logged by ``realtime``: the expiry check on each socket still
    closes them."""
    realtime.group_send(share_group(link_id), {"type": "share.closed"})


# --- selectors ----------------------------------------------------------------------


def is_active(link: ShareLink, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if link.revoked_at is not None:
        return False
    return link.expires_at is None or link.expires_at > now


def share_link_by_token(token: str) -> ShareLink | None:
    """The active link a token opens, or None (unknown, revoked, expired or archived map)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    link = ShareLink.objects.select_related("map", "highlight_team").filter(token_hash=token_hash(token)).first()
    if link is None or not is_active(link) or link.map.archived:
        return None
    return link


def active_share_link(link_id: Any) -> ShareLink | None:
    """The link of a socket, if it still works (checked at connect and on each beat)."""
    if not link_id or not is_uuid(link_id):
        return None
    link = ShareLink.objects.select_related("map").filter(id=str(link_id)).first()
    if link is None or not is_active(link) or link.map.archived:
        return None
    return link


def share_link_ids_of_map(*, map_id: Any) -> list[Any]:
    """Every link of a map, revoked or not (all their sockets close when it is archived)."""
    return list(ShareLink.objects.filter(map_id=map_id).values_list("id", flat=True))


def live_share_link_ids(link_ids: list[Any]) -> set[str]:
    """Those of ``link_ids`` that still open their map (the heartbeat's check)."""
    if not link_ids:
        return set()
    now = timezone.now()
    rows = (ShareLink.objects.filter(id__in=[i for i in link_ids if is_uuid(i)], revoked_at__isnull=True,
                                     map__archived=False)
            .exclude(expires_at__lte=now).values_list("id", flat=True))
    return {str(link_id) for link_id in rows}


def share_exports_pending(*, link: ShareLink) -> int:
    return Export.objects.filter(share_link_id=link.id,
                                 status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).count()


def share_links_for_map(*, map: JourneyMap) -> list[ShareLink]:
    return list(ShareLink.objects.filter(map=map).select_related("highlight_team"))


def hidden_lanes_of(link: ShareLink) -> frozenset[str]:
    return frozenset(str(lane) for lane in (link.hidden_lanes or []))
