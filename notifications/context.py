"""The bell's unread count for every page, counted only when a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        from notifications.selectors import unread_count
        from notifications.services import notification_settings_seen

        # Mails and live frames go out in the language and to the address the
        # person uses the app at (one read; a write only when they change).
        notification_settings_seen(user=user, language=translation.get_language() or "",
                                   origin=request.build_absolute_uri("/"))
        return unread_count(user_id=user.pk)

    # A callable: the template calls it only where the bell is drawn.
    return {"notifications_unread": unread}
