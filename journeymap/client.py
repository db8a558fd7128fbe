"""A Python client for live map editing (asyncio + ``websockets``).

    from journeymap.client import MapClient

    async with MapClient("https://maps.example.org", map_id, token="<API token>") as client:
        batch = client.push([{"op": "update", "entity": "card", "id": card_id, "fields": {"text": "Hi"}}])
        ack = await client.wait_ack(batch)          # {"status": "ok", "seq": ..., ...}
        print(client.document["cards"])              # the confirmed document at client.last_seq

It follows the client rules of the realtime protocol: a *confirmed* document (the
state at ``last_seq``) plus a queue of *pending* batches; ``ops`` frames applied
strictly in ``seq`` order (older ones ignored, early ones buffered, a ``resync``
when a gap stays open ~250 ms or a heartbeat shows a newer ``seq``); your own
batch is confirmed by its ``ops`` frame (an ``ack`` never moves ``last_seq``);
``rejected`` drops the batch, ``retry`` waits and resends; on a lost connection it
reconnects with exponential backoff and jitter, a fresh one-use ticket, ``hello``
with ``last_seq``, then resends every pending batch (the server's idempotency by
``batch_id`` makes resending safe).

Tickets come from ``POST /api/v1/maps/<id>/ws-ticket/`` with ``Authorization:
Token <token>``, or from your own ``ticket_fetcher`` (sync or async callable).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import itertools
import json
import logging
import random
import time
import urllib.request
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import websockets

from maps.document import apply_ops

logger = logging.getLogger(__name__)

FATAL_CLOSE_CODES = {4403, 4404}


class MapClientError(Exception):
    pass


@dataclass
class Pending:
    batch_id: str
    ops: list[dict[str, Any]]
    sent: bool = False
    ack: dict[str, Any] | None = None  # ok/rebased ack, awaiting its ops frame
    not_before: float = 0.0  # monotonic time before which a retry is not resent


class MapClient:
    def __init__(
        self,
        base_url: str | list[str],
        map_id: str,
        *,
        token: str | None = None,
        ticket_fetcher: Callable[[], str | Awaitable[str]] | None = None,
        client_id: str | None = None,
        ws_url: str | None = None,
        max_in_flight: int = 16,
        gap_timeout: float = 0.25,
        backoff_base: float = 0.2,
        backoff_max: float = 5.0,
        inbound_filter: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        if token is None and ticket_fetcher is None:
            raise ValueError("give a token or a ticket_fetcher")
        # Several base URLs (processes without a proxy in front) are tried in turn
        # when a connection fails.
        self.urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self._url_index = 0
        self.ws_url = ws_url
        self.map_id = str(map_id)
        self.token = token
        self.ticket_fetcher = ticket_fetcher
        self.client_id = client_id or f"py-{uuid.uuid4().hex[:12]}"
        self.max_in_flight = max_in_flight
        self.gap_timeout = gap_timeout
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        # For fault injection in tests: return False to drop a frame as if lost.
        self.inbound_filter = inbound_filter

        self.document: dict[str, Any] | None = None  # confirmed, at last_seq
        self.last_seq: int | None = None
        self.role: str | None = None
        self.pending: OrderedDict[str, Pending] = OrderedDict()
        self.acks: dict[str, dict[str, Any]] = {}  # final acks by batch_id (ok, rebased, rejected)
        self.errors: list[dict[str, Any]] = []
        self.roster: dict[str, dict[str, Any]] = {}
        self.connections = 0
        self.history: list[tuple[int, str]] = []  # (seq, batch_id) applied from ops frames
        self.resyncs = 0
        self.close_code: int | None = None

        self._counter = itertools.count(1)
        self._buffer: dict[int, dict[str, Any]] = {}
        self._remote_seq = 0  # the highest seq the server told us about
        self._gap_task: asyncio.Task | None = None
        self._last_resync = 0.0
        self._ws: Any = None
        self._outbox: asyncio.Queue | None = None
        self._welcomed = False
        self._task: asyncio.Task | None = None
        self._closing = False
        self._ready = asyncio.Event()
        self._changed = asyncio.Event()
        self._presence: dict[str, Any] | None = None
        self._presence_sent = 0.0
        self._retry_handle: asyncio.TimerHandle | None = None

    # -- lifecycle --------------------------------------------------------------------

    async def __aenter__(self) -> MapClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def start(self, timeout: float = 30.0) -> None:
        """Connect and wait for the first welcome."""
        self._task = asyncio.ensure_future(self._run())
        ready = asyncio.ensure_future(self._ready.wait())
        done, _ = await asyncio.wait({ready, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if self._task.done():
                self._task.result()
            raise MapClientError("no welcome from the server")

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def cut(self) -> None:
        """Drop the connection abruptly (as a network failure would); the client reconnects."""
        ws = self._ws
        if ws is not None:
            ws.transport.abort()

    @property
    def base_url(self) -> str:
        return self.urls[self._url_index % len(self.urls)].rstrip("/")

    @property
    def ws_base(self) -> str:
        return (self.ws_url or self.base_url.replace("https://", "wss://").replace("http://", "ws://")).rstrip("/")

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._welcomed

    # -- what the user does -----------------------------------------------------------

    def push(self, ops: list[dict[str, Any]], batch_id: str | None = None) -> str:
        """Queue one atomic batch; it is sent now when connected, else on reconnect."""
        batch_id = batch_id or f"{self.client_id}:{next(self._counter)}"
        self.pending[batch_id] = Pending(batch_id, ops)
        self._pump()
        return batch_id

    def set_presence(self, focus: dict[str, Any] | None = None, cursor: dict[str, Any] | None = None) -> None:
        self._presence = {"type": "presence", "focus": focus, "cursor": cursor}
        self._send_presence()

    def view(self) -> dict[str, Any]:
        """What a user sees: the confirmed document with pending batches replayed on top."""
        doc = copy.deepcopy(self.document or {})
        for batch in self.pending.values():
            try:
                apply_ops(doc, batch.ops)
            except (KeyError, TypeError):
                continue
        return doc

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("condition not reached")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.1))

    async def wait_ack(self, batch_id: str, timeout: float = 10.0) -> dict[str, Any]:
        await self.wait_for(lambda: batch_id in self.acks, timeout)
        return self.acks[batch_id]

    async def wait_settled(self, timeout: float = 30.0) -> None:
        """Until every pending batch is confirmed or rejected."""
        await self.wait_for(lambda: not self.pending and self.connected, timeout)

    async def wait_seq(self, seq: int, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: (self.last_seq or 0) >= seq, timeout)

    # -- connection -------------------------------------------------------------------

    async def _ticket(self) -> str:
        if self.ticket_fetcher is not None:
            ticket = self.ticket_fetcher()
            if inspect.isawaitable(ticket):
                ticket = await ticket
            return ticket  # type: ignore[return-value]

        def fetch() -> str:
            request = urllib.request.Request(
                f"{self.base_url}/api/v1/maps/{self.map_id}/ws-ticket/", data=b"", method="POST",
                headers={"Authorization": f"Token {self.token}", "Accept": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())["ticket"]

        return await asyncio.to_thread(fetch)

    async def _run(self) -> None:
        attempt = 0
        while not self._closing:
            welcomed = False
            try:
                ticket = await self._ticket()
                url = f"{self.ws_base}/ws/maps/{self.map_id}/?ticket={ticket}"
                async with websockets.connect(url, max_size=None, open_timeout=10, ping_interval=20,
                                              ping_timeout=20, close_timeout=2) as ws:
                    self._ws = ws
                    self._outbox = asyncio.Queue()
                    writer = asyncio.ensure_future(self._writer(ws, self._outbox))
                    self.connections += 1
                    self._send({"type": "hello", "client_id": self.client_id, "last_seq": self.last_seq})
                    try:
                        async for message in ws:
                            self._on_message(message)
                            if self._welcomed:
                                attempt = 0
                                welcomed = True
                    finally:
                        writer.cancel()
                    self.close_code = ws.close_code
            except asyncio.CancelledError:
                raise
            except websockets.ConnectionClosed as closed:
                self.close_code = closed.rcvd.code if closed.rcvd else None
            except Exception as exc:
                logger.info("map socket %s: %s", self.map_id, exc)
            finally:
                self._ws = None
                self._welcomed = False
                for batch in self.pending.values():
                    batch.sent = False
            if self.close_code in FATAL_CLOSE_CODES and not self._closing:
                raise MapClientError(f"the server refused this map (close code {self.close_code})")
            if self._closing:
                break
            if not welcomed:
                self._url_index += 1
            delay = min(self.backoff_max, self.backoff_base * 2 ** attempt) * random.uniform(0.5, 1.0)
            attempt += 1
            await asyncio.sleep(delay)

    def _send(self, frame: dict[str, Any]) -> None:
        if self._ws is None or self._outbox is None:
            return
        self._outbox.put_nowait(json.dumps(frame, separators=(",", ":")))

    async def _writer(self, ws: Any, outbox: asyncio.Queue) -> None:
        """One writer per connection keeps frames in the order they were queued."""
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await ws.send(await outbox.get())

    def _pump(self) -> None:
        """Send unsent pending batches, keeping at most ``max_in_flight`` unacknowledged."""
        if not self.connected:
            return
        now = time.monotonic()
        in_flight = sum(1 for b in self.pending.values() if b.sent and b.ack is None)
        for batch in self.pending.values():
            if in_flight >= self.max_in_flight:
                break
            if batch.sent or batch.not_before > now:
                continue
            batch.sent = True
            in_flight += 1
            self._send({"type": "push", "batch_id": batch.batch_id, "ops": batch.ops})
        waits = [b.not_before for b in self.pending.values() if not b.sent and b.not_before > now]
        if waits and self._retry_handle is None:
            def again() -> None:
                self._retry_handle = None
                self._pump()

            self._retry_handle = asyncio.get_running_loop().call_later(min(waits) - now, again)

    def _send_presence(self) -> None:
        if self._presence is not None and self.connected:
            self._presence_sent = time.monotonic()
            self._send(self._presence)

    # -- frames -----------------------------------------------------------------------

    def _on_message(self, message: str | bytes) -> None:
        frame = json.loads(message)
        if self.inbound_filter is not None and not self.inbound_filter(frame):
            return
        handler = getattr(self, f"_on_{frame.get('type')}", None)
        if handler is not None:
            handler(frame)
        self._changed.set()

    def _on_welcome(self, frame: dict[str, Any]) -> None:
        self.role = frame.get("role", self.role)
        if "snapshot" in frame:
            self.document = frame["snapshot"]
            self.last_seq = frame["seq"]
        else:
            for batch in frame.get("ops", []):
                self._apply(batch)
            self.last_seq = max(self.last_seq or 0, frame["seq"])
        if "presence" in frame:
            self.roster = {e["client_id"]: e for e in frame["presence"]}
        self._remote_seq = max(self._remote_seq, frame["seq"])
        self._settle_acked()
        self._drain()
        if not self._welcomed:
            self._welcomed = True
            self._ready.set()
            self._pump()
            self._send_presence()

    def _on_ops(self, frame: dict[str, Any]) -> None:
        seq = frame["seq"]
        self._remote_seq = max(self._remote_seq, seq)
        if self.last_seq is None or seq <= self.last_seq:
            return
        self._buffer[seq] = frame
        self._drain()

    def _on_heartbeat(self, frame: dict[str, Any]) -> None:
        self._remote_seq = max(self._remote_seq, frame["seq"])
        if self.last_seq is not None and frame["seq"] > self.last_seq:
            self._watch_gap()
        if self._presence is not None and time.monotonic() - self._presence_sent > 15:
            self._send_presence()  # stay on the roster (entries expire 30 s after the last frame)

    def _on_ack(self, frame: dict[str, Any]) -> None:
        batch = self.pending.get(frame["batch_id"])
        status = frame["status"]
        if status == "retry":
            if batch is not None:
                batch.sent = False
                batch.not_before = time.monotonic() + (frame.get("retry_after_ms") or 100) / 1000
        elif status == "rejected":
            self.acks[frame["batch_id"]] = frame
            self.pending.pop(frame["batch_id"], None)
        else:
            self.acks[frame["batch_id"]] = frame
            if batch is not None:
                batch.ack = frame
            self._settle_acked()
        self._pump()

    def _on_presence(self, frame: dict[str, Any]) -> None:
        for entry in frame.get("changes", []):
            if entry.get("left"):
                self.roster.pop(entry["client_id"], None)
            else:
                self.roster[entry["client_id"]] = entry

    def _on_role(self, frame: dict[str, Any]) -> None:
        self.role = frame["role"]

    def _on_error(self, frame: dict[str, Any]) -> None:
        self.errors.append(frame)

    # -- ordering ---------------------------------------------------------------------

    def _apply(self, batch: dict[str, Any]) -> None:
        seq = batch["seq"]
        if self.last_seq is not None and seq <= self.last_seq:
            return
        apply_ops(self.document, batch["ops"], seq)
        self.last_seq = seq
        self.history.append((seq, batch["batch_id"]))
        mine = self.pending.pop(batch["batch_id"], None)
        if mine is not None and batch["batch_id"] not in self.acks:
            # Confirmed by its ops frame before (or instead of) its ack.
            self.acks[batch["batch_id"]] = {"type": "ack", "batch_id": batch["batch_id"], "seq": seq,
                                            "status": "ok", "ops": batch["ops"], "error": None,
                                            "retry_after_ms": None}

    def _drain(self) -> None:
        for seq in sorted(self._buffer):
            if self.last_seq is not None and seq <= self.last_seq:
                del self._buffer[seq]
            elif self.last_seq is not None and seq == self.last_seq + 1:
                self._apply(self._buffer.pop(seq))
            else:
                break
        self._settle_acked()
        if self._buffer or self._remote_seq > (self.last_seq or 0):
            self._watch_gap()

    def _settle_acked(self) -> None:
        """An acknowledged batch already inside the confirmed state (a snapshot or a
        catch-up covered it) is done even if its own ops frame never came."""
        if self.last_seq is None:
            return
        for batch_id in [b.batch_id for b in self.pending.values()
                         if b.ack is not None and b.ack.get("seq") is not None and b.ack["seq"] <= self.last_seq]:
            self.pending.pop(batch_id, None)

    def _behind(self) -> bool:
        return bool(self._buffer) or self._remote_seq > (self.last_seq or 0)

    def _watch_gap(self) -> None:
        if self._gap_task is None or self._gap_task.done():
            self._gap_task = asyncio.ensure_future(self._gap_timer())

    async def _gap_timer(self) -> None:
        await asyncio.sleep(self.gap_timeout)
        while self._behind() and self.connected:
            # A gap that stayed open: ask for what is missing. One resync per
            # second at most, so a slow answer is not asked for twice.
            if time.monotonic() - self._last_resync >= 1.0:
                self._last_resync = time.monotonic()
                self.resyncs += 1
                self._send({"type": "resync", "from_seq": self.last_seq})
            await asyncio.sleep(self.gap_timeout)
