"""Review reminders: the periodic job (``journeymap.periodic``, Celery beat with
Redis, the web process's thread without) that tells each map's owner when its
review is due, once when it falls due and then once a week until someone marks
the map reviewed.

Safe to run on several workers at once, and twice: each map is re-checked and its
``review_reminded_at`` written under the map's row lock, in the transaction that
creates the notification, so one due week makes one reminder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maps.models import JourneyMap
from notifications.services import review_due_notify
from reviews.selectors import map_review_due_at, reminder_recipient, with_review_due

REMIND_AGAIN_AFTER = dt.timedelta(days=7)
# Maps looked at per run; the rest go at the next run (the job runs hourly).
BATCH = 500


def _waiting(now: dt.datetime) -> Q:
    """Never reminded of this review, or last reminded a week ago or more."""
    return Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lte=now - REMIND_AGAIN_AFTER)


def send_review_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind the owners of every map whose review is due and who has not been
    reminded this week; returns how many reminders went."""
    now = now or timezone.now()
    candidates = (with_review_due(JourneyMap.objects.filter(archived=False, owner__isnull=False))
                  .filter(_waiting(now), review_due__lte=now).order_by("review_due").values_list("id", flat=True))
    return sum(remind_owner(map_id=map_id, now=now) for map_id in list(candidates[:BATCH]))


def remind_owner(*, map_id: Any, now: dt.datetime) -> bool:
    """Remind the map's owner if its review is still due and they were not reminded
    within the week, deciding under the map's row lock; True if reminded."""
    with transaction.atomic():
        journey_map = (JourneyMap.objects.select_for_update().filter(id=map_id, archived=False)
                       .filter(_waiting(now)).first())
        if journey_map is None or map_review_due_at(journey_map) > now:
            return False
        recipient = reminder_recipient(journey_map)
        # Recorded even with nobody to tell, so the map is not looked at every hour.
        JourneyMap.objects.filter(id=map_id).update(review_reminded_at=now)
        if recipient is None:
            return False
        review_due_notify(map_id=map_id, recipient_id=recipient)
    return True
