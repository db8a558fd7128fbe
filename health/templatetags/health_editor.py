"""What the editor's Health panel needs on the page: where to read the health and
its words in the reader's language (share pages load none of it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def health_settings(journey_map: Any, can_write: bool) -> dict[str, Any]:
    return {
        "url": f"/api/v1/maps/{journey_map.id}/health/",
        "canAccept": bool(can_write),
        "wordsUrl": reverse("workspace_company_words", args=[journey_map.workspace_id]),
        "strings": health_strings(),
    }


def health_strings() -> dict[str, str]:
    return {
        "health": _("Health"),
        "buttonLabel": _("Map health: %(score)s out of 100"),
        "intro": _("Checks of good journey mapping: what to fix, why it matters and how. They follow the map "
                   "as it changes."),
        "score": _("Health score"),
        "outOf": _("out of 100"),
        "verdictGood": _("In good shape"),
        "verdictFair": _("Needs some work"),
        "verdictPoor": _("Needs attention"),
        "summary": _("%(fail)s to fix · %(warn)s to look at · %(ok)s fine"),
        "groupFail": _("To fix"),
        "groupWarn": _("To look at"),
        "groupOk": pgettext("health checks", "Fine"),
        "groupNa": _("Does not apply here"),
        "statusFail": _("To fix"),
        "statusWarn": _("To look at"),
        "statusOk": pgettext("health check", "Fine"),
        "wholeMap": _("The whole map"),
        "showItem": _("Show on the map"),
        "more": _("Show %(n)s more"),
        "wordsLink": _("Your workspace's company words"),
        "accept": _("Accept…"),
        "acceptTitle": _("Accept this finding: it stops counting, with your reason shown to everyone"),
        "reasonLabel": _("Why is this fine?"),
        "reasonPlaceholder": _("e.g. Our customers really say “onboarding”"),
        "acceptSave": _("Accept"),
        "cancel": _("Cancel"),
        "acceptedHead": _("Accepted (%(n)s)"),
        "acceptedBy": _("Accepted by %(name)s"),
        "undo": _("Undo"),
        "accepted": _("Finding accepted."),
        "undone": _("The finding counts again."),
        "failed": _("Could not reach the server: %(message)s"),
        "loadFailed": _("The health of this map could not be read. It will be tried again."),
        "loading": _("Checking the map…"),
        "gone": _("Not on the board (hidden by a filter, or deleted)."),
    }
