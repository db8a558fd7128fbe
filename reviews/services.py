"""Writes of a map's stewardship: who owns it, how often it is reviewed, and the
review itself.

Not map content: these columns change outside the op log (a review or a new owner
is not an edit, has no undo, and restoring a version must not bring back an old
owner), each under the map's row lock so a review and a reminder never cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maps.errors import OpError
from maps.models import JourneyMap
from maps.realtime import broadcast_review
from maps.selectors import human_members
from notifications.services import review_due_settle
from reviews.selectors import OWNER_ROLES, review_state
from versions.models import Reason, Version
from versions.services import version_create

# The fields of a map PATCH this module writes (the others go through the op log).
REVIEW_SETTINGS = ("owner", "review_every_months")


def map_review_settings_update(*, journey_map: JourneyMap, fields: dict[str, Any]) -> JourneyMap:
    """Set ``owner`` (a user id or ``None``) and/or ``review_every_months``
    (already range-checked by the serializer). The owner must be a person with an
    owner or editor role in the map's workspace: ``invalid`` on ``owner`` otherwise."""
    changes: dict[str, Any] = {}
    if "owner" in fields:
        owner_id = fields["owner"]
        if owner_id is not None and not human_members(workspace_id=journey_map.workspace_id).filter(
                user_id=owner_id, role__in=OWNER_ROLES).exists():
            raise OpError("invalid", _("The owner must be an owner or editor of this workspace."), field="owner")
        changes["owner_id"] = owner_id
    if "review_every_months" in fields:
        changes["review_every_months"] = fields["review_every_months"]
    if changes:
        with transaction.atomic():
            JourneyMap.objects.select_for_update().filter(id=journey_map.id).update(**changes)
            transaction.on_commit(lambda: _announce(journey_map.id))
    journey_map.refresh_from_db()
    return journey_map


def _announce(map_id: Any) -> None:
    """Open editors of the map see the new review state at once."""
    journey_map = JourneyMap.objects.select_related("owner", "reviewed_by").get(id=map_id)
    broadcast_review(map_id, {"type": "review", "review": review_state(journey_map)})


@dataclass(frozen=True)
class Review:
    journey_map: JourneyMap
    version: Version


def map_mark_reviewed(*, journey_map: JourneyMap, user: Any, note: str = "") -> Review:
    """Record that ``user`` reviewed the map now: an automatic version of the map
    as reviewed (reason ``review``, with the note), the review's time and author,
    and the end of the reminders of the review that was due (the owner's unread
    ones are marked read, so a digest not sent yet leaves them out).

    Under the map's row lock: the version is the state the reviewer saw, no edit
    slips in between, and a reminder job waiting on the lock then finds the map
    reviewed."""
    with transaction.atomic():
        locked = JourneyMap.objects.select_for_update().get(id=journey_map.id)
        version = version_create(journey_map=locked, user=user, reason=Reason.REVIEW, note=note)
        JourneyMap.objects.filter(id=locked.id).update(reviewed_at=timezone.now(), reviewed_by=user,
                                                       review_reminded_at=None)
        review_due_settle(map_id=locked.id)
        transaction.on_commit(lambda: _announce(locked.id))
    journey_map.refresh_from_db()
    return Review(journey_map=journey_map, version=version)
