"""The map socket: ``/ws/maps/<map_uuid>/`` (protocol: the README, "Live co-editing:
the realtime protocol").

Thin on purpose: authentication, frame parsing, writes and reads live in
``maps.live.sockets``; presence and heartbeats in the per-process ``maps.live.hub``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from maps import realtime
from maps.errors import OpError
from maps.live import reads, sockets, visibility
from maps.live.bucket import TokenBucket
from maps.live.committer import MapCommitter, ack_for
from maps.live.hub import MapHub
from maps.operations import parse_batch
from sharing import links as sharing
from workshops import services as workshop
from workshops import state as workshop_state

logger = logging.getLogger(__name__)


class MapConsumer(AsyncWebsocketConsumer):
    conn: sockets.Connection | None = None
    hub: MapHub | None = None
    client_id: str = ""
    ready = False  # after welcome: group frames are forwarded from then on
    # Committed batches do not come through the consumer: its hub writes them to
    # the socket (``maps.live.hub``).
    writer: asyncio.Task | None = None
    resyncing: asyncio.Task | None = None  # the resync being answered
    expiry: asyncio.TimerHandle | None = None
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        self.map_id = str(self.scope["url_route"]["kwargs"]["map_id"])
        # Accept first so the refusal reaches the client as a close code (a
        # handshake rejected before accept is only an HTTP 403).
        await self.accept()
        try:
            self.conn = await sockets.authenticate(self.scope, self.map_id)
        except sockets.Refused as refused:
            await self.close(code=refused.code, reason=refused.reason)
            return
        self.bucket = TokenBucket(settings.PUSH_RATE_PER_SECOND, settings.PUSH_BURST)
        if self.conn.user_id is not None:
            await self.join(realtime.user_group(self.conn.user_id))
        if self.conn.share_link_id is not None:
            await self.watch_share_link()

    async def watch_share_link(self) -> None:
        """A share viewer: revoking the link (a ``share.closed`` event) or its expiry
        closes the socket. Join before checking, so a revocation cannot fall between."""
        assert self.conn is not None
        await self.join(sharing.share_group(self.conn.share_link_id))
        link = await database_sync_to_async(sharing.active_share_link)(self.conn.share_link_id)
        if link is None:
            await self.share_closed({})
            return
        if link.expires_at is not None:
            delay = max(0.0, (link.expires_at - timezone.now()).total_seconds())
            self.expiry = asyncio.get_running_loop().call_later(
                delay, lambda: asyncio.ensure_future(self.share_closed({})))

    async def share_closed(self, event: dict[str, Any]) -> None:
        """The share link was revoked or expired: nothing more reaches this viewer."""
        self.ready = False
        await self.close(code=sockets.CLOSE_NOT_FOUND, reason="share link no longer works")

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        if group not in self.groups_joined:
            self.groups_joined.append(group)

    async def disconnect(self, code: int) -> None:
        self.ready = False
        if self.writer is not None:
            self.writer.cancel()
        if self.resyncing is not None:
            self.resyncing.cancel()
        if self.expiry is not None:
            self.expiry.cancel()
        visibility.release(self.conn)
        if self.hub is not None:
            self.hub.leave(self)
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.debug("group_discard failed", exc_info=True)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Run the handler of one message (a client frame or a group event).

        Channels' own ``dispatch`` first closes stale database connections through
        a hop to the process's one sync thread: once per frame received and per
        frame fanned out, queueing behind the writes on that thread. These handlers
        reach the database only through ``database_sync_to_async`` and the read
        threads (``maps.live.reads``), which do that
        cleanup around each call, so the hop is skipped here.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        await handler(message)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        try:
            await self.send(text_data=realtime.dumps(frame))
        except UnicodeEncodeError:
            # Text that cannot be encoded (a refused batch_id echoed in its ack, or
            # anything the boundary should have stopped): escaped, it still reaches
            # the client as it was, instead of failing this socket.
            await self.send(text_data=realtime.dumps(frame, ascii=True))

    # -- client frames ----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """One client frame. Whatever goes wrong while handling it is answered on
        this socket (an ``error`` frame or a ``rejected`` ack) and stays there: the
        connection, its writer task and everyone else's sockets carry on."""
        if self.conn is None:
            return
        try:
            await self.handle_frame(text_data, bytes_data)
        except Exception:
            logger.exception("a frame on map %s could not be handled", self.map_id)
            with contextlib.suppress(Exception):
                await self.send_frame(sockets.error_frame("server_error", "this frame could not be handled"))

    async def handle_frame(self, text_data: str | None, bytes_data: bytes | None) -> None:
        frame, error = sockets.parse_frame(text_data, bytes_data)
        if error is not None:
            await self.send_frame(error)
            return
        assert frame is not None
        if frame["type"] != "hello" and not self.ready:
            await self.send_frame(sockets.error_frame("hello_required", "send hello first"))
            return
        await getattr(self, f"on_{frame['type']}")(frame)

    async def on_hello(self, frame: dict[str, Any]) -> None:
        if self.ready:
            await self.send_frame(sockets.error_frame("invalid", "hello was already received"))
            return
        assert self.conn is not None
        self.client_id = frame["client_id"]
        # Attach to the hub (and join the group of comments and workspace changes)
        # before reading: a batch committed while we read waits in the hub for the
        # welcome to be sent, never falls between the two.
        await self.join(realtime.map_group(self.map_id))
        self.hub = MapHub.for_map(self.map_id)
        await self.hub.attach(self)
        if visibility.filtered(self.conn):
            welcome = await visibility.welcome(self.conn)
        else:
            welcome = await reads.read(sockets.welcome)(self.conn, frame.get("last_seq"))
        welcome.update(await reads.read(workshop_state.welcome_fields)(self.conn))
        await self.hub.join(self)
        welcome["presence"] = visibility.roster(self.conn, await self.hub.roster())
        welcome["client_id"] = self.client_id
        await self.send_frame(welcome)
        self.ready = True
        self.hub.welcomed(self, welcome["seq"])

    async def on_push(self, frame: dict[str, Any]) -> None:
        """Refusals are answered at once; accepted pushes queue for one writer task,
        so the bucket counts pushes as they arrive and this socket keeps receiving
        (and forwarding others' batches) while its own are being committed.

        The batch is read (``parse_batch``, no database) before the bucket: a batch
        that can never succeed is ``rejected`` at once and costs no token, so it is
        never answered ``retry``, which would have the client resend it forever."""
        assert self.conn is not None
        batch_id = frame["batch_id"]
        if not self.conn.can_write:
            await self.send_frame(sockets.forbidden_ack(batch_id).as_frame())
            return
        try:
            parsed = parse_batch(batch_id, frame["ops"])
        except OpError as error:
            await self.send_frame(sockets.rejected_ack(batch_id, error).as_frame())
            return
        if (wait_ms := self.bucket.take()) is not None:
            await self.send_frame(sockets.retry_ack(batch_id, wait_ms).as_frame())
            return
        if self.writer is None:
            self.pushes: asyncio.Queue = asyncio.Queue()
            self.writer = asyncio.ensure_future(self.write_pushes())
        self.pushes.put_nowait((batch_id, frame["ops"], parsed))

    async def write_pushes(self) -> None:
        # One at a time, in arrival order: a client's batches commit in the order
        # sent, together with other sockets' batches for the map when several wait
        # (``maps.live.committer``). Nothing one batch does may end this loop:
        # later pushes would never be acked.
        while True:
            batch_id, ops, parsed = await self.pushes.get()
            try:
                ack = await MapCommitter.for_map(self.map_id).push(self.conn, batch_id, ops, parsed)
            except Exception as failure:
                ack = ack_for(batch_id, failure)
            try:
                await self.send_frame(ack.as_frame())
            except Exception:
                logger.debug("ack of %s not sent: the socket is closing", batch_id, exc_info=True)

    async def on_presence(self, frame: dict[str, Any]) -> None:
        assert self.conn is not None and self.hub is not None
        self.hub.change(self.client_id, self.conn.person, frame.get("focus"), frame.get("cursor"))

    async def on_session(self, frame: dict[str, Any]) -> None:
        """A workshop-session action; its result reaches everyone as ``map.session``."""
        error = await database_sync_to_async(workshop.handle)(self.conn, frame, self.channel_name)
        if error is not None:
            await self.send_frame(error)

    async def on_resync(self, frame: dict[str, Any]) -> None:
        """Answered in a task of its own, so that this socket's pushes and presence
        do not wait for it, and one at a time: a resync that comes while the last
        one is still being answered is dropped. The answer under way brings the
        client to the present (what is committed after it reaches the client
        live), and a client still behind asks again, backing off; answering every
        repeat of a client that waits on a busy server would only lengthen the
        queue it waits in."""
        if self.resyncing is not None and not self.resyncing.done():
            return
        self.resyncing = asyncio.ensure_future(self.answer_resync(frame["from_seq"]))

    async def answer_resync(self, from_seq: int) -> None:
        assert self.conn is not None
        try:
            if visibility.filtered(self.conn):
                texts = await database_sync_to_async(visibility.resync_frames)(self.conn)
            else:
                texts = await reads.read(sockets.resync)(self.conn, from_seq)
            for text in texts:
                await self.send(text_data=text)
        except Exception:
            logger.exception("a resync on map %s could not be answered", self.map_id)
            with contextlib.suppress(Exception):
                await self.send_frame(sockets.error_frame("server_error", "this frame could not be handled"))

    # -- group events -----------------------------------------------------------------

    async def map_comment(self, event: dict[str, Any]) -> None:
        """A comment written, changed or deleted: for members only, never a share
        visitor (whatever its link shows)."""
        if self.ready and self.conn is not None and self.conn.share_link_id is None:
            await self.send(text_data=event["text"])

    async def map_review(self, event: dict[str, Any]) -> None:
        """The map's owner, interval or last review changed: for members only."""
        await self.map_comment(event)

    async def map_health(self, event: dict[str, Any]) -> None:
        """A finding of the map's health accepted or undone: for members only."""
        await self.map_comment(event)

    async def map_session(self, event: dict[str, Any]) -> None:
        """A workshop session changed: each socket gets what its person may see."""
        if self.ready and self.conn is not None:
            text = workshop_state.frame_text(self.conn, event, self.channel_name)
            if text is not None:
                await self.send(text_data=text)

    async def map_workspace(self, event: dict[str, Any]) -> None:
        """A workspace-level change (persona, team, channel) this map shows."""
        if self.ready:
            await self.send(text_data=event["text"])

    async def user_frame(self, event: dict[str, Any]) -> None:
        """A frame for this user only (export progress)."""
        await self.send(text_data=event["text"])

    async def user_recheck(self, event: dict[str, Any]) -> None:
        """Membership changed: re-check roles now rather than at the next heartbeat."""
        if self.hub is not None:
            self.hub.request_recheck()
