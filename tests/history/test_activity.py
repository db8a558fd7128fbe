"""The activity of a map over REST: the op log told in the reader's language,
folded per person and thing, filtered by person and team, paged by seq.

People: Ana (an editor of the Support team), Léo (an editor of the Sales team),
a viewer (reads the history too), an outsider (a member of another workspace only).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from maps.models import Membership, Role
from maps.operations import actor_for, apply
from tests.factories import MapFactory, MembershipFactory, TeamFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


class Story:
    def __init__(self) -> None:
        self.workspace = WorkspaceFactory()
        self.support = TeamFactory(workspace=self.workspace, name="Support")
        self.sales = TeamFactory(workspace=self.workspace, name="Sales")
        self.ana = UserFactory(username="ana", first_name="Ana", last_name="")
        self.leo = UserFactory(username="leo", first_name="Léo", last_name="")
        MembershipFactory(workspace=self.workspace, user=self.ana, role=Role.EDITOR, team=self.support)
        MembershipFactory(workspace=self.workspace, user=self.leo, role=Role.EDITOR, team=self.sales)
        self.viewer = MembershipFactory(workspace=self.workspace, role=Role.VIEWER).user
        self.outsider = MembershipFactory(role=Role.OWNER).user
        self.map = MapFactory(workspace=self.workspace, title="Support journey")
        self.compare, self.purchase, self.lane = (str(uuid.uuid4()) for _ in range(3))
        self.push(self.ana, [
            {"op": "create", "entity": "stage", "id": self.compare, "fields": {"name": "Compare options"}},
            {"op": "create", "entity": "stage", "id": self.purchase, "fields": {"name": "Purchase"}},
            {"op": "create", "entity": "lane", "id": self.lane, "fields": {"title": "Does"}},
        ])

    def push(self, user: Any, ops: list[dict[str, Any]]) -> int:
        ack = apply(map_id=self.map.id, actor=actor_for(user, self.workspace.id), batch_id=f"t-{uuid.uuid4()}",
                    ops=ops)
        assert ack.status in ("ok", "rebased"), ack.error
        return ack.seq

    def card(self, user: Any, text: str, stage: str | None = None) -> str:
        card_id = str(uuid.uuid4())
        self.push(user, [{"op": "create", "entity": "card", "id": card_id,
                          "fields": {"stage": stage or self.compare, "lane": self.lane, "text": text}}])
        return card_id

    def activity(self, user: Any = None, language: str = "en", **params: Any) -> Any:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client.get(f"/api/v1/maps/{self.map.id}/activity/", params, HTTP_ACCEPT_LANGUAGE=language)

    def summaries(self, user: Any = None, language: str = "en", **params: Any) -> list[str]:
        response = self.activity(user or self.ana, language, **params)
        assert response.status_code == 200, response.content
        return [entry["summary"] for entry in response.json()["entries"]]


@pytest.fixture
def story() -> Story:
    return Story()


def test_a_move_is_told_with_the_card_and_where_it_went_in_both_languages(story):
    card = story.card(story.ana, "Appelle le support")
    story.push(story.ana, [{"op": "move", "entity": "card", "id": card,
                            "fields": {"stage": story.purchase, "lane": story.lane}}])

    assert story.summaries()[0] == "Ana moved « Appelle le support » to Purchase"
    assert story.summaries(language="fr")[0] == "Ana a déplacé « Appelle le support » vers Purchase"
    entry = story.activity(story.ana).json()["entries"][0]
    assert entry["verb"] == "move" and entry["entity"] == "card"
    assert entry["targets"] == [{"entity": "card", "id": card, "label": "Appelle le support", "exists": True}]
    assert entry["stage"] == {"id": story.purchase, "label": "Purchase", "exists": True}


def test_consecutive_edits_of_one_person_in_one_stage_fold_into_one_entry(story):
    cards = [story.card(story.leo, f"note {i}") for i in range(3)]
    for i, card in enumerate(cards):
        story.push(story.ana, [{"op": "update", "entity": "card", "id": card, "fields": {"text": f"better {i}"}}])

    entries = story.activity(story.ana).json()["entries"]
    assert entries[0]["summary"] == "Ana edited 3 cards in « Compare options »"
    assert (entries[0]["batches"], entries[0]["ops_count"], entries[0]["targets_count"]) == (3, 3, 3)
    assert {t["id"] for t in entries[0]["targets"]} == set(cards)
    assert entries[1]["summary"] == "Léo added 3 cards in « Compare options »"
    assert story.summaries(language="fr")[:2] == [
        "Ana a modifié 3 cartes dans « Compare options »",
        "Léo a ajouté 3 cartes dans « Compare options »",
    ]


def test_typing_into_a_new_card_is_one_addition_and_someone_else_in_between_breaks_the_fold(story):
    card = story.card(story.ana, "A")
    for text in ("Ap", "App", "Appelle"):
        story.push(story.ana, [{"op": "update", "entity": "card", "id": card, "fields": {"text": text}}])
    story.push(story.leo, [{"op": "update", "entity": "card", "id": card, "fields": {"color": "#ff0000"}}])
    story.push(story.ana, [{"op": "update", "entity": "card", "id": card, "fields": {"text": "Appelle le support"}}])

    assert story.summaries()[:3] == [
        "Ana edited the card « Appelle le support »",
        "Léo edited the card « Appelle le support »",
        "Ana added the card « Appelle le support »",
    ]
    assert story.activity(story.ana).json()["entries"][2]["batches"] == 4


def test_a_deleted_then_restored_stage_is_told_and_its_entries_say_whether_it_still_exists(story):
    story.push(story.leo, [{"op": "delete", "entity": "stage", "id": story.purchase}])
    deleted = story.activity(story.ana).json()["entries"][0]
    assert deleted["summary"] == "Léo deleted the stage « Purchase »"
    assert deleted["targets"][0]["exists"] is False

    story.push(story.leo, [{"op": "restore", "entity": "stage", "id": story.purchase}])
    entries = story.activity(story.ana).json()["entries"]
    assert entries[0]["summary"] == "Léo restored the stage « Purchase »"
    assert entries[1]["summary"] == "Léo deleted the stage « Purchase »"
    assert entries[0]["targets"][0]["exists"] is True
    assert story.summaries(language="fr")[0] == "Léo a restauré l’étape « Purchase »"


def test_a_batch_of_several_kinds_of_things_lists_them(story):
    assert story.summaries()[-1] == "Ana added 2 stages and 1 lane"
    assert story.summaries(language="fr")[-1] == "Ana a ajouté 2 étapes et 1 ligne"


def test_activity_filters_by_person_and_by_team(story):
    story.card(story.leo, "from sales")
    story.card(story.ana, "from support")

    by_leo = story.summaries(actor=story.leo.pk)
    assert by_leo == ["Léo added the card « from sales »"]
    assert story.summaries(team=str(story.support.id)) == [
        "Ana added the card « from support »", "Ana added 2 stages and 1 lane"]
    assert story.summaries(team=str(story.sales.id)) == by_leo


def test_pages_follow_each_other_without_gaps_or_repeats(story):
    for i in range(7):
        story.card(story.ana if i % 2 else story.leo, f"card {i}")
    seen: list[int] = []
    before = None
    while True:
        params = {"limit": 3, **({"before": before} if before else {})}
        body = story.activity(story.viewer, **params).json()
        assert len(body["entries"]) <= 3
        seen += [seq for entry in body["entries"] for seq in range(entry["first_seq"], entry["seq"] + 1)]
        before = body["next"]
        if before is None:
            break
    assert seen == list(range(story.map.operations.count(), 0, -1))


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 101}, {"limit": "x"}, {"before": "-1"}, {"actor": "ana"}, {"team": "nope"},
])
def test_bad_parameters_answer_invalid(story, params):
    response = story.activity(story.ana, **params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_team_of_another_workspace_is_refused(story):
    other = TeamFactory(name="Support")
    response = story.activity(story.ana, team=str(other.id))
    assert response.status_code == 400 and "team" in response.json()["fields"]


def test_members_read_the_activity_and_nobody_else_does(story):
    story.card(story.leo, "from sales")
    assert story.activity(story.viewer).status_code == 200
    assert story.activity(story.outsider).status_code == 404
    assert story.activity(None).status_code == 401
    Membership.objects.filter(user=story.leo).delete()
    assert story.activity(story.leo).status_code == 404
    # A former member's changes stay in the history, under the name they had.
    assert story.summaries()[0] == "Léo added the card « from sales »"
