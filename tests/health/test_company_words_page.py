"""The Company words page: members read the lists, owners change the workspace's
own words (checked by the REST rules), and every map is checked again."""

from __future__ import annotations

import pytest
from django.test import Client

from health.models import MapHealth, WorkspaceWords
from health.selectors import map_health
from health.words import MAX_WORDS

pytestmark = pytest.mark.django_db


def url(workspace) -> str:
    return f"/workspaces/{workspace.id}/company-words/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_owner_saves_words_and_every_map_is_checked_again(grid, owner):
    map_health(journey_map=grid.map)
    assert MapHealth.objects.filter(map=grid.map).exists()
    answer = client_for(owner).post(url(grid.map.workspace), {"en": "pallet staging\n  Dock , dock\n\n", "fr": "guichet"})
    assert answer.status_code == 302 and answer["Location"] == url(grid.map.workspace)
    row = WorkspaceWords.objects.get(workspace=grid.map.workspace)
    assert row.words_en == ["pallet staging", "Dock"] and row.words_fr == ["guichet"]
    assert not MapHealth.objects.filter(map=grid.map).exists()
    page = client_for(owner).get(url(grid.map.workspace)).content.decode()
    assert "pallet staging\nDock</textarea>" in page and "Save the words" in page


def test_members_read_the_lists_but_only_owners_change_them(grid, owner, editor, viewer, outsider):
    WorkspaceWords.objects.create(workspace=grid.map.workspace, words_en=["<script>alert(1)</script>"], words_fr=[])
    for member in (editor, viewer):
        page = client_for(member).get(url(grid.map.workspace))
        assert page.status_code == 200
        body = page.content.decode()
        assert "readonly" in body and "Save the words" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
        assert client_for(member).post(url(grid.map.workspace), {"en": "x", "fr": ""}).status_code == 403
    assert client_for(outsider).get(url(grid.map.workspace)).status_code == 404
    assert Client().get(url(grid.map.workspace)).status_code == 302  # to the sign-in page
    assert WorkspaceWords.objects.get(workspace=grid.map.workspace).words_en == ["<script>alert(1)</script>"]


def test_too_many_or_too_long_words_are_refused_and_nothing_is_saved(grid, owner):
    WorkspaceWords.objects.create(workspace=grid.map.workspace, words_en=["kept"], words_fr=[])
    too_many = "\n".join(f"word{i}" for i in range(MAX_WORDS + 1))
    for english in (too_many, "x" * 61):
        answer = client_for(owner).post(url(grid.map.workspace), {"en": english, "fr": ""})
        assert answer.status_code == 400
        assert "At most 300 words or phrases per language" in answer.content.decode()
    assert WorkspaceWords.objects.get(workspace=grid.map.workspace).words_en == ["kept"]
