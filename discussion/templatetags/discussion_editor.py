"""What the editor's Comments panel needs on the page: who can be mentioned and
its text in the reader's language (share pages load none of it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from discussion.models import MAX_BODY_LENGTH
from discussion.selectors import mentionable_members

register = template.Library()


@register.simple_tag
def comments_settings(journey_map: Any, user: Any) -> dict[str, Any]:
    return {
        "members": mentionable_members(journey_map=journey_map),
        "userId": user.pk,
        "maxLength": MAX_BODY_LENGTH,
        "strings": comment_strings(),
    }


def comment_strings() -> dict[str, str]:
    return {
        "comments": _("Comments"),
        "openThreads": _("%(n)s open threads"),
        "unreadThreads": _("%(n)s unread"),
        "filters": _("Which threads"),
        "filterOpen": pgettext("comment threads", "Open"),
        "filterResolved": pgettext("comment threads", "Resolved"),
        "filterMine": _("Mine"),
        "filterMentions": _("Mentioning me"),
        "about": pgettext("what a comment is on", "About"),
        "aboutMap": _("The whole map"),
        "aboutStage": _("Stage « %(name)s »"),
        "aboutLane": _("Lane « %(name)s »"),
        "aboutCell": _("« %(stage)s » × « %(lane)s »"),
        "aboutCard": _("Card « %(name)s »"),
        "aboutTouchpoint": _("Touchpoint « %(name)s »"),
        "aboutMoment": _("Moment of truth « %(name)s »"),
        "untitled": _("(untitled)"),
        "allComments": _("All comments"),
        "showOnMap": _("Show on the map"),
        "writeComment": _("Write a comment… type @ to mention someone"),
        "writeReply": _("Reply… type @ to mention someone"),
        "sendHint": _("Ctrl+Enter sends"),
        "send": _("Comment"),
        "reply": _("Reply"),
        "resolve": _("Resolve"),
        "reopen": _("Reopen"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "delete": _("Delete"),
        "confirmDelete": _("Delete this comment?"),
        "deletedComment": _("This comment was deleted."),
        "edited": _("edited"),
        "resolvedBy": _("Resolved by %(name)s"),
        "unread": _("New"),
        "noThreads": _("No comments here yet."),
        "noThreadsFiltered": _("No threads match."),
        "oneComment": _("1 comment"),
        "manyComments": _("%(n)s comments"),
        "commentOn": _("Comments on %(what)s"),
        "mentionList": _("People to mention"),
        "mentionCount": _("%(n)s people match; arrows to choose, Enter to insert"),
        "mentionNone": _("Nobody in this workspace matches"),
        "failed": _("The comment could not be saved: %(message)s"),
        "tooLong": _("A comment holds at most %(n)s characters."),
        "someone": _("Someone"),
    }
