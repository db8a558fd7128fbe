"""The one door for outgoing broadcasts: every group send, to sockets (committed
batches, comments, workspace changes, export progress, share links closing) and between the
hubs of different processes (presence), goes through here.

Receiving is the other side's business: consumers join and leave their groups and
a hub reads its own channel in ``maps.live``.

Frames are serialised to text once here, not once per recipient: every consumer
of the group forwards the same string. Committed batches go to the hubs, one per
map per process (``broadcast_ops``), which write that string to their sockets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import SyncToAsync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def map_group(map_id: Any) -> str:
    """Every socket open on one map, in every process (comments, workspace changes)."""
    return f"map.{map_id}"


def hub_group(map_id: Any) -> str:
    """The hubs (not the sockets) of one map, one per process: committed batches and
    the presence exchange."""
    return f"presence.{map_id}"


def dumps(frame: dict[str, Any], *, ascii: bool = False) -> str:
    """The one serialiser of frames and presence entries (also in Redis), so what is
    stored is exactly what is later sent. ``ascii=True`` escapes everything outside
    ASCII: for the rare frame whose text cannot be encoded as UTF-8."""
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=ascii, default=str)


# The hubs of this process take committed batches straight from the write threads
# (``maps.live.hub`` registers itself here: this module imports nothing of it).
_local_ops: Callable[[str, dict[str, Any]], None] | None = None
_origin: tuple[int, str] | None = None


def receive_ops_locally(callback: Callable[[str, dict[str, Any]], None]) -> None:
    global _local_ops
    _local_ops = callback


def process_origin() -> str:
    """This process, as the origin of the batches its hubs already delivered."""
    global _origin
    if _origin is None or _origin[0] != os.getpid():
        _origin = (os.getpid(), f"{os.getpid()}-{uuid.uuid4().hex}")
    return _origin[1]


def broadcast_ops(map_id: Any, frame: dict[str, Any]) -> None:
    """Hand one committed batch to every socket open on the map.

    Called on commit, with the frame serialised here once. One event per batch
    per process: inside daphne this process's hub of the map gets it directly on
    the event loop, and the other processes' hubs through the channel layer
    (``origin`` tells ours to skip its own copy); elsewhere (Celery, commands)
    every hub gets it through the layer. Each hub writes it to its sockets. A lost
    frame is not fatal: clients see the gap through the next frame's ``seq`` or
    the heartbeat and resync from the op log.
    """
    event = {"type": "hub.ops", "seq": frame["seq"], "text": dumps(frame)}
    loop = _lending_event_loop()
    if loop is not None and loop.is_running() and _local_ops is not None:
        event["origin"] = process_origin()
        loop.call_soon_threadsafe(_local_ops, str(map_id), event)
        if not settings.REDIS_URL:
            return  # the in-memory layer has no other process to tell
    send_to_hubs(map_id, event)


def send_to_hubs(map_id: Any, event: dict[str, Any]) -> None:
    group_send(hub_group(map_id), event)


def broadcast_comment(map_id: Any, frame: dict[str, Any]) -> None:
    """A ``comment`` frame for the map's members: consumers never forward it to a
    share-link visitor (comments are for the workspace)."""
    send_to_map(map_id, {"type": "map.comment", "text": dumps(frame)})


def broadcast_review(map_id: Any, frame: dict[str, Any]) -> None:
    """A ``review`` frame (owner, interval, last review) for the map's members; not
    for share-link visitors, who do not see the review."""
    send_to_map(map_id, {"type": "map.review", "text": dumps(frame)})


def broadcast_health(map_id: Any, frame: dict[str, Any]) -> None:
    """A ``health`` frame (a finding accepted or counted again) for the map's
    members, whose open Health panels read the health again; not for share-link
    visitors, who do not see it."""
    send_to_map(map_id, {"type": "map.health", "text": dumps(frame)})


def send_to_map(map_id: Any, event: dict[str, Any]) -> None:
    group_send(map_group(map_id), event)


def group_send(group: str, event: dict[str, Any]) -> None:
    """Hand an event to the channel layer without making the caller wait.

    Inside daphne a write runs on the database thread that ``sync_to_async``
    lends to the event loop; waiting there for the loop to publish (it may be
    busy delivering frames) would hold up the next write. So when the loop is
    known the send is scheduled on it and the thread goes on. Elsewhere (tests,
    Celery, management commands) it is sent synchronously, through one sender loop
    per process. A send that fails is logged: the write is committed and clients
    heal the gap by heartbeat + resync.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _lending_event_loop()
    if loop is not None:
        if loop.is_running():
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop)
            future.add_done_callback(lambda done: _log_failure(done, group))
        else:
            # The server is shutting down: waiting on its stopped loop would hang
            # this thread forever. Clients resync from the op log on reconnect.
            logger.info("event loop stopped, send to %s dropped", group)
        return
    try:
        asyncio.run_coroutine_threadsafe(layer.group_send(group, event), _sender_loop()).result(SEND_TIMEOUT)
    except Exception:
        logger.warning("send to %s failed", group, exc_info=True)


async def group_send_on_loop(layer: Any, group: str, event: dict[str, Any]) -> None:
    """The same send for a caller already running on the event loop (a hub),
    which can simply wait for it; a failure is the caller's to log."""
    await layer.group_send(group, event)


SEND_TIMEOUT = 10.0
_sender: tuple[int, asyncio.AbstractEventLoop] | None = None
_sender_lock = threading.Lock()


def _sender_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process, on a thread of its own, for sends from plain threads.

    ``async_to_sync`` would start a thread and an event loop per call, and the Redis
    layer opens its connections per event loop: a connection per frame. This loop
    lives as long as the process (a forked child makes its own) and keeps them.
    """
    global _sender
    with _sender_lock:
        if _sender is None or _sender[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="channel-layer-sender", daemon=True).start()
            _sender = (os.getpid(), loop)
        return _sender[1]


def _lending_event_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop that lent this thread to ``sync_to_async``, if any."""
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(local, "main_event_loop", None)


def _log_failure(done: Any, group: str) -> None:
    if done.cancelled() or done.exception() is None:
        return
    logger.warning("send to %s failed", group, exc_info=done.exception())


def user_group(user_id: Any) -> str:
    return f"user.{user_id}"


def send_to_user(user_id: Any, frame: dict[str, Any]) -> None:
    """A frame for one user's open sockets only (export progress)."""
    group_send(user_group(user_id), {"type": "user.frame", "text": dumps(frame)})


def broadcast_workspace_item(map_ids: Iterable[Any], entity: str, item: dict[str, Any]) -> None:
    """After commit, tell each map's open sockets that a shared item changed."""
    text = dumps({"type": "workspace", "entity": entity, "item": item})
    ids = [str(map_id) for map_id in map_ids]

    def send() -> None:
        for map_id in ids:
            send_to_map(map_id, {"type": "map.workspace", "text": text})

    if ids:
        transaction.on_commit(send)
