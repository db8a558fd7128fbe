"""MapClient: one map's live connection from Python (see the package docstring)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from journeymap.client.connection import SocketConnection
from journeymap.client.errors import MapClientError
from journeymap.client.frames import FrameHandling
from maps.document import apply_ops


@dataclass
class Pending:
    batch_id: str
    ops: list[dict[str, Any]]
    sent: bool = False
    ack: dict[str, Any] | None = None  # ok/rebased ack, awaiting its ops frame
    not_before: float = 0.0  # monotonic time before which a retry is not resent


class MapClient(SocketConnection, FrameHandling):
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
        resync_first_repeat: float = 1.0,
        resync_max_repeat: float = 8.0,
        backoff_base: float = 0.2,
        backoff_max: float = 5.0,
        silence_timeout: float | None = 35.0,
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
        # A resync still unanswered is repeated after 1 s, then 2, 4, 8 s (at most).
        self.resync_first_repeat = resync_first_repeat
        self.resync_max_repeat = resync_max_repeat
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        # No frame at all for this long (no welcome after hello, no heartbeat, which
        # the server sends every 10 s): the connection is dropped and made again, as
        # the editor's watchdog does. The socket's own pings do not count: a server
        # can answer them while its map is stuck. None turns it off.
        self.silence_timeout = silence_timeout
        self.silences = 0  # connections dropped for silence
        # For fault injection in tests: return False to drop a frame as if lost.
        self.inbound_filter = inbound_filter

        self.document: dict[str, Any] | None = None  # confirmed, at last_seq
        self.last_seq: int | None = None
        self.role: str | None = None
        self.pending: OrderedDict[str, Pending] = OrderedDict()
        self.acks: dict[str, dict[str, Any]] = {}  # final acks by batch_id (ok, rebased, rejected)
        self.errors: list[dict[str, Any]] = []
        self.roster: dict[str, dict[str, Any]] = {}
        # The workshop session as the server last showed it to this person (None: none
        # running); errors about session frames land in ``errors`` with frame "session".
        self.session: dict[str, Any] | None = None
        self.connections = 0
        self.history: list[tuple[int, str]] = []  # (seq, batch_id) applied from ops frames
        self.resyncs = 0
        self.close_code: int | None = None

        self._counter = itertools.count(1)
        self._buffer: dict[int, dict[str, Any]] = {}
        self._remote_seq = 0  # the highest seq the server told us about
        self._gap_task: asyncio.Task | None = None
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
        self._silence_handle: asyncio.TimerHandle | None = None
        self._last_frame = 0.0  # monotonic time of the last frame received

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

    def session_action(self, action: str, **fields: Any) -> bool:
        """Send a workshop-session frame (``start``, ``timer``, ``voting``, ``vote``...:
        the README's table); False when not connected. Nothing is queued or resent
        for it: a dot resent after a reconnect would count twice. Its result comes
        back as ``session`` (or an ``error`` frame for ``session``)."""
        if not self.connected:
            return False
        self._send({"type": "session", "action": action, **fields})
        return True

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
