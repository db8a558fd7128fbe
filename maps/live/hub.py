"""One hub per open map per daphne process: the fan-out of committed batches,
presence coalescing and heartbeats.

Fan-out, not the database, is the scarce resource, so a frame costs one message
per process, not one per socket. Each committed batch reaches the hub once (from
this process's write threads directly, from other processes through the channel
layer, group ``presence.<map>`` of hubs only); the hub holds it back briefly
only to restore ``seq`` order when another process's batch is still on its way
(``HUB_REORDER_WAIT_MS``), then serialises it once per visibility profile and writes
the text to each of its sockets directly (``maps.live.outlet``). A socket that
joins is sent nothing until its welcome is out; what arrived meanwhile follows
the welcome, minus what the welcome already held. Presence is never relayed
frame by frame either. Each
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
from maps.live.outlet import OutFrame, Outlet
from sharing import links as sharing

if TYPE_CHECKING:
    from maps.live.consumers import MapConsumer

logger = logging.getLogger(__name__)

TICK = 0.2
SWEEP_EVERY = 1.0
# Batches kept for a socket between joining and its welcome.
MAX_BEFORE_WELCOME = 1000


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
        self.outlets: dict[MapConsumer, Outlet] = {}
        self.inbox: asyncio.Queue = asyncio.Queue()  # batches, and sockets welcomed
        self.fanout: asyncio.Task | None = None
        self.subscribed: asyncio.Future | None = None
        self.last_seq: int | None = None  # the last batch written to the sockets
        self.held: dict[int, dict[str, Any]] = {}  # batches waiting for an earlier one

    # -- sockets come and go --------------------------------------------------------

    async def attach(self, consumer: MapConsumer) -> None:
        """Before a socket reads its welcome: from now on every batch is kept for it
        (and sent after the welcome), so none falls between the read and the send."""
        self.outlets[consumer] = Outlet(consumer)
        if self.fanout is None or self.fanout.done():
            self.fanout = asyncio.ensure_future(self.fan_out())
        if self.subscribed is None:
            self.subscribed = asyncio.ensure_future(self.subscribe(get_channel_layer()))
        await asyncio.shield(self.subscribed)

    async def join(self, consumer: MapConsumer) -> None:
        self.consumers.add(consumer)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self.run())
        self.change(consumer.client_id, consumer.conn.person, None, None)

    def welcomed(self, consumer: MapConsumer, seq: int) -> None:
        """The welcome (at ``seq``) is sent: the batches after it follow, in order."""
        self.inbox.put_nowait(("welcomed", consumer, seq))

    def leave(self, consumer: MapConsumer) -> None:
        self.consumers.discard(consumer)
        outlet = self.outlets.pop(consumer, None)
        if outlet is not None:
            outlet.release()
        if not self.consumers and not self.outlets and (self.task is None or self.task.done()):
            # Left before joining (no loop running to wind the hub down).
            asyncio.ensure_future(self.stop(get_channel_layer()))
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
            while self.consumers or self.outlets:
                now = time.monotonic()
                if layer is not None and now - last_join >= settings.HEARTBEAT_SECONDS:
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
        if layer is None:
            return
        try:
            if self.channel is None:
                self.channel = await layer.new_channel("hub.")
            await layer.group_add(realtime.hub_group(self.map_id), self.channel)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.ensure_future(self.read(layer))
        except Exception:
            logger.warning("hub %s could not join its group", self.map_id, exc_info=True)

    async def read(self, layer: Any) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(1.0)
                continue
            if message.get("type") == "hub.ops":
                if message.get("origin") != realtime.process_origin():
                    self.take(message)
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
        if self.consumers or self.outlets:
            # A socket joined while we were winding down: keep going.
            self.task = asyncio.ensure_future(self.run())
            return
        if MapHub.hubs.get(self.map_id) is self:
            del MapHub.hubs[self.map_id]
        if self.reader is not None:
            self.reader.cancel()
        if self.fanout is not None:
            self.fanout.cancel()
        if self.channel is not None and layer is not None:
            with contextlib.suppress(Exception):
                await layer.group_discard(realtime.hub_group(self.map_id), self.channel)

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
                        layer, realtime.hub_group(self.map_id),
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
        frames: dict[str, OutFrame] = {}
        for consumer in list(self.consumers):
            outlet = self.outlets.get(consumer)
            if consumer.ready and outlet is not None:
                shown = visibility.presence_text(consumer.conn, text) if presence else text
                if shown is None:
                    continue
                if shown not in frames:
                    frames[shown] = OutFrame(shown)
                outlet.write(frames[shown])

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

    # -- committed batches ----------------------------------------------------------

    def take(self, event: dict[str, Any]) -> None:
        """One committed batch for this map (from any process)."""
        self.inbox.put_nowait(("ops", event))

    async def fan_out(self) -> None:
        """Write batches to the sockets in ``seq`` order, one at a time: a share
        viewer's profile may read the database before its text is ready."""
        while True:
            try:
                if self.held:
                    item = await asyncio.wait_for(self.inbox.get(), settings.HUB_REORDER_WAIT_MS / 1000)
                else:
                    item = await self.inbox.get()
            except TimeoutError:
                # The earlier batch is late (or lost): go on; clients resync a gap.
                for seq in sorted(self.held):
                    await self.deliver(self.held.pop(seq))
                continue
            try:
                if item[0] == "ops":
                    await self.order(item[1])
                else:
                    await self.release_before_welcome(item[1], item[2])
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("fan-out on map %s failed for one batch", self.map_id)

    async def order(self, event: dict[str, Any]) -> None:
        seq = event.get("seq")
        if not isinstance(seq, int):
            return
        if self.last_seq is not None and seq > self.last_seq + 1:
            self.held[seq] = event
            return
        await self.deliver(event)
        while self.last_seq is not None and self.last_seq + 1 in self.held:
            await self.deliver(self.held.pop(self.last_seq + 1))

    async def deliver(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        self.last_seq = seq if self.last_seq is None else max(self.last_seq, seq)
        frames: dict[Any, OutFrame | None] = {}
        for consumer, outlet in list(self.outlets.items()):
            if outlet.before_welcome is not None:
                if len(outlet.before_welcome) < MAX_BEFORE_WELCOME:
                    outlet.before_welcome.append(event)
                continue
            if not consumer.ready or consumer not in self.consumers:
                continue  # closing: a revoked share link, a removed member
            profile = visibility.profile_of(consumer.conn) if visibility.filtered(consumer.conn) else None
            if profile not in frames:
                frames[profile] = await self.frame_for(profile, consumer, event)
            frame = frames[profile]
            if frame is not None:
                outlet.write(frame)

    async def frame_for(self, profile: Any, consumer: MapConsumer, event: dict[str, Any]) -> OutFrame | None:
        """The batch as one visibility profile sees it (None: nothing to send)."""
        text = await visibility.ops_text(consumer.conn, event)
        return OutFrame(text) if text is not None else None

    async def release_before_welcome(self, consumer: MapConsumer, seq: int) -> None:
        outlet = self.outlets.get(consumer)
        if outlet is None or outlet.before_welcome is None:
            return
        waiting, outlet.before_welcome = outlet.before_welcome, None
        if self.last_seq is None:
            self.last_seq = seq
        if not consumer.ready:
            return
        for event in waiting:
            if event["seq"] > seq:
                text = await visibility.ops_text(consumer.conn, event)
                if text is not None:
                    outlet.write(OutFrame(text))


def take_local_batch(map_id: str, event: dict[str, Any]) -> None:
    """A batch committed by this process (called on the event loop): only a hub
    with sockets on the map wants it."""
    hub = MapHub.hubs.get(map_id)
    if hub is not None:
        hub.take(event)


realtime.receive_ops_locally(take_local_batch)
