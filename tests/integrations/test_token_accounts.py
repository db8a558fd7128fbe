"""A service token acts through an account of its own; that account is no
person: it is not in the members list (page or API), cannot be @mentioned,
invited, added or made a map's owner, and shows on the Integrations page's
token list instead."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from discussion.mentions import mentioned_members
from discussion.selectors import mentionable_members
from integrations.tokens import token_create
from maps.models import Membership, Role

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def page(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_token_accounts_are_not_people(owner, editor, workspace, grid, outsider):
    token, _ = token_create(workspace=workspace, name="CRM sync", role="editor", created_by=owner)
    account = token.user
    members_page = page(owner).get(f"/accounts/workspaces/{workspace.id}/members/").content.decode()
    assert "CRM sync" not in members_page and account.username not in members_page
    assert (editor.get_full_name() or editor.get_username()) in members_page
    integrations = page(owner).get(f"/workspaces/{workspace.id}/integrations/").content.decode()
    assert "CRM sync" in integrations and token.prefix in integrations

    listed = api(owner).get(f"/api/v1/workspaces/{workspace.id}/members/").json()
    assert account.username not in str(listed) and "CRM sync" not in str(listed)
    assert len(listed) == Membership.objects.filter(workspace=workspace).count() - 1
    membership = Membership.objects.get(user=account)
    member_url = f"/api/v1/workspaces/{workspace.id}/members/{membership.id}/"
    assert api(owner).get(member_url).status_code == 404
    assert api(owner).patch(member_url, {"role": "owner"}, format="json").status_code == 404
    assert api(owner).delete(member_url).status_code == 404
    posted = page(owner).post(f"/accounts/workspaces/{workspace.id}/members/",
                              {"action": "member_update", "member": str(membership.id), "role": "owner"})
    assert posted.status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR  # never made an owner behind the token list's back

    mentionable = str(mentionable_members(journey_map=grid.map))
    assert account.username not in mentionable and "CRM sync" not in mentionable
    assert editor.username in mentionable
    assert mentioned_members(body=f"@{account.username} and @{editor.username}", workspace_id=workspace.id) == [
        editor]

    other = outsider.memberships.first().workspace
    added = api(outsider).post(f"/api/v1/workspaces/{other.id}/members/", {"username": account.username,
                                                                           "role": "viewer"}, format="json")
    assert added.status_code == 400 and "username" in added.json()["fields"]
    invited = page(outsider).post(f"/accounts/workspaces/{other.id}/members/",
                                  {"action": "invite", "who": account.username, "role": "viewer"}, follow=True)
    assert not Membership.objects.filter(workspace=other, user=account).exists()
    assert invited.status_code == 200

    owner_change = api(owner).patch(f"/api/v1/maps/{grid.map.id}/", {"owner": account.pk}, format="json")
    assert owner_change.status_code == 400 and "owner" in owner_change.json()["fields"]
