"""Channel writes: the built-in catalogue, and a workspace's own channels with
their live fan-out (open maps show channel names and icons)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from maps import realtime
from maps.models import Workspace
from maps.selectors import workspace_map_ids
from touchpoints.builtin import BUILTIN_CHANNELS
from touchpoints.models import Channel


def ensure_builtin_channels() -> int:
    """Create or refresh the built-in channel catalogue; safe to run any number of times.

    Called by the data migration and by test fixtures (transactional tests flush
    what migrations seeded).
    """
    for channel in BUILTIN_CHANNELS:
        Channel.objects.update_or_create(
            workspace=None, key=channel["key"], defaults={k: v for k, v in channel.items() if k != "key"}
        )
    return len(BUILTIN_CHANNELS)


def channel_item(channel: Any) -> dict[str, Any]:
    return {
        "id": str(channel.id), "key": channel.key, "name": channel.name, "name_fr": channel.name_fr,
        "kind": channel.kind, "brand_controlled": channel.brand_controlled, "icon": channel.icon,
        "position": channel.position, "archived": channel.archived,
    }


def channel_add(*, workspace: Workspace, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        base = slugify(data.get("key") or data["name"])[:40] or "channel"
        key = base
        taken = set(Channel.objects.filter(Q(workspace=workspace) | Q(workspace__isnull=True))
                    .filter(key__startswith=base).values_list("key", flat=True))
        n = 2
        while key in taken:
            key = f"{base}-{n}"
            n += 1
        fields = {k: v for k, v in data.items() if k != "key"}
        channel = Channel.objects.create(workspace=workspace, key=key, **fields)
        realtime.broadcast_workspace_item(workspace_map_ids(workspace.id), "channel", channel_item(channel))
    return channel


def channel_update(*, channel: Any, data: dict[str, Any]) -> Any:
    with transaction.atomic():
        for key, value in data.items():
            setattr(channel, key, value)
        channel.save()
        realtime.broadcast_workspace_item(workspace_map_ids(channel.workspace_id), "channel", channel_item(channel))
    return channel


def channel_archive(*, channel: Any) -> Any:
    """Channels are archived, not deleted: touchpoints keep pointing at them."""
    return channel_update(channel=channel, data={"archived": True})
