"""Session actions and what each person sees, without sockets: the services on the
real database, the per-socket filter on the events they broadcast."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from maps.live.sockets import Connection
from maps.models import Role
from maps.operations import actor_for, apply
from maps.selectors import map_document
from maps.services import map_create
from tests.factories import MembershipFactory, WorkspaceFactory
from workshops import services, state
from workshops.errors import SessionError
from workshops.models import WorkshopSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    workspace = WorkspaceFactory()
    owner = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    editor = MembershipFactory(workspace=workspace, role=Role.EDITOR).user
    viewer = MembershipFactory(workspace=workspace, role=Role.VIEWER).user
    journey_map = map_create(workspace=workspace, title="Room", actor_user=owner,
                             structure={"stages": [{"name": "A"}, {"name": "B"}], "lanes": [{"title": "Ideas"},
                                                                                          {"title": "Secret"}]})
    doc = map_document(map_id=journey_map.id)
    card = str(uuid.uuid4())
    apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id="c", ops=[
        {"op": "create", "entity": "card", "id": card,
         "fields": {"stage": doc["stages"][0]["id"], "lane": doc["lanes"][0]["id"], "text": "Idea"}}])

    def conn(user=None, hidden=()):
        if user is None:
            return Connection(map_id=str(journey_map.id), workspace_id=str(workspace.id), role="viewer",
                              share_link_id="link", hidden_lanes=frozenset(hidden))
        role = {owner: "owner", editor: "editor", viewer: "viewer"}[user]
        return Connection(map_id=str(journey_map.id), workspace_id=str(workspace.id), role=role, user_id=user.pk,
                          actor=actor_for(user, workspace.id))

    return {"owner": owner, "editor": editor, "viewer": viewer, "conn": conn, "card": card,
            "lanes": [lane["id"] for lane in doc["lanes"]], "stages": [s["id"] for s in doc["stages"]]}


def act(conn, action, **fields):
    services.act(conn, {"type": "session", "action": action, **fields})


def test_each_person_sees_only_what_is_theirs(room):
    owner, editor, viewer = (room["conn"](room[k]) for k in ("owner", "editor", "viewer"))
    act(owner, "start")
    act(owner, "voting", command="open", lanes=[room["lanes"][0]], votes_per_person=3)
    act(editor, "vote", item={"entity": "card", "id": room["card"]}, place=True)
    act(viewer, "vote", item={"entity": "card", "id": room["card"]}, place=True)
    act(owner, "follow", on=True)
    act(owner, "view", view={"stage": room["stages"][1], "lane": room["lanes"][1], "zoom": 0.8})
    event = state.current_event(owner.map_id)

    seen = {name: state.session_for(conn, event) for name, conn in
            (("owner", owner), ("editor", editor), ("viewer", viewer))}
    assert seen["owner"]["voting"]["counts"] == {"votes": 2, "voters": 2}
    assert seen["owner"]["voting"]["my_votes"] == []
    for name in ("editor", "viewer"):
        assert "counts" not in seen[name]["voting"]
        assert seen[name]["voting"]["my_votes"] == [{"entity": "card", "id": room["card"], "dots": 1}]
        assert seen[name]["voting"]["my_remaining"] == 2
    # A share visitor: no vote at all, and a lane its link hides is not named.
    visitor = state.session_for(room["conn"](None, hidden=[room["lanes"][1]]), event)
    assert visitor["voting"] is None
    assert visitor["follow"]["view"] == {"stage": room["stages"][1], "lane": None, "zoom": 0.8}
    assert "Idea" not in str(visitor) and room["card"] not in str(visitor)


def test_the_timer_is_a_start_a_duration_and_a_pause(room):
    owner = room["conn"](room["owner"])
    act(owner, "start")
    act(owner, "timer", command="start", seconds=120)
    session = WorkshopSession.objects.get(map_id=owner.map_id)
    # Forty seconds later (moved in the row, as a clock would)...
    session.timer_started_at -= timedelta(seconds=40)
    session.save()
    act(owner, "timer", command="pause")
    session.refresh_from_db()
    assert 79_000 <= session.timer_paused_remaining_ms <= 80_000 and session.timer_started_at is None
    act(owner, "timer", command="add", seconds=-3600)  # never below zero
    session.refresh_from_db()
    assert session.timer_paused_remaining_ms == 0
    act(owner, "timer", command="add", seconds=60)
    act(owner, "timer", command="resume")
    session.refresh_from_db()
    assert session.timer_paused_remaining_ms is None and session.timer_duration_ms == 60_000
    assert abs((session.timer_started_at - timezone.now()).total_seconds()) < 5
    with pytest.raises(SessionError) as refused:
        act(owner, "timer", command="start", seconds=0)
    assert refused.value.field == "seconds"


def test_hand_over_only_to_someone_who_may_run_it(room):
    owner, editor, viewer = (room["conn"](room[k]) for k in ("owner", "editor", "viewer"))
    act(editor, "start")
    with pytest.raises(SessionError) as refused:
        act(editor, "handover", to=room["viewer"].pk)
    assert refused.value.code == "invalid"
    with pytest.raises(SessionError) as refused:
        act(viewer, "handover", to=room["viewer"].pk)
    assert refused.value.code == "forbidden"
    act(owner, "handover", to=room["owner"].pk)  # an owner may take it over
    assert WorkshopSession.objects.get(map_id=owner.map_id).facilitator_id == room["owner"].pk
    with pytest.raises(SessionError) as refused:
        act(editor, "timer", command="start", seconds=60)
    assert refused.value.code == "forbidden"
    with pytest.raises(SessionError) as refused:
        act(owner, "start")
    assert refused.value.code == "session_running"
