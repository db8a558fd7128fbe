"""The map client's socket: tickets, connecting and reconnecting with backoff and
jitter across the base URLs, one ordered writer per connection, and sending
pending batches and presence. A mixin of ``MapClient``, whose attributes
(set in ``MapClient.__init__``) it shares."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import random
import time
import urllib.request
from typing import Any

import websockets

from journeymap.client.errors import MapClientError

logger = logging.getLogger(__name__)

FATAL_CLOSE_CODES = {4403, 4404}


class SocketConnection:
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
                    self._watch_silence(ws)
                    try:
                        async for message in ws:
                            self._last_frame = time.monotonic()
                            self._on_message(message)
                            if self._welcomed:
                                attempt = 0
                                welcomed = True
                    finally:
                        writer.cancel()
                        self._stop_watching_silence()
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

    def _watch_silence(self, ws: Any) -> None:
        """The silence deadline of this connection, from the last frame received
        (``_last_frame``, set per frame; the timer only looks at it when it fires,
        so a busy socket costs no timer per frame)."""
        self._stop_watching_silence()
        if self.silence_timeout is None:
            return
        loop = asyncio.get_running_loop()

        def check() -> None:
            self._silence_handle = None
            if self._ws is not ws:
                return
            quiet = time.monotonic() - self._last_frame
            if quiet < self.silence_timeout:
                self._silence_handle = loop.call_later(self.silence_timeout - quiet, check)
                return
            self.silences += 1
            logger.info("map socket %s: no frame for %.0f s, reconnecting", self.map_id, self.silence_timeout)
            ws.transport.abort()

        self._last_frame = time.monotonic()
        self._silence_handle = loop.call_later(self.silence_timeout, check)

    def _stop_watching_silence(self) -> None:
        if self._silence_handle is not None:
            self._silence_handle.cancel()
            self._silence_handle = None

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
