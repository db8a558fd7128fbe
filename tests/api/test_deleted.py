"""Recently deleted over REST: what was deleted on a map, each with what went with it,
and its restore by another editor through the one write path.

People: owner (deletes things), editor (a teammate who restores them), viewer (reads
the map, restores nothing), outsider (a member of another workspace only).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from maps.models import Card, Operation, Phase, Stage
from tests.api.conftest import _push
from touchpoints.models import MomentOfTruth, Touchpoint

pytestmark = pytest.mark.django_db


def deleted(world: Any, role: str = "editor", **params: Any) -> Any:
    return world.client(role).get(f"/api/v1/maps/{world.map.id}/deleted/", params)


def restore(world: Any, role: str, entity: str, item_id: str) -> Any:
    return world.client(role).post(f"/api/v1/maps/{world.map.id}/operations/", {
        "batch_id": f"restore-{uuid.uuid4()}", "ops": [{"op": "restore", "entity": entity, "id": item_id}],
    }, format="json")


def test_a_deleted_stage_is_listed_once_with_what_went_with_it_and_who_deleted_it(world) -> None:
    ids = world.ids
    _push(world.map, world.users["owner"], [{"op": "delete", "entity": "stage", "id": ids["stage"]}])

    response = deleted(world)
    assert response.status_code == 200
    (entry,) = response.json()  # its card, touchpoint and moment are not listed on their own
    assert entry["entity"] == "stage" and entry["id"] == ids["stage"] and entry["label"] == "Discover"
    assert entry["holds"] == {"stages": 0, "cards": 1, "touchpoints": 1, "moments": 1}
    assert entry["restorable"] is True and entry["blocked_by"] is None
    owner = world.users["owner"]
    assert entry["deleted_by"] == {"id": owner.pk, "name": owner.get_full_name() or owner.get_username(),
                                   "team": ""}
    assert entry["seq"] == world.map.__class__.objects.get(id=world.map.id).seq
    assert entry["deleted_at"]


def test_another_editor_restores_the_stage_with_everything_it_took_in_one_logged_batch(world) -> None:
    ids = world.ids
    _push(world.map, world.users["owner"], [{"op": "delete", "entity": "stage", "id": ids["stage"]}])

    response = restore(world, "editor", "stage", ids["stage"])
    assert response.status_code == 200, response.json()
    ack = response.json()
    assert ack["status"] == "ok"
    (op,) = ack["ops"]
    assert {(c["entity"], c["id"]) for c in op["cascade"]} >= {
        ("card", ids["card"]), ("touchpoint", ids["touchpoint"]), ("moment", ids["moment"])}
    assert Stage.objects.get(id=ids["stage"]).deleted_by_seq is None
    assert Card.objects.get(id=ids["card"]).deleted_by_seq is None
    assert Touchpoint.objects.get(id=ids["touchpoint"]).deleted_by_seq is None
    assert MomentOfTruth.objects.get(id=ids["moment"]).deleted_by_seq is None
    logged = Operation.objects.get(map=world.map, seq=ack["seq"])
    assert logged.actor == world.users["editor"] and logged.ops[0]["op"] == "restore"
    assert deleted(world).json() == []
    document = world.client("editor").get(f"/api/v1/maps/{world.map.id}/document/").json()
    assert ids["card"] in [c["id"] for c in document["cards"]]


def test_a_deleted_phase_counts_its_stages_and_their_content(world) -> None:
    ids = world.ids
    _push(world.map, world.users["owner"], [{"op": "delete", "entity": "phase", "id": ids["phase"]}])
    (entry,) = deleted(world).json()
    assert (entry["entity"], entry["label"]) == ("phase", "Before")
    assert entry["holds"] == {"stages": 1, "cards": 1, "touchpoints": 1, "moments": 1}
    assert restore(world, "editor", "phase", ids["phase"]).json()["status"] == "ok"
    assert Phase.objects.get(id=ids["phase"]).deleted_by_seq is None
    assert Card.objects.get(id=ids["card"]).deleted_by_seq is None


def test_a_card_deleted_before_its_stage_names_the_stage_to_restore_first(world) -> None:
    ids = world.ids
    owner = world.users["owner"]
    _push(world.map, owner, [{"op": "delete", "entity": "card", "id": ids["card"]}])
    (card,) = deleted(world).json()
    assert (card["entity"], card["label"], card["stage"], card["lane"]) == ("card", "Is this for me?", "Discover",
                                                                           "Thinks")
    assert card["restorable"] is True

    _push(world.map, owner, [{"op": "delete", "entity": "stage", "id": ids["stage"]}])
    stage, card = deleted(world).json()  # newest first
    assert stage["entity"] == "stage" and stage["holds"]["cards"] == 0  # the card had gone before
    assert card["restorable"] is False
    assert card["blocked_by"] == {"entity": "stage", "id": ids["stage"], "label": "Discover"}
    # Restoring it anyway is refused by the write path, naming why.
    response = restore(world, "editor", "card", ids["card"])
    assert response.status_code == 409 and response.json()["error"]["code"] == "parent_deleted"


def test_viewers_cannot_list_or_restore_and_outsiders_do_not_see_the_map(world) -> None:
    _push(world.map, world.users["owner"], [{"op": "delete", "entity": "lane", "id": world.ids["lane"]}])
    assert deleted(world, "owner").status_code == 200
    response = deleted(world, "viewer")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert restore(world, "viewer", "lane", world.ids["lane"]).status_code == 403
    assert deleted(world, "outsider").status_code == 404
    assert deleted(world, "anonymous").status_code == 401


@pytest.mark.parametrize("limit", ["0", "201", "many", "-1"])
def test_a_bad_limit_is_refused_naming_the_field(world, limit) -> None:
    response = deleted(world, limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()["fields"]


def test_the_list_is_in_the_openapi_schema(world) -> None:
    schema = world.client("editor").get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/maps/{map_id}/deleted/"]["get"]
    assert operation["operationId"] == "maps_deleted_list"
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
