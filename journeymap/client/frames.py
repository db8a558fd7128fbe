"""What the server sends the map client: the welcome, ``ops`` frames applied
strictly in ``seq`` order (buffered across gaps, a ``resync`` when a gap stays
open), acks, heartbeats, presence, roles, workshop sessions and errors. A mixin of ``MapClient``,
whose attributes (set in ``MapClient.__init__``) it shares."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from maps.document import apply_ops


class FrameHandling:
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
        if "session" in frame:
            self.session = frame["session"]
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

    def _on_session(self, frame: dict[str, Any]) -> None:
        # Each state frame carries the whole session as this person may see it (a
        # follow or present move, ``view``, changes nothing here).
        if frame.get("event") == "state":
            self.session = frame.get("session")

    def _on_role(self, frame: dict[str, Any]) -> None:
        self.role = frame["role"]

    def _on_error(self, frame: dict[str, Any]) -> None:
        self.errors.append(frame)
        if not self._welcomed and frame.get("code") == "server_error" and self._ws is not None:
            # Our hello failed on the server: no welcome will come on this socket.
            # Drop it and reconnect (with backoff) rather than wait forever.
            self._ws.transport.abort()

    # -- ordering: the confirmed document moves one seq at a time ----------------------

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
        if self._behind():
            self._watch_gap()
        else:
            self._gap_healed()

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

    def _gap_healed(self) -> None:
        """Nothing is missing any more: the next gap starts its back-off afresh."""
        task, self._gap_task = self._gap_task, None
        if task is not None and not task.done():
            task.cancel()

    async def _gap_timer(self) -> None:
        # A gap that stays open: ask for what is missing, then again while it stays
        # open, backing off (1, 2, 4, 8 s): a server slow to answer is not asked
        # every second by every client, which would only lengthen its queue.
        await asyncio.sleep(self.gap_timeout)
        wait = self.resync_first_repeat
        while self._behind() and self.connected:
            self.resyncs += 1
            self._send({"type": "resync", "from_seq": self.last_seq})
            await asyncio.sleep(wait)
            wait = min(self.resync_max_repeat, wait * 2)
