"""``/ws/notifications/``: the bell's socket, on every page of a signed-in person.

It only listens: it joins the person's group (``maps.realtime.user_group``, which
their map sockets join too) and forwards ``notification`` frames. Browsers only
(the session cookie and the app's own Origin); API clients poll
``GET /api/v1/notifications/`` or read the same frames on a map socket.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from maps import realtime
from maps.live.origins import header, origin_allowed
from notifications.selectors import unread_count

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
FRAME_PREFIX = '{"type":"notification"'


class NotificationConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        # Accept first so a refusal reaches the client as a close code.
        await self.accept()
        origin = header(self.scope, b"origin")
        if origin is None or not origin_allowed(origin, self.scope):
            await self.close(code=CLOSE_FORBIDDEN, reason="origin not allowed")
            return
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="sign in first")
            return
        # Join before counting, so a notification cannot fall between the two.
        self.group = realtime.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        count = await database_sync_to_async(unread_count)(user_id=user.pk)
        await self.send(text_data=realtime.dumps({"type": "notification", "event": "hello", "unread": count}))

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Nothing to say to this socket: it only listens."""

    async def user_frame(self, event: dict[str, Any]) -> None:
        # The person's group also carries export progress for their map sockets.
        if event["text"].startswith(FRAME_PREFIX):
            await self.send(text_data=event["text"])

    async def user_recheck(self, event: dict[str, Any]) -> None:
        """Roles changed: nothing to re-check here (counts skip left workspaces)."""
