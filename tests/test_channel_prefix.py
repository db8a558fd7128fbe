"""Two installs on one Redis server, in different database numbers, must not hear
each other's group messages: Redis pub/sub channels are server-wide."""

import os
import subprocess
import sys


def _prefix(redis_url: str, extra: dict | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CHANNEL_LAYER_PREFIX", "DATABASE_URL")}
    env.update({"REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "journeymap.settings", **(extra or {})})
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.CHANNEL_LAYERS['default']['CONFIG']['prefix'])")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_prefix_follows_the_redis_database_number_unless_set():
    assert _prefix("redis://127.0.0.1:6379/0") == "jm0"
    assert _prefix("redis://127.0.0.1:6379/3") == "jm3"
    assert _prefix("redis://127.0.0.1:6379") == "jm0"
    assert _prefix("redis://127.0.0.1:6379/3", {"CHANNEL_LAYER_PREFIX": "acme"}) == "acme"


async def test_group_messages_stay_within_their_install(require_redis):
    import asyncio
    from urllib.parse import urlsplit

    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.conf import settings

    parts = urlsplit(settings.REDIS_URL)
    host = f"{parts.scheme}://{parts.netloc}"
    first = RedisPubSubChannelLayer(hosts=[f"{host}/1"], prefix="jm1")
    second = RedisPubSubChannelLayer(hosts=[f"{host}/2"], prefix="jm2")
    try:
        listener = await second.new_channel()
        await second.group_add("user.2", listener)
        # Published first by the other install: with a shared prefix it would arrive first.
        await first.group_send("user.2", {"type": "member.removed", "install": "other"})
        await second.group_send("user.2", {"type": "member.removed", "install": "own"})
        message = await asyncio.wait_for(second.receive(listener), timeout=5)
        assert message["install"] == "own"
    finally:
        await first.flush()
        await second.flush()
