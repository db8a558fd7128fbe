"""The outbox: a delivery row per interested hook, written in the transaction of
what it reports (a map created, a batch, a comment, a version), so an event is
never lost with a process and never sent for something that rolled back. The
worker is told on commit; the periodic sweep sends whatever that missed.

``map.changed`` is coalesced per map: each batch extends the map's open window
(``MapChangeFeed``), which goes out at most every ``WEBHOOK_COALESCE_SECONDS``
as ``{from_seq, to_seq, actors}``, ranges joining up.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.actors import excludes, kept_actors
from integrations.models import Delivery, MapChangeFeed, Webhook

# Whether a workspace has active hooks for an event, per process for a few
# seconds: every batch asks, and almost none has a hook. Saving a hook clears it
# here at once; other processes notice within the TTL.
_INTEREST_TTL = 5.0
_interest: dict[tuple[str, str], tuple[float, bool]] = {}


def forget_interest() -> None:
    _interest.clear()


def _hooks(workspace_id: Any, event: str) -> list[Webhook]:
    # Filtered here, not in SQL: JSON containment differs between databases and a
    # workspace has a handful of hooks.
    return [hook for hook in Webhook.objects.filter(workspace_id=workspace_id, active=True)
            if event in hook.events]


def interested(workspace_id: Any, event: str) -> bool:
    key = (str(workspace_id), event)
    now = time.monotonic()
    cached = _interest.get(key)
    if cached and cached[0] > now:
        return cached[1]
    answer = bool(_hooks(workspace_id, event))
    _interest[key] = (now + _INTEREST_TTL, answer)
    return answer


def _map_summary(journey_map: Any) -> dict[str, Any] | None:
    if journey_map is None:
        return None
    return {"id": str(journey_map.id), "title": journey_map.title}


def _delivery(hook: Webhook, *, workspace_id: Any, event: str, data: dict[str, Any], journey_map: Any,
              now: Any) -> Delivery:
    delivery_id = uuid.uuid4()
    body = json.dumps({
        "id": str(delivery_id), "event": event, "created_at": now.isoformat(),
        "workspace": str(workspace_id), "map": _map_summary(journey_map), "data": data,
    }, ensure_ascii=False, separators=(",", ":"))
    return Delivery(id=delivery_id, webhook=hook, event=event, body=body, next_attempt_at=now,
                    map_id=journey_map.id if journey_map is not None else None)


def _save(rows: list[Delivery]) -> list[Delivery]:
    from integrations.tasks import enqueue_delivery

    Delivery.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(lambda i=row.id: enqueue_delivery(i))
    return rows


def record(*, workspace_id: Any, event: str, data: dict[str, Any], journey_map: Any = None,
           actor: dict[str, Any] | None = None, hooks: list[Webhook] | None = None) -> list[Delivery]:
    """One delivery per active hook of the workspace that wants ``event`` (or per
    hook of ``hooks``) and does not exclude ``actor``, in the caller's
    transaction; the worker is asked on commit."""
    now = timezone.now()
    targets = _hooks(workspace_id, event) if hooks is None else hooks
    return _save([_delivery(hook, workspace_id=workspace_id, event=event, data=data, journey_map=journey_map,
                            now=now)
                  for hook in targets if actor is None or not excludes(hook, actor)])


# --- map.changed --------------------------------------------------------------------


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WEBHOOK_COALESCE_SECONDS)


def map_changed(*, map_id: Any, workspace_id: Any, seq: int, actor: dict[str, Any]) -> None:
    """A committed batch (we are under the map's lock): extend the map's window."""
    from integrations.tasks import enqueue_flush

    now = timezone.now()
    # Locked: a flush in the worker moves reported_seq on under its own lock of this
    # row (not the map's), and a stale copy saved here would move it back.
    feed, _ = MapChangeFeed.objects.select_for_update().get_or_create(
        map_id=map_id, defaults={"workspace_id": workspace_id, "reported_seq": seq - 1})
    if feed.pending_to_seq is None:
        earliest = feed.last_reported_at + _window() if feed.last_reported_at else now
        feed.due_at = max(now, earliest)
        feed.actors = []
    feed.pending_to_seq = seq
    if actor not in feed.actors:
        feed.actors = [*feed.actors, actor]
    feed.save()
    due_in = max((feed.due_at - now).total_seconds(), 0.0)
    transaction.on_commit(lambda: enqueue_flush(map_id, due_in))


def flush_map_changes(map_id: Any) -> Delivery | None:
    """Send the map's window if it is due: the outbox rows and the feed's new
    position in one transaction."""
    from maps.models import JourneyMap

    now = timezone.now()
    with transaction.atomic():
        feed = (MapChangeFeed.objects.select_for_update()
                .filter(map_id=map_id, pending_to_seq__isnull=False, due_at__lte=now).first())
        if feed is None:
            return None
        journey_map = JourneyMap.objects.filter(id=map_id).only("id", "title").first()
        rows = _window_deliveries(feed, journey_map, now)
        feed.reported_seq = feed.pending_to_seq
        feed.pending_to_seq = None
        feed.actors = []
        feed.due_at = None
        feed.last_reported_at = now
        feed.save()
    return rows[0] if rows else None


def _window_deliveries(feed: MapChangeFeed, journey_map: Any, now: Any) -> list[Delivery]:
    """The window for each interested hook, its excluded actors left out. A hook
    whose actors are all excluded gets nothing now; its next window starts where
    this one did (``feed.held``), so the ranges it gets still join up and cover
    every seq, its own writes included, with only the others named."""
    hooks = _hooks(feed.workspace_id, "map.changed")
    # Only hooks still listening keep a hold: one switched off starts afresh.
    held = {key: value for key, value in (feed.held or {}).items() if key in {str(h.id) for h in hooks}}
    rows = []
    for hook in hooks:
        key = str(hook.id)
        from_seq = held.get(key, feed.reported_seq + 1)
        actors = kept_actors(hook, feed.actors)
        if not actors:
            held[key] = from_seq
            continue
        held.pop(key, None)
        rows.append(_delivery(hook, workspace_id=feed.workspace_id, event="map.changed", journey_map=journey_map,
                              now=now, data={"from_seq": from_seq, "to_seq": feed.pending_to_seq,
                                             "actors": actors}))
    feed.held = held
    return _save(rows)


def due_feeds(limit: int = 500) -> list[Any]:
    return list(MapChangeFeed.objects.filter(pending_to_seq__isnull=False, due_at__lte=timezone.now())
                .values_list("map_id", flat=True)[:limit])
