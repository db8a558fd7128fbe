from __future__ import annotations

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
