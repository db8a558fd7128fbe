"""The bell's unread count for every page, counted only when a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.selectors import unread_count

    # A callable: the template calls it only where the bell is drawn.
    return {"notifications_unread": lambda: unread_count(user_id=user.pk)}
