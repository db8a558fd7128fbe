"""``@username`` in a comment body: a mention when the name is a member of the
map's workspace, plain text otherwise (nobody outside is told, or even looked up
beyond this workspace)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models.functions import Lower

from maps.selectors import human_members

# Django usernames hold letters, digits and @ . + - _. The @ must not follow a
# word character, so "ana@example.com" in running text mentions nobody.
MENTION = re.compile(r"(?<![\w@])@([\w.@+-]{1,150})")
# What usually ends a sentence rather than a name: "thanks @ana." means ana.
_TRAILING = ".,;:!?-+@"


def mention_candidates(body: str) -> list[str]:
    """The names written after an @, each also without trailing punctuation."""
    names: list[str] = []
    for match in MENTION.finditer(body):
        name = match.group(1)
        for candidate in (name, name.rstrip(_TRAILING)):
            if candidate and candidate not in names:
                names.append(candidate)
    return names


def mentioned_members(*, body: str, workspace_id: Any) -> list[Any]:
    """The workspace members a body mentions, in the order first written.

    Usernames are matched without regard to case (``@Ana`` is ana), as people
    type them; a name matching two members by case alone takes the exact one.
    """
    candidates = mention_candidates(body)
    if not candidates:
        return []
    lowered = [name.lower() for name in candidates]
    memberships = (human_members(workspace_id=workspace_id)
                   .annotate(lowered=Lower("user__username")).filter(lowered__in=lowered)
                   .select_related("user"))
    by_name: dict[str, Any] = {}
    for membership in memberships:
        user = membership.user
        key = user.get_username().lower()
        if key not in by_name or user.get_username() in candidates:
            by_name[key] = user
    found: list[Any] = []
    for name in lowered:
        user = by_name.get(name)
        if user is not None and user not in found:
            found.append(user)
    return found
