"""REST writes reach open editors: map edits as ``ops`` frames, workspace-level
edits (persona, team, channel) as ``workspace`` frames to the maps using them."""

from __future__ import annotations

import json

import pytest

from maps import realtime


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict]]:
    """Events handed to the channel layer, per map (whatever layer is configured)."""
    events: list[tuple[str, dict]] = []
    monkeypatch.setattr(realtime, "send_to_map", lambda map_id, event: events.append((str(map_id), event)))
    monkeypatch.setattr(realtime, "send_to_hubs", lambda map_id, event: events.append((str(map_id), event)))
    return events


@pytest.mark.django_db
def test_a_rest_card_edit_is_broadcast_as_an_ops_frame(world, django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("editor").patch(f"/api/v1/maps/{world.map.id}/cards/{world.ids['card']}/",
                                                {"text": "Live"}, format="json")
    assert response.status_code == 200
    [(map_id, event)] = sent
    frame = json.loads(event["text"])
    assert map_id == str(world.map.id) and event["type"] == "hub.ops" and frame["type"] == "ops"
    assert frame["ops"][0]["fields"]["text"] == "Live"
    assert frame["actor"]["id"] == world.users["editor"].pk


@pytest.mark.django_db
@pytest.mark.parametrize(("entity", "path", "body", "key", "value"), [
    ("persona", "personas/{persona}/", {"name": "Camille R."}, "name", "Camille R."),
    ("team", "teams/{team}/", {"color": "#123456"}, "color", "#123456"),
    ("channel", "channels/{channel}/", {"name": "Borne"}, "name", "Borne"),
])
def test_a_workspace_level_edit_reaches_the_maps_that_use_it(world, django_capture_on_commit_callbacks, entity,
                                                             path, body, key, value, sent):
    url = f"/api/v1/workspaces/{world.workspace.id}/" + path.format(**world.ids)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("editor").patch(url, body, format="json")
    assert response.status_code == 200, response.content
    events = [event for map_id, event in sent if map_id == str(world.map.id)]
    assert len(events) == 1
    event = events[0]
    assert event["type"] == "map.workspace"
    frame = json.loads(event["text"])
    assert frame["type"] == "workspace" and frame["entity"] == entity
    assert frame["item"]["id"] == world.ids[entity] and frame["item"][key] == value
    # The other workspace's maps hear nothing.
    assert world.other["map"] not in {map_id for map_id, _ in sent}


@pytest.mark.django_db
def test_deleting_a_team_clears_it_from_cards_through_the_op_log(world, django_capture_on_commit_callbacks):
    from maps.models import Card, Operation

    before = Operation.objects.filter(map=world.map).count()
    response = world.client("owner").delete(f"/api/v1/workspaces/{world.workspace.id}/teams/{world.ids['team']}/")
    assert response.status_code == 204
    assert Card.objects.get(id=world.ids["card"]).team_id is None
    last = Operation.objects.filter(map=world.map).order_by("-seq").first()
    assert Operation.objects.filter(map=world.map).count() == before + 1
    assert last.ops == [{"op": "update", "entity": "card", "id": world.ids["card"],
                         "fields": {"team": None, "version": last.ops[0]["fields"]["version"]}}]


@pytest.mark.django_db
def test_a_new_persona_reaches_every_open_map_of_its_workspace_for_their_add_a_persona_lists(
        world, django_capture_on_commit_callbacks, sent):
    from tests.factories import MapFactory

    # A second map of the workspace that follows no persona at all.
    bare = MapFactory(workspace=world.workspace, title="Returns")
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("editor").post(f"/api/v1/workspaces/{world.workspace.id}/personas/",
                                               {"name": "Noor", "role": "Commuter"}, format="json")
    assert response.status_code == 201, response.content
    told = {map_id: json.loads(event["text"]) for map_id, event in sent if event["type"] == "map.workspace"}
    assert set(told) == {str(world.map.id), str(bare.id)}
    for frame in told.values():
        assert frame["entity"] == "persona" and frame["item"]["name"] == "Noor" and frame["item"]["role"] == "Commuter"
    assert world.other["map"] not in told
