"""What the editor's Review panel needs on the page: the map's review state, the
people who may own it, and its words in the reader's language (share pages load
none of it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from maps.serializers import person_name
from reviews.schedule import REVIEW_MONTHS_MAX, REVIEW_MONTHS_MIN
from reviews.selectors import possible_owners, review_state

register = template.Library()


@register.simple_tag
def review_settings(journey_map: Any, can_write: bool) -> dict[str, Any]:
    return {
        "mapUrl": f"/api/v1/maps/{journey_map.id}/",
        "reviewUrl": f"/api/v1/maps/{journey_map.id}/review/",
        "canWrite": bool(can_write),
        "state": review_state(journey_map),
        "owners": [{"id": user.pk, "name": person_name(user)}
                   for user in possible_owners(workspace_id=journey_map.workspace_id)],
        "intervals": [{"value": n, "label": ngettext("Every month", "Every %(n)s months", n) % {"n": n}}
                      for n in range(REVIEW_MONTHS_MIN, REVIEW_MONTHS_MAX + 1)],
        "strings": review_strings(),
    }


def review_strings() -> dict[str, str]:
    return {
        "review": _("Review"),
        "buttonDue": _("Review due"),
        "intro": _("Revisit a journey map every few months: journeys change, and a map nobody checks stops being "
                   "trusted."),
        "owner": pgettext("map", "Owner"),
        "ownerHint": _("Reminded when the review is due."),
        "noOwner": _("Nobody (no reminders)"),
        "interval": _("Review"),
        "lastReview": _("Last review"),
        "never": _("Never reviewed"),
        "reviewedBy": _("%(date)s by %(name)s"),
        "nextReview": _("Next review"),
        "dueOn": _("Due on %(date)s"),
        "dueSince": _("Review due since %(date)s"),
        "dueToday": _("Review due today"),
        "note": _("Note"),
        "optional": _("optional"),
        "notePlaceholder": _("e.g. Checked with Support; the delivery stage changed"),
        "mark": _("Mark as reviewed"),
        "marking": _("Saving…"),
        "markHint": _("Saves a version of the map as it is now (see History) and starts the next interval."),
        "marked": _("Marked as reviewed. Next review: %(date)s."),
        "saved": _("Saved."),
        "failed": _("Could not save: %(message)s"),
        "readOnly": _("Editors and owners mark the map reviewed."),
    }
