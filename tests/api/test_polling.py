"""A client that polls ``operations?since=`` page by page rebuilds exactly the
document; REST writes land in the op log like socket pushes."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from maps.document import apply_ops, comparable, empty_document
from maps.models import Operation


def poll_all(client: APIClient, map_id, since: int = 0, limit: int = 7) -> tuple[dict, int]:
    doc = empty_document()
    pages = 0
    while True:
        page = client.get(f"/api/v1/maps/{map_id}/operations/?since={since}&limit={limit}")
        assert page.status_code == 200, page.content
        body = page.json()
        pages += 1
        seqs = [b["seq"] for b in body["batches"]]
        assert seqs == sorted(seqs) and all(s > since for s in seqs)
        assert len(seqs) <= limit
        for batch in body["batches"]:
            assert batch["seq"] == since + 1, "batches must come without gaps"
            apply_ops(doc, batch["ops"], batch["seq"])
            since = batch["seq"]
        if body["next"] is None:
            assert since == body["seq"]
            return doc, pages
        assert body["next"] == since


@pytest.mark.django_db
def test_polling_the_op_log_page_by_page_rebuilds_the_document(world):
    client = world.client("editor")
    base = f"/api/v1/maps/{world.map.id}"
    cards = []
    for i in range(12):
        response = client.post(f"{base}/cards/", {"stage": world.ids["stage"], "lane": world.ids["lane"],
                                                  "text": f"note {i}"}, format="json")
        assert response.status_code == 201
        cards.append(response.json()["id"])
    # Updates, moves (with placement), deletes with cascades, restores, emotions, map fields.
    assert client.patch(f"{base}/cards/{cards[0]}/", {"text": "first, edited", "lane": world.ids["lane2"]},
                        format="json").status_code == 200
    assert client.patch(f"{base}/cards/{cards[3]}/", {"after": cards[7]}, format="json").status_code == 200
    assert client.delete(f"{base}/cards/{cards[5]}/").status_code == 204
    assert client.post(f"{base}/stages/", {"name": "Later", "phase": world.ids["phase"], "after": world.ids["stage"]},
                       format="json").status_code == 201
    assert client.patch(f"{base}/emotions/{world.ids['emotion']}/", {"score": 2}, format="json").status_code == 200
    assert client.post(f"{base}/emotions/", {"stage": world.ids["stage2"], "score": -3},
                       format="json").status_code == 201
    assert client.delete(f"{base}/lanes/{world.ids['lane']}/").status_code == 204
    restore = client.post(f"{base}/operations/", {"batch_id": "undo-1", "ops": [
        {"op": "restore", "entity": "lane", "id": world.ids["lane"]}]}, format="json")
    assert restore.status_code == 200 and restore.json()["status"] == "ok"
    assert client.patch(base + "/", {"title": "Onboarding v2"}, format="json").status_code == 200
    assert client.delete(f"{base}/stages/{world.ids['stage2']}/").status_code == 204

    rebuilt, pages = poll_all(client, world.map.id, limit=3)
    document = client.get(f"{base}/document/").json()
    assert pages > 3
    assert comparable(rebuilt) == comparable(document)
    assert rebuilt["map"]["title"] == document["map"]["title"] == "Onboarding v2"
    # Half-way: a client that already holds the first seqs catches up the same way.
    halfway = Operation.objects.filter(map=world.map).order_by("seq")[5].seq
    doc = empty_document()
    for op_row in Operation.objects.filter(map=world.map, seq__lte=halfway).order_by("seq"):
        apply_ops(doc, op_row.ops, op_row.seq)
    tail, _ = poll_all(client, world.map.id, since=halfway, limit=4)
    for op_row in Operation.objects.filter(map=world.map, seq__gt=halfway).order_by("seq"):
        apply_ops(doc, op_row.ops, op_row.seq)
    assert comparable(doc) == comparable(document)


@pytest.mark.django_db
def test_a_reader_older_than_the_retained_log_gets_410(world):
    client = world.client("owner")
    for i in range(3):
        client.patch(f"/api/v1/maps/{world.map.id}/cards/{world.ids['card']}/", {"text": f"v{i}"}, format="json")
    Operation.objects.filter(map=world.map, seq__lte=2).delete()  # pruned
    response = client.get(f"/api/v1/maps/{world.map.id}/operations/?since=0")
    assert response.status_code == 410 and response.json()["code"] == "gone"
    assert client.get(f"/api/v1/maps/{world.map.id}/operations/?since=2").status_code == 200


@pytest.mark.django_db
def test_a_rest_write_answers_with_the_item_as_committed(world):
    client = world.client("editor")
    card_id = str(uuid.uuid4())
    created = client.post(f"/api/v1/maps/{world.map.id}/cards/",
                          {"id": card_id, "stage": world.ids["stage"], "lane": world.ids["lane"], "text": "  hi  ",
                           "color": "#ABCDEF", "before": world.ids["card"]}, format="json")
    assert created.status_code == 201
    item = created.json()
    assert item["id"] == card_id and item["text"] == "  hi  " and item["color"] == "#abcdef"
    assert item["position"] < client.get(f"/api/v1/maps/{world.map.id}/cards/{world.ids['card']}/").json()["position"]
    assert item["author"] == world.users["editor"].pk
    last = Operation.objects.filter(map=world.map).order_by("-seq").first()
    assert last.actor == world.users["editor"] and last.ops[0]["id"] == card_id
    # An emotion for a pair that already has one updates that one (the upsert rule).
    again = client.post(f"/api/v1/maps/{world.map.id}/emotions/",
                        {"stage": world.ids["stage"], "persona": world.ids["persona"], "score": 3}, format="json")
    assert again.status_code == 201 and again.json()["id"] == world.ids["emotion"] and again.json()["score"] == 3


@pytest.mark.django_db
def test_an_idempotency_key_makes_a_repeated_rest_write_apply_once(world):
    client = world.client("editor")
    body = {"stage": world.ids["stage"], "lane": world.ids["lane"], "text": "once", "id": str(uuid.uuid4())}
    first = client.post(f"/api/v1/maps/{world.map.id}/cards/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(f"/api/v1/maps/{world.map.id}/cards/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Operation.objects.filter(map=world.map, batch_id="k-1").count() == 1


@pytest.mark.django_db
def test_map_list_filters_and_pages(world):
    from maps.services import map_archive
    from tests.factories import MapFactory

    MapFactory(workspace=world.workspace, title="Returns journey", kind="future_state")
    archived = MapFactory(workspace=world.workspace, title="Old")
    map_archive(journey_map=archived)
    client = world.client("viewer")
    everything = client.get(f"/api/v1/maps/?workspace={world.workspace.id}").json()
    assert everything["count"] == 2 and {m["title"] for m in everything["results"]} == {"Onboarding",
                                                                                       "Returns journey"}
    assert [m["title"] for m in client.get("/api/v1/maps/?kind=future_state").json()["results"]] == [
        "Returns journey"]
    assert [m["title"] for m in client.get("/api/v1/maps/?archived=true").json()["results"]] == ["Old"]
    assert [m["title"] for m in client.get("/api/v1/maps/?search=return").json()["results"]] == ["Returns journey"]
    page = client.get("/api/v1/maps/?archived=all&limit=1").json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["next"]
