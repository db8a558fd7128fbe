"""Removing or demoting the one owner over REST: refused with a message a person can act on."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from maps.models import Membership, Role

pytestmark = pytest.mark.django_db


def as_user(user, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def member_url(membership: Membership) -> str:
    return f"/api/v1/workspaces/{membership.workspace_id}/members/{membership.id}/"


def test_removing_the_only_owner_is_refused_naming_the_member_and_what_to_do(owner, editor, workspace):
    # owner: the workspace's one owner; editor: a teammate who could become one.
    only_owner = Membership.objects.get(workspace=workspace, user=owner)
    response = as_user(owner).delete(member_url(only_owner))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "only owner" in body["message"] and "make someone else an owner first" in body["message"]
    assert body["message"][0].isupper() and list(body["fields"]) == ["member"]
    assert Membership.objects.filter(id=only_owner.id).exists()


def test_demoting_the_only_owner_is_refused_in_the_callers_language(owner, workspace):
    only_owner = Membership.objects.get(workspace=workspace, user=owner)
    response = as_user(owner, "fr").patch(member_url(only_owner), {"role": "editor"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["role"]
    assert "seul propriétaire" in body["message"]
    assert Membership.objects.get(id=only_owner.id).role == Role.OWNER


def test_once_someone_else_is_an_owner_the_first_may_leave(owner, editor, workspace):
    second = Membership.objects.get(workspace=workspace, user=editor)
    assert as_user(owner).patch(member_url(second), {"role": "owner"}, format="json").status_code == 200
    first = Membership.objects.get(workspace=workspace, user=owner)
    assert as_user(editor).delete(member_url(first)).status_code == 204
