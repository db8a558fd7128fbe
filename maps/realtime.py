"""The one place that talks to the channel layer.

Frames are serialised to text once here, not once per recipient: every consumer
of the group forwards the same string.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def map_group(map_id: Any) -> str:
    return f"map.{map_id}"


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False, default=str)


def broadcast_ops(map_id: Any, frame: dict[str, Any]) -> None:
    """Hand one committed batch to every socket open on the map.

    Called on commit. A lost frame is not fatal: clients see the gap through the
    next frame's ``seq`` or the heartbeat and resync from the op log.
    """
    send_to_map(map_id, {"type": "map.ops", "seq": frame["seq"], "text": dumps(frame), "ops": frame["ops"]})


def send_to_map(map_id: Any, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(map_group(map_id), event)
    except Exception:  # the write is committed; the heartbeat heals the gap
        logger.warning("broadcast to map %s failed", map_id, exc_info=True)


def user_group(user_id: Any) -> str:
    return f"user.{user_id}"


def send_to_user(user_id: Any, frame: dict[str, Any]) -> None:
    """A frame for one user's open sockets only (export progress)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "user.frame", "text": dumps(frame)})
    except Exception:
        logger.warning("send to user %s failed", user_id, exc_info=True)
