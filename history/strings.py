"""The activity's words in the History panel, handed to the editor's scripts."""

from __future__ import annotations

from django.utils.translation import gettext as _


def activity_strings() -> dict[str, str]:
    return {
        "activityGone": _("no longer on the map"),
        "activityShowItem": _("Show it on the map"),
        "activityWho": _("Whose changes"),
        "activityEveryone": _("Everyone"),
        "activityTeam": _("Team %(name)s"),
    }
