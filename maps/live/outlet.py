"""Where a hub writes one socket's frames: straight onto daphne's websocket.

A frame fanned out by a hub (a committed batch, presence, a heartbeat) is the
same text for every socket of a visibility profile, so it is encoded and framed
once (``OutFrame``: an autobahn prepared message) and written to each socket's
transport directly, with no channel-layer message and no task wake-up per
socket. Outside daphne (an in-process test communicator) the frame goes through
the consumer's own ``send`` instead.

A frame goes onto the socket at once, with one ``send`` call, when nothing of
that socket waits to be written before it (``write_now``); otherwise it is queued
behind what waits, in Twisted's buffer, as autobahn would. Left to Twisted, each
write would register the socket for writability and send on the next turn of
the loop (two ``epoll_ctl`` calls, a wake-up and a callback per socket and
frame), which for a frame to 50 sockets costs more than building it.

A socket whose peer does not read cannot hold up the others: writes never wait.
The outlet registers as the transport's streaming producer, so Twisted tells it
when the socket's send buffer is full (``pauseProducing``) and drained again
(``resumeProducing``); meanwhile frames wait in the outlet, up to
``WS_SEND_QUEUE_BYTES``. Past that the socket is closed (4408, too slow):
its client reconnects with its ``last_seq`` and catches up from the op log.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections import deque
from typing import Any

from autobahn.websocket.protocol import PreparedMessage
from django.conf import settings
from twisted.internet import tcp

from maps import realtime

logger = logging.getLogger(__name__)

# Not 1013 (try again later): autobahn sends only 1000 and 3000-4999.
CLOSE_TOO_SLOW = 4408


class OutFrame:
    """One frame's text, encoded and framed at most once for all its sockets."""

    __slots__ = ("_prepared", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._prepared: PreparedMessage | None = None

    @property
    def prepared(self) -> PreparedMessage:
        if self._prepared is None:
            try:
                payload = self.text.encode("utf-8")
            except UnicodeEncodeError:
                # Text that cannot be encoded still reaches the client as it was, escaped.
                payload = realtime.dumps(json.loads(self.text), ascii=True).encode("ascii")
            self._prepared = PreparedMessage(payload, False, False, True)
        return self._prepared

    @property
    def size(self) -> int:
        return len(self.prepared.payloadHybi)


def daphne_protocol(consumer: Any) -> Any:
    """The websocket protocol under a consumer run by daphne, or None elsewhere.

    Daphne hands each application ``partial(server.handle_reply, protocol)`` as
    its ``send``; the protocol is an autobahn ``WebSocketServerProtocol``.
    Channels' session middleware wraps it (keeping it as ``real_send``; it only
    acts on accepting and on HTTP responses, never on a frame sent)."""
    send = getattr(consumer, "base_send", None)
    for _ in range(4):
        if isinstance(send, functools.partial) and send.args and hasattr(send.args[0], "sendPreparedMessage"):
            return send.args[0]
        send = getattr(getattr(send, "__self__", None), "real_send", None)
    return None


def write_now(protocol: Any, data: bytes) -> bool:
    """Send a server frame (``data``: its bytes on the wire) straight to the
    socket under ``protocol`` if nothing is waiting to go before it; what the
    kernel does not take at once is left to Twisted's buffer, in order. False
    when the frame must take autobahn's own path (TLS, compression, a frame of
    autobahn's still queued, a transport closing)."""
    transport = protocol.transport
    if (not isinstance(transport, tcp.Connection) or protocol._perMessageCompress is not None
            or protocol.send_queue or not transport.connected or transport.disconnecting
            or transport._writeDisconnected or transport._tempDataBuffer
            or len(transport.dataBuffer) > transport.offset):
        return False
    try:
        sent = transport.socket.send(data)
    except BlockingIOError:
        sent = 0
    except OSError:
        return False  # Twisted's own write notices the broken socket and closes it
    if sent < len(data):
        transport.write(data[sent:])
    return True


class Outlet:
    """The hub's side of one socket (an ``IPushProducer`` for its transport)."""

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.protocol = daphne_protocol(consumer)
        self.paused = False
        self.closed = False
        self.queue: deque[OutFrame] = deque()
        self.queued_bytes = 0
        # Frames that arrived between joining and the welcome (see ``MapHub``).
        self.before_welcome: list[dict[str, Any]] | None = []
        # The transport's producer from before the upgrade (daphne's HTTP channel,
        # which stops reading the socket while its writes are backed up) stays
        # informed: this outlet takes its place and passes pause and resume on.
        self.previous: Any = None
        self.transport = getattr(self.protocol, "transport", None)
        if self.transport is not None:
            try:
                self.previous = getattr(self.transport, "producer", None)
                if self.previous is not None:
                    self.transport.unregisterProducer()
                self.transport.registerProducer(self, True)
            except Exception:
                # A transport already gone: write without flow control; the
                # socket's own close ends it.
                logger.debug("socket flow control unavailable", exc_info=True)

    # -- IPushProducer ---------------------------------------------------------------

    def pauseProducing(self) -> None:  # noqa: N802  (Twisted's interface)
        self.paused = True
        if self.previous is not None:
            self.previous.pauseProducing()

    def resumeProducing(self) -> None:  # noqa: N802
        self.paused = False
        if self.previous is not None:
            self.previous.resumeProducing()
        while self.queue and not self.paused and not self.closed:
            frame = self.queue.popleft()
            self.queued_bytes -= frame.size
            self._send(frame)

    def stopProducing(self) -> None:  # noqa: N802
        self.closed = True
        self.queue.clear()
        self.queued_bytes = 0

    # -- writing ---------------------------------------------------------------------

    def write(self, frame: OutFrame) -> None:
        if self.closed:
            return
        if self.protocol is None:
            asyncio.ensure_future(self._send_through_consumer(frame.text))
            return
        if self.paused or self.queue:
            self.queue.append(frame)
            self.queued_bytes += frame.size
            if self.queued_bytes > settings.WS_SEND_QUEUE_BYTES:
                self.overflow()
            return
        self._send(frame)

    def _send(self, frame: OutFrame) -> None:
        protocol = self.protocol
        if protocol.state != protocol.STATE_OPEN:
            self.stopProducing()
            return
        try:
            prepared = frame.prepared
            if not write_now(protocol, prepared.payloadHybi):
                protocol.sendPreparedMessage(prepared)
        except Exception:
            logger.debug("write to a closing socket failed", exc_info=True)
            self.stopProducing()

    async def _send_through_consumer(self, text: str) -> None:
        try:
            await self.consumer.send(text_data=text)
        except Exception:
            logger.debug("send to a closing socket failed", exc_info=True)

    def overflow(self) -> None:
        """The peer reads slower than the map changes: drop what waits and close;
        the client reconnects and catches up from its ``last_seq``."""
        logger.warning("socket on map %s closed: %d bytes waiting to be sent", getattr(self.consumer, "map_id", "?"),
                    self.queued_bytes)
        self.stopProducing()
        asyncio.ensure_future(self.consumer.close(code=CLOSE_TOO_SLOW))

    def release(self) -> None:
        self.stopProducing()
        if self.transport is not None and getattr(self.transport, "producer", None) is self:
            try:
                self.transport.unregisterProducer()
                if self.previous is not None:
                    self.transport.registerProducer(self.previous, True)
            except Exception:
                logger.debug("producer already gone", exc_info=True)
