"""The comments API: threads on anything in a map, who may do what, mentions,
hiding with the anchor, unread state.

People, as everywhere: owner (anything), editor (edits the map), viewer (reads the
map but discusses it too), outsider (another workspace: sees nothing of this one).
"""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from discussion.models import Comment
from discussion.signals import comment_activity
from maps.models import Role
from tests.factories import MapFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(grid, comment_id=None, suffix="") -> str:
    base = f"/api/v1/maps/{grid.map.id}/comments/"
    return f"{base}{comment_id}/{suffix}" if comment_id else base


def post(user, grid, body="A question", **fields):
    return api(user).post(url(grid), {"body": body, **fields}, format="json")


@pytest.fixture
def things(grid, owner):
    """One of each anchorable thing on the grid."""
    touchpoint, moment = str(uuid.uuid4()), str(uuid.uuid4())
    ack = grid.push(owner, [
        {"op": "create", "entity": "touchpoint", "id": touchpoint,
         "fields": {"stage": grid.stages[0], "lane": grid.lanes[1], "title": "Website"}},
        {"op": "create", "entity": "moment", "id": moment,
         "fields": {"stage": grid.stages[1], "lane": grid.lanes[1], "title": "First call"}},
    ])
    assert ack.status == "ok", ack.error
    return {"card": grid.card(owner, text="Parcel late"), "touchpoint": touchpoint, "moment": moment}


@pytest.fixture
def signals():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    comment_activity.connect(receiver, dispatch_uid="test-receiver")
    yield received
    comment_activity.disconnect(dispatch_uid="test-receiver")


def test_a_thread_can_hang_on_every_kind_of_anchor(grid, owner, things):
    anchors = [
        {"type": "map"},
        {"type": "stage", "id": grid.stages[1]},
        {"type": "lane", "id": grid.lanes[0]},
        {"type": "cell", "stage": grid.stages[2], "lane": grid.lanes[1]},
        {"type": "card", "id": things["card"]},
        {"type": "touchpoint", "id": things["touchpoint"]},
        {"type": "moment", "id": things["moment"]},
    ]
    for anchor in anchors:
        response = post(owner, grid, anchor=anchor)
        assert response.status_code == 201, response.content
        shown = response.json()["anchor"]
        assert shown["type"] == anchor["type"]
        assert shown["id"] == anchor.get("id")
        assert (shown["stage"], shown["lane"]) == (anchor.get("stage"), anchor.get("lane"))
    listed = api(owner).get(url(grid)).json()
    assert [c["anchor"]["type"] for c in listed] == [a["type"] for a in anchors]
    only_cards = api(owner).get(url(grid), {"anchor_type": "card"}).json()
    assert [c["anchor"]["id"] for c in only_cards] == [things["card"]]
    on_stage = api(owner).get(url(grid), {"anchor_id": grid.stages[1]}).json()
    assert [c["anchor"]["type"] for c in on_stage] == ["stage"]


def test_the_answer_has_the_contract_fields(grid, owner):
    body = post(owner, grid, anchor={"type": "map"}).json()
    for key in ("id", "anchor", "body", "author", "created_at", "edited_at", "status", "parent", "mentions",
                "replies_count"):
        assert key in body, key
    assert body["status"] == "open" and body["parent"] is None and body["replies_count"] == 0
    assert body["author"]["id"] == owner.pk and body["edited_at"] is None


def test_viewers_comment_and_reply(grid, owner, viewer):
    thread = post(owner, grid, anchor={"type": "stage", "id": grid.stages[0]}).json()
    assert post(viewer, grid, anchor={"type": "map"}, body="From support").status_code == 201
    reply = post(viewer, grid, parent=thread["id"], body="Agreed")
    assert reply.status_code == 201, reply.content
    assert reply.json()["anchor"] == thread["anchor"] and reply.json()["parent"] == thread["id"]
    listed = api(owner).get(url(grid)).json()
    first = next(c for c in listed if c["id"] == thread["id"])
    assert first["replies_count"] == 1
    # A thread's replies follow its first comment.
    assert [c["id"] for c in listed].index(reply.json()["id"]) == [c["id"] for c in listed].index(thread["id"]) + 1


def test_replies_are_one_level_deep(grid, owner, editor):
    thread = post(owner, grid, anchor={"type": "map"}).json()
    reply = post(editor, grid, parent=thread["id"]).json()
    response = post(owner, grid, parent=reply["id"])
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "parent" in response.json()["fields"]


def test_a_reply_cannot_name_another_anchor(grid, owner):
    thread = post(owner, grid, anchor={"type": "map"}).json()
    response = post(owner, grid, parent=thread["id"], anchor={"type": "stage", "id": grid.stages[0]})
    assert response.status_code == 400 and "anchor" in response.json()["fields"]


def test_mentions_name_members_only(grid, owner, editor, viewer, outsider, signals):
    editor.username, viewer.username = "ana.lopez", "Leo"
    editor.save()
    viewer.save()
    body = f"@ana.lopez can you check? cc @leo, and @{outsider.username} and @nobody."
    response = post(owner, grid, anchor={"type": "map"}, body=body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["mentions"] == [editor.pk, viewer.pk]
    assert data["body"] == body  # kept as written: mentions are shown, not rewritten
    assert [s["mentioned_user_ids"] for s in signals] == [[editor.pk, viewer.pk]]
    assert signals[0]["event"] == "created" and signals[0]["actor"] == owner


def test_an_address_in_running_text_mentions_nobody(grid, owner, editor):
    editor.username = "ana"
    editor.save()
    data = post(owner, grid, anchor={"type": "map"}, body="write to bob@ana or ana@example.com").json()
    assert data["mentions"] == []


def test_the_author_is_never_told_about_their_own_mention(grid, owner, signals):
    post(owner, grid, anchor={"type": "map"}, body=f"note to self @{owner.username}")
    assert signals[0]["mentioned_user_ids"] == []


def test_signals_for_reply_edit_resolve_reopen_delete(grid, owner, editor, signals):
    editor.username = "ana"
    editor.save()
    thread = post(owner, grid, anchor={"type": "map"}, body="first").json()
    reply = post(editor, grid, parent=thread["id"], body="reply").json()
    api(owner).patch(url(grid, thread["id"]), {"body": "first, @ana"}, format="json")
    api(owner).patch(url(grid, thread["id"]), {"body": "first, @ana again"}, format="json")
    api(editor).patch(url(grid, thread["id"]), {"status": "resolved"}, format="json")
    api(editor).patch(url(grid, thread["id"]), {"status": "open"}, format="json")
    api(editor).delete(url(grid, reply["id"]))
    assert [(s["event"], s["mentioned_user_ids"]) for s in signals] == [
        ("created", []), ("replied", []), ("edited", [editor.pk]), ("edited", []),
        ("resolved", []), ("reopened", []), ("deleted", [])]
    replied = signals[1]
    assert str(replied["thread"].id) == thread["id"] and replied["thread"].author == owner


def test_a_body_over_10000_characters_is_invalid(grid, owner):
    assert post(owner, grid, anchor={"type": "map"}, body="x" * 10_000).status_code == 201
    response = post(owner, grid, anchor={"type": "map"}, body="x" * 10_001)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "body" in response.json()["fields"]


@pytest.mark.parametrize("payload, field", [
    ({"anchor": {"type": "map"}}, "body"),
    ({"anchor": {"type": "map"}, "body": "   "}, "body"),
    ({"anchor": {"type": "map"}, "body": 12}, "body"),
    ({"anchor": {"type": "map"}, "body": "a\x00b"}, "body"),
    ({"body": "no anchor"}, "anchor"),
    ({"anchor": {"type": "planet"}, "body": "x"}, "anchor"),
    ({"anchor": {"type": "card"}, "body": "x"}, "anchor.id"),
    ({"anchor": {"type": "card", "id": "not-a-uuid"}, "body": "x"}, "anchor"),
    ({"anchor": {"type": "cell", "stage": None, "lane": None}, "body": "x"}, "anchor.stage"),
    ({"anchor": {"type": "map", "colour": "red"}, "body": "x"}, "anchor"),
    ({"anchor": {"type": "map"}, "body": "x", "pinned": True}, "pinned"),
    ({"anchor": "map", "body": "x"}, "anchor"),
    ({"parent": "nope", "body": "x"}, "parent"),
])
def test_bad_bodies_are_invalid_and_name_the_field(grid, owner, payload, field):
    response = api(owner).post(url(grid), payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert any(name == field or name.startswith(field) for name in body["fields"]), body


def test_another_maps_item_is_not_found_and_a_deleted_one_is_gone(grid, owner, workspace):
    other = MapFactory(workspace=workspace)
    card = grid.card(owner)
    foreign = post(owner, grid, anchor={"type": "stage", "id": str(uuid.uuid4())})
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    response = api(owner).post(f"/api/v1/maps/{other.id}/comments/",
                               {"body": "x", "anchor": {"type": "card", "id": card}}, format="json")
    assert response.status_code == 404
    grid.push(owner, [{"op": "delete", "entity": "card", "id": card}])
    gone = post(owner, grid, anchor={"type": "card", "id": card})
    assert gone.status_code == 409 and gone.json()["code"] == "gone"


def test_outsiders_and_anonymous_get_nothing(grid, owner, outsider):
    thread = post(owner, grid, anchor={"type": "map"}).json()
    assert api(outsider).get(url(grid)).status_code == 404
    assert post(outsider, grid, anchor={"type": "map"}).status_code == 404
    assert api(outsider).patch(url(grid, thread["id"]), {"status": "resolved"}, format="json").status_code == 404
    assert api(outsider).delete(url(grid, thread["id"])).status_code == 404
    assert api().get(url(grid)).status_code == 401
    assert api().post(url(grid), {"body": "x", "anchor": {"type": "map"}}, format="json").status_code == 401


def test_only_the_author_edits_the_text(grid, owner, editor):
    thread = post(editor, grid, anchor={"type": "map"}, body="typo").json()
    refused = api(owner).patch(url(grid, thread["id"]), {"body": "fixed by owner"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    edited = api(editor).patch(url(grid, thread["id"]), {"body": "fixed"}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "fixed" and edited.json()["edited_at"]


def test_who_resolves_and_reopens(grid, owner, editor, viewer):
    by_owner = post(owner, grid, anchor={"type": "map"}).json()
    by_viewer = post(viewer, grid, anchor={"type": "map"}).json()
    # A viewer resolves their own thread, not someone else's.
    assert api(viewer).patch(url(grid, by_owner["id"]), {"status": "resolved"}, format="json").status_code == 403
    mine = api(viewer).patch(url(grid, by_viewer["id"]), {"status": "resolved"}, format="json")
    assert mine.status_code == 200 and mine.json()["status"] == "resolved"
    assert mine.json()["resolved_by"]["id"] == viewer.pk
    # Editors and owners resolve and reopen anyone's.
    resolved = api(editor).patch(url(grid, by_owner["id"]), {"status": "resolved"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    reopened = api(owner).patch(url(grid, by_viewer["id"]), {"status": "open"}, format="json")
    assert reopened.json()["status"] == "open" and reopened.json()["resolved_by"] is None
    statuses = {c["id"]: c["status"] for c in api(owner).get(url(grid), {"status": "resolved"}).json()}
    assert statuses == {by_owner["id"]: "resolved"}


def test_a_reply_has_its_threads_status(grid, owner, editor):
    thread = post(owner, grid, anchor={"type": "map"}).json()
    reply = post(editor, grid, parent=thread["id"]).json()
    response = api(owner).patch(url(grid, reply["id"]), {"status": "resolved"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["fields"]
    api(owner).patch(url(grid, thread["id"]), {"status": "resolved"}, format="json")
    listed = api(owner).get(url(grid)).json()
    assert [c["status"] for c in listed] == ["resolved", "resolved"]


def test_who_deletes(grid, owner, editor, viewer):
    by_viewer = post(viewer, grid, anchor={"type": "map"}).json()
    by_editor = post(editor, grid, anchor={"type": "map"}).json()
    assert api(editor).delete(url(grid, by_viewer["id"])).status_code == 403
    assert api(viewer).delete(url(grid, by_editor["id"])).status_code == 403
    assert api(viewer).delete(url(grid, by_viewer["id"])).status_code == 204
    assert api(owner).delete(url(grid, by_editor["id"])).status_code == 204
    assert api(owner).get(url(grid)).json() == []
    again = api(owner).delete(url(grid, by_editor["id"]))
    assert again.status_code == 409 and again.json()["code"] == "gone"


def test_a_deleted_first_comment_leaves_a_placeholder_over_its_replies(grid, owner, editor):
    thread = post(owner, grid, anchor={"type": "map"}, body="secret plan").json()
    post(editor, grid, parent=thread["id"], body="a reply")
    assert api(owner).delete(url(grid, thread["id"])).status_code == 204
    listed = api(editor).get(url(grid)).json()
    assert [(c["deleted"], c["body"]) for c in listed] == [(True, ""), (False, "a reply")]
    assert "secret plan" not in str(listed)
    assert api(owner).patch(url(grid, thread["id"]), {"status": "resolved"}, format="json").status_code == 409
    assert post(editor, grid, parent=thread["id"]).status_code == 409


def test_threads_hide_with_their_anchor_and_come_back_with_its_restore(grid, owner, editor):
    card = grid.card(owner, stage=1, lane=0)
    on_card = post(editor, grid, anchor={"type": "card", "id": card}).json()
    on_cell = post(editor, grid, anchor={"type": "cell", "stage": grid.stages[1], "lane": grid.lanes[0]}).json()
    on_map = post(editor, grid, anchor={"type": "map"}).json()
    assert grid.push(owner, [{"op": "delete", "entity": "card", "id": card}]).status == "ok"
    assert [c["id"] for c in api(editor).get(url(grid)).json()] == [on_cell["id"], on_map["id"]]
    hidden = api(editor).patch(url(grid, on_card["id"]), {"body": "x"}, format="json")
    assert hidden.status_code == 404
    assert post(editor, grid, parent=on_card["id"]).status_code == 404
    assert grid.push(owner, [{"op": "restore", "entity": "card", "id": card}]).status == "ok"
    assert len(api(editor).get(url(grid)).json()) == 3
    # Deleting the stage takes the card and the cell with it; restoring brings both back.
    assert grid.push(owner, [{"op": "delete", "entity": "stage", "id": grid.stages[1]}]).status == "ok"
    assert [c["id"] for c in api(editor).get(url(grid)).json()] == [on_map["id"]]
    assert grid.push(owner, [{"op": "restore", "entity": "stage", "id": grid.stages[1]}]).status == "ok"
    assert [c["id"] for c in api(editor).get(url(grid)).json()] == [on_card["id"], on_cell["id"], on_map["id"]]


def test_unread_until_read_and_again_after_new_activity(grid, owner, editor):
    thread = post(owner, grid, anchor={"type": "map"}).json()

    def unread(user):
        return next(c for c in api(user).get(url(grid)).json() if c["id"] == thread["id"])["unread"]

    assert unread(owner) is False  # writing is reading
    assert unread(editor) is True
    assert api(editor).post(url(grid, thread["id"], "read/")).status_code == 204
    assert unread(editor) is False
    post(owner, grid, parent=thread["id"])
    assert unread(editor) is True and unread(owner) is False


def test_mine_and_mentioning_me(grid, owner, editor, viewer):
    viewer.username = "leo"
    viewer.save()
    started = post(editor, grid, anchor={"type": "map"}, body="mine").json()
    replied_in = post(owner, grid, anchor={"type": "map"}, body="owner's").json()
    post(editor, grid, parent=replied_in["id"], body="my reply")
    other = post(owner, grid, anchor={"type": "map"}, body="not mine").json()
    mention = post(owner, grid, parent=other["id"], body="@leo look").json()
    mine = {c["id"] for c in api(editor).get(url(grid), {"mine": "true"}).json() if c["parent"] is None}
    assert mine == {started["id"], replied_in["id"]}
    mentioning = api(viewer).get(url(grid), {"mentioning_me": "1"}).json()
    assert [c["id"] for c in mentioning] == [other["id"], mention["id"]]
    # Deleting the mention takes it out of "mentioning me".
    api(owner).delete(url(grid, mention["id"]))
    assert api(viewer).get(url(grid), {"mentioning_me": "1"}).json() == []


@pytest.mark.parametrize("query", [{"status": "closed"}, {"anchor_type": "row"}, {"anchor_id": "x"},
                                   {"mine": "maybe"}])
def test_bad_filters_are_invalid(grid, owner, query):
    response = api(owner).get(url(grid), query)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_malformed_ids_answer_404(grid, owner):
    assert api(owner).patch(url(grid, "nope"), {"body": "x"}, format="json").status_code == 404
    assert api(owner).delete(url(grid, str(uuid.uuid4()))).status_code == 404
    assert api(owner).get("/api/v1/maps/nope/comments/").status_code == 404


def test_a_member_removed_from_the_workspace_loses_the_discussion(grid, owner):
    member = MembershipFactory(workspace=grid.map.workspace, role=Role.EDITOR)
    post(member.user, grid, anchor={"type": "map"})
    member.delete()
    assert api(member.user).get(url(grid)).status_code == 404
    # Their comment stays, by its author.
    assert Comment.objects.filter(author=member.user).count() == 1


def test_an_empty_patch_is_invalid(grid, owner):
    thread = post(owner, grid, anchor={"type": "map"}).json()
    response = api(owner).patch(url(grid, thread["id"]), {}, format="json")
    assert response.status_code == 400
    other = UserFactory()
    assert api(other).patch(url(grid, thread["id"]), {"body": "x"}, format="json").status_code == 404


def test_another_workspaces_comment_and_items_are_not_found(grid, owner, editor):
    theirs_owner = MembershipFactory(role=Role.OWNER).user
    their_map = MapFactory(workspace=theirs_owner.memberships.first().workspace)
    stage = str(uuid.uuid4())
    from maps.operations import actor_for, apply
    apply(map_id=their_map.id, actor=actor_for(theirs_owner, their_map.workspace_id), batch_id="seed",
          ops=[{"op": "create", "entity": "stage", "id": stage, "fields": {"name": "theirs"}}])
    their_comment = api(theirs_owner).post(f"/api/v1/maps/{their_map.id}/comments/",
                                           {"body": "their secret", "anchor": {"type": "map"}}, format="json").json()
    assert api(editor).patch(url(grid, their_comment["id"]), {"body": "x"}, format="json").status_code == 404
    assert api(editor).delete(url(grid, their_comment["id"])).status_code == 404
    assert api(editor).post(url(grid, their_comment["id"], "read/")).status_code == 404
    for payload in ({"parent": their_comment["id"]}, {"anchor": {"type": "stage", "id": stage}}):
        response = post(editor, grid, **payload)
        assert response.status_code == 404 and "their secret" not in response.content.decode()
