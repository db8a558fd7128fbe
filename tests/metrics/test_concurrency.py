"""Metric calls on one map at the same time (real PostgreSQL): they queue on the
map's lock rather than deadlock on the points' unique index, each commits its own
batch, and the touchpoints end with the latest readings of the stored series."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest

from maps.models import JourneyMap, Operation
from maps.selectors import map_document
from maps.services import map_create, map_edit
from metrics.models import MetricPoint
from metrics.points import Point
from metrics.services import points_record
from tests.factories import MembershipFactory, WorkspaceFactory
from tests.maps.test_concurrency import run_threads
from touchpoints.models import Touchpoint

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_posts_on_one_map_queue_and_leave_consistent_latest_readings(require_postgres):
    workspace = WorkspaceFactory()
    user = MembershipFactory(workspace=workspace, role="owner").user
    journey_map = map_create(workspace=workspace, title="Busy", actor_user=user,
                             structure={"stages": [{"name": "S"}], "lanes": [{"title": "Where", "kind": "touchpoints"}]})
    doc = map_document(map_id=journey_map.id)
    ids = [str(uuid.uuid4()) for _ in range(20)]
    map_edit(journey_map, user, [{"op": "create", "entity": "touchpoint", "id": tp, "fields": {
        "stage": doc["stages"][0]["id"], "lane": doc["lanes"][0]["id"], "title": f"T{n}"}} for n, tp in enumerate(ids)])
    seq_before = JourneyMap.objects.get(id=journey_map.id).seq
    barrier = threading.Barrier(4)

    def post(writer: int) -> None:
        # The same keys in opposite orders: without the map lock first, two upserts
        # would take the index entries in different orders.
        order = ids if writer % 2 else list(reversed(ids))
        points = [Point(tp, "csat", dt.date(2026, month, 1), "month", float(writer * 10 + month))
                  for tp in order for month in range(1, 13)]
        barrier.wait()
        points_record(journey_map=JourneyMap.objects.get(id=journey_map.id), user=user, points=points)

    assert run_threads(4, post) == []
    assert MetricPoint.objects.filter(map=journey_map).count() == 20 * 12
    batches = Operation.objects.filter(map_id=journey_map.id, seq__gt=seq_before)
    assert batches.count() == 4  # one batch per call, each changing every touchpoint
    for tp in Touchpoint.objects.filter(id__in=ids):
        stored = MetricPoint.objects.get(touchpoint=tp, period=dt.date(2026, 12, 1)).value
        assert tp.csat == stored and tp.metrics["csat"] == {"value": stored, "period": "2026-12"}
