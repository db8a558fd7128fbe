"""The document is one consistent snapshot read in a constant number of queries."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from maps.operations import Actor, apply
from tests.factories import MapFactory


def build(workspace, stages: int, lanes: int, cards: int):
    journey_map = MapFactory(workspace=workspace)
    stage_ids = [str(uuid.uuid4()) for _ in range(stages)]
    lane_ids = [str(uuid.uuid4()) for _ in range(lanes)]
    ops = [{"op": "create", "entity": "stage", "id": s, "fields": {"name": f"S{i}"}} for i, s in enumerate(stage_ids)]
    ops += [{"op": "create", "entity": "lane", "id": la, "fields": {"title": f"L{i}"}} for i, la in enumerate(lane_ids)]
    ops += [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
             "fields": {"stage": stage_ids[i % stages], "lane": lane_ids[(i // stages) % lanes], "text": f"card {i}"}}
            for i in range(cards)]
    ack = apply(map_id=journey_map.id, actor=Actor(), batch_id="build", ops=ops, max_ops=None)
    assert ack.status in ("ok", "rebased"), ack.error
    return journey_map


def document_queries(client, journey_map) -> tuple[int, dict]:
    # Counted with an execute wrapper: the query log is reset when a request starts,
    # which would hide the request's own queries from CaptureQueriesContext.
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(f"/api/v1/maps/{journey_map.id}/document/")
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.django_db
def test_the_document_costs_the_same_queries_for_10_and_1500_cards(workspace, owner):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    small = build(workspace, 2, 5, 10)
    large = build(workspace, 30, 10, 1500)
    small_count, small_doc = document_queries(client, small)
    large_count, large_doc = document_queries(client, large)
    assert len(small_doc["cards"]) == 10 and len(large_doc["cards"]) == 1500
    assert small_count == large_count, (small_count, large_count)
    assert 10 <= small_count <= 30  # the snapshot reads each collection once
    assert large_doc["map"]["seq"] == 1
    card = large_doc["cards"][0]
    assert {"id", "stage", "lane", "position", "text", "color", "team", "version"} <= set(card)
    assert {"id", "name", "phase", "position"} <= set(large_doc["stages"][0])
    assert {"id", "kind", "title", "prompt", "position"} <= set(large_doc["lanes"][0])
