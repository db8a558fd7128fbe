"""What the editor page carries for comments: in the reader's language, names
escaped, and nothing at all on a share page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from discussion.services import comment_create
from maps.models import Membership, Role
from sharing import links as sharing
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def settings_of(html: str) -> dict:
    return json.loads(html.split('id="comments-settings" type="application/json">')[1].split("</script>")[0])


def test_the_editor_carries_the_comment_texts_in_french(client: Client, grid, owner):
    client.force_login(owner)
    html = client.get(f"/maps/{grid.map.id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    strings = settings_of(html)["strings"]
    assert (strings["comments"], strings["filterOpen"], strings["filterResolved"], strings["about"]) == (
        "Commentaires", "Ouverts", "Résolus", "Sur")
    assert strings["aboutCard"] == "Carte « %(name)s »" and strings["mentionList"] == "Personnes à mentionner"
    assert ">Commentaires<" in html
    english = settings_of(client.get(f"/maps/{grid.map.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert english["strings"]["comments"] == "Comments"
    assert set(english["strings"]) == set(strings)


def test_mentionable_members_are_the_workspace_and_names_are_escaped(client: Client, grid, owner, outsider):
    hostile = UserFactory(username="mallory", first_name="<script>alert(1)</script>")
    Membership.objects.create(workspace=grid.map.workspace, user=hostile, role=Role.VIEWER)
    client.force_login(owner)
    html = client.get(f"/maps/{grid.map.id}/").content.decode()
    assert "<script>alert(1)" not in html
    members = settings_of(html)["members"]
    usernames = {m["username"] for m in members}
    assert {owner.username, "mallory"} <= usernames and outsider.username not in usernames
    assert next(m for m in members if m["username"] == "mallory")["name"].startswith("<script>")


def test_a_share_page_has_no_comments(grid, owner):
    comment_create(journey_map=grid.map, user=owner, anchor={"type": "map"}, body="Internal only: margin 12%")
    path = sharing.share_link_create(map=grid.map, created_by=owner).path
    html = Client().get(path).content.decode()
    assert "comments-settings" not in html and "comments-button" not in html and "margin 12%" not in html
