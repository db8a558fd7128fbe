"""Batches over REST beyond the per-user rate get the socket's `retry` answer."""

from __future__ import annotations

import uuid

from django.core.cache import cache

from maps.apis.maps import OperationsThrottle
from maps.models import Card, Operation


def test_an_editor_pushing_too_fast_gets_429_with_retry_after_and_nothing_is_lost(world, monkeypatch):
    monkeypatch.setattr(OperationsThrottle, "THROTTLE_RATES", {"operations": "2/min"})
    editor = world.users["editor"]
    key = OperationsThrottle().cache_format % {"scope": "operations", "ident": editor.pk}
    cache.delete(key)
    client = world.client("editor")
    url = f"/api/v1/maps/{world.map.id}/operations/"

    def push(n: int):
        return client.post(url, {"batch_id": f"rl-{n}", "ops": [
            {"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": world.ids["stage"], "lane": world.ids["lane"], "text": f"card {n}"}}]},
            format="json")

    try:
        first, second, third = push(1), push(2), push(3)
        assert (first.status_code, second.status_code) == (200, 200)
        assert third.status_code == 429
        assert int(third["Retry-After"]) >= 1
        body = third.json()
        assert body["status"] == "retry" and body["batch_id"] == "rl-3"
        assert body["retry_after_ms"] >= 1000 and body["error"]["code"] == "rate_limited"
        assert not Operation.objects.filter(map=world.map, batch_id="rl-3").exists()
        assert Card.objects.filter(map=world.map, text__startswith="card ").count() == 2
    finally:
        cache.delete(key)
