"""One hub per open map per daphne process: presence coalescing and heartbeats.

Fan-out, not the database, is the scarce resource (each frame delivered costs
daphne about 0.3 ms of CPU), so presence is never relayed frame by frame. Each
hub collects the presence changes of its own sockets, tells the hubs of other
processes about them once per tick (group ``presence.<map>``, hubs only), and
every ``TICK`` sends its sockets at most one ``presence`` frame carrying every
change since the last one. The heartbeat is also per hub: one query per map per
interval gives the current ``seq`` and the roles of the users on it, so a member
removed or downgraded is cut off or downgraded within one interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from maps import realtime
from maps.live import presence, sockets, visibility
from sharing import links as sharing

if TYPE_CHECKING:
    from maps.live.consumers import MapConsumer

logger = logging.getLogger(__name__)

TICK = 0.2
SWEEP_EVERY = 1.0


class MapHub:
    hubs: dict[str, MapHub] = {}

    @classmethod
    def for_map(cls, map_id: str) -> MapHub:
        hub = cls.hubs.get(map_id)
        if hub is None:
            hub = cls.hubs[map_id] = cls(map_id)
        return hub

    def __init__(self, map_id: str) -> None:
        self.map_id = map_id
        self.consumers: set[MapConsumer] = set()
        self.known: dict[str, dict[str, Any]] = {}  # client id -> entry (with ts)
        self.pending: dict[str, dict[str, Any]] = {}  # to send to our sockets next tick
        self.outgoing: dict[str, dict[str, Any]] = {}  # our sockets' changes, for other hubs
        self.task: asyncio.Task | None = None
        self.reader: asyncio.Task | None = None
        self.channel: str | None = None
        self.recheck_now = asyncio.Event()
        # Other processes only exist with a shared (Redis) channel layer.
        self.shared = bool(settings.REDIS_URL)

    # -- sockets come and go --------------------------------------------------------

    async def join(self, consumer: MapConsumer) -> None:
        self.consumers.add(consumer)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self.run())
        self.change(consumer.client_id, consumer.conn.person, None, None)

    def leave(self, consumer: MapConsumer) -> None:
        self.consumers.discard(consumer)
        # Another socket of the same client (a quick reconnect) keeps the entry.
        if consumer.client_id and not any(c.client_id == consumer.client_id for c in self.consumers):
            self.known.pop(consumer.client_id, None)
            entry = {"client_id": consumer.client_id, "left": True, "ts": time.time()}
            self.pending[consumer.client_id] = entry
            self.outgoing[consumer.client_id] = entry

    def change(self, client_id: str, user: dict[str, Any], focus: Any, cursor: Any) -> None:
        entry = {"client_id": client_id, "user": user, "focus": focus, "cursor": cursor, "left": False,
                 "ts": time.time()}
        self.known[client_id] = entry
        self.pending[client_id] = entry
        self.outgoing[client_id] = entry

    async def roster(self) -> list[dict[str, Any]]:
        """The current roster for a welcome: the shared store, overlaid with what
        this hub has seen but not yet written."""
        entries: dict[str, dict[str, Any]] = {}
        try:
            for entry in await presence.load(self.map_id):
                entries[entry["client_id"]] = entry
        except Exception:
            logger.warning("presence roster of map %s unavailable", self.map_id, exc_info=True)
        for client_id, entry in self.known.items():
            entries[client_id] = entry
        for client_id, entry in self.outgoing.items():
            if entry.get("left"):
                entries.pop(client_id, None)
        return [presence.public(e) for e in entries.values() if not e.get("left")]

    def request_recheck(self) -> None:
        self.recheck_now.set()

    # -- the loop -------------------------------------------------------------------

    async def run(self) -> None:
        layer = get_channel_layer()
        last_beat = time.monotonic()
        last_sweep = time.monotonic()
        last_join = 0.0
        try:
            while self.consumers:
                now = time.monotonic()
                if self.shared and layer is not None and now - last_join >= settings.HEARTBEAT_SECONDS:
                    # (Re-)joining periodically survives channels-redis group expiry
                    # and a Redis restart.
                    last_join = now
                    await self.subscribe(layer)
                if now - last_sweep >= SWEEP_EVERY:
                    last_sweep = now
                    self.sweep()
                await self.flush(layer)
                if now - last_beat >= settings.HEARTBEAT_SECONDS or self.recheck_now.is_set():
                    self.recheck_now.clear()
                    last_beat = now
                    await self.heartbeat()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.recheck_now.wait(), TICK)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("map hub %s stopped", self.map_id)
        finally:
            await self.stop(layer)

    async def subscribe(self, layer: Any) -> None:
        try:
            if self.channel is None:
                self.channel = await layer.new_channel("hub.")
            await layer.group_add(realtime.presence_group(self.map_id), self.channel)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.ensure_future(self.read(layer))
        except Exception:
            logger.warning("hub %s could not join its presence group", self.map_id, exc_info=True)

    async def read(self, layer: Any) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(1.0)
                continue
            if message.get("origin") == self.channel:
                continue
            for entry in message.get("changes", []):
                # Another process read these from frames already; checked again so
                # that nothing in the channel layer can break this process's frames.
                if not presence.acceptable(entry):
                    continue
                client_id = entry["client_id"]
                if not client_id:
                    continue
                if entry.get("left"):
                    self.known.pop(client_id, None)
                else:
                    self.known[client_id] = entry
                self.pending[client_id] = entry

    async def stop(self, layer: Any) -> None:
        with contextlib.suppress(Exception):
            await self.flush(layer)
        if self.consumers:
            # A socket joined while we were winding down: keep going.
            self.task = asyncio.ensure_future(self.run())
            return
        if MapHub.hubs.get(self.map_id) is self:
            del MapHub.hubs[self.map_id]
        if self.reader is not None:
            self.reader.cancel()
        if self.channel is not None and layer is not None:
            with contextlib.suppress(Exception):
                await layer.group_discard(realtime.presence_group(self.map_id), self.channel)

    def sweep(self) -> None:
        """Forget entries whose client has been silent for the expiry time."""
        horizon = time.time() - presence.expiry_seconds()
        for client_id, entry in list(self.known.items()):
            if entry.get("ts", 0) < horizon:
                del self.known[client_id]
                self.pending[client_id] = {"client_id": client_id, "left": True, "ts": time.time()}

    async def flush(self, layer: Any) -> None:
        outgoing, self.outgoing = self.outgoing, {}
        if outgoing:
            try:
                await presence.save(
                    self.map_id,
                    [e for e in outgoing.values() if not e.get("left")],
                    [c for c, e in outgoing.items() if e.get("left")],
                )
                if self.shared and layer is not None and self.channel is not None:
                    await realtime.group_send_on_loop(
                        layer, realtime.presence_group(self.map_id),
                        {"type": "presence.changes", "origin": self.channel, "changes": list(outgoing.values())},
                    )
            except Exception:
                logger.warning("presence of map %s not shared", self.map_id, exc_info=True)
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        text = realtime.dumps({"type": "presence", "changes": [presence.public(e) for e in pending.values()]})
        await self.send_all(text)

    async def send_all(self, text: str, presence: bool = True) -> None:
        """Send one frame to every welcomed socket; a presence frame goes through
        each socket's visibility profile (a share link may show nobody)."""
        for consumer in list(self.consumers):
            if consumer.ready:
                shown = visibility.presence_text(consumer.conn, text) if presence else text
                if shown is None:
                    continue
                try:
                    await consumer.send(text_data=shown)
                except Exception:
                    logger.debug("send to a closing socket failed", exc_info=True)

    async def heartbeat(self) -> None:
        users = list({c.conn.user_id for c in self.consumers if c.conn and c.conn.user_id is not None})
        links = list({c.conn.share_link_id for c in self.consumers if c.conn and c.conn.share_link_id is not None})
        try:
            seq, roles = await database_sync_to_async(sockets.map_state)(self.map_id, users)
            # A revocation or archive whose event was lost still ends share sockets here.
            live_links = await database_sync_to_async(sharing.live_share_link_ids)(links) if links else set()
        except Exception:
            logger.warning("heartbeat of map %s skipped", self.map_id, exc_info=True)
            return
        if seq is None:
            for consumer in list(self.consumers):
                await consumer.close(code=sockets.CLOSE_NOT_FOUND)
            return
        text = realtime.dumps({"type": "heartbeat", "seq": seq})
        for consumer in list(self.consumers):
            conn = consumer.conn
            if conn is not None and conn.share_link_id is not None and str(conn.share_link_id) not in live_links:
                self.consumers.discard(consumer)
                await consumer.share_closed({})
                continue
            if conn is not None and conn.user_id is not None:
                role = roles.get(conn.user_id)
                if role is None:
                    self.consumers.discard(consumer)
                    await consumer.close(code=sockets.CLOSE_FORBIDDEN)
                    continue
                if role != conn.role:
                    conn.role = role
                    await consumer.send(text_data=realtime.dumps({"type": "role", "role": role}))
        await self.send_all(text, presence=False)
