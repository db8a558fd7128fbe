"""Invite links and personal invitations: a workshop joins in a minute; dead links are refused."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from maps.models import Invitation, Membership, Role
from workspaces import invitations

pytestmark = pytest.mark.django_db


def sign_up(client: Client, path: str, username: str):
    return client.post(path, {"username": username, "email": f"{username}@example.org",
                              "password1": "a long pass phrase 42", "password2": "a long pass phrase 42"})


def test_a_new_person_signs_up_through_an_invite_link_and_edits_the_map(workspace, owner, grid):
    created = invitations.invite_link_create(workspace=workspace, created_by=owner, role=Role.EDITOR)
    client = Client()
    page = client.get(created.path)
    assert page.status_code == 200 and workspace.name in page.content.decode()
    response = sign_up(client, created.path, "newcomer")
    assert response.status_code == 302 and response["Location"] == f"/?workspace={workspace.id}"
    membership = Membership.objects.get(workspace=workspace, user__username="newcomer")
    assert membership.role == Role.EDITOR
    # Signed in by the sign-up, the newcomer edits the map at once.
    api = APIClient()
    api.force_authenticate(membership.user)
    card = str(uuid.uuid4())
    ack = api.post(f"/api/v1/maps/{grid.map.id}/operations/", {"batch_id": "n-1", "ops": [
        {"op": "create", "entity": "card", "id": card,
         "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "text": "from the newcomer"}}]}, format="json")
    assert ack.status_code == 200, ack.content
    assert client.get(f"/maps/{grid.map.id}/").status_code == 200


def test_one_link_serves_a_whole_workshop(workspace, owner):
    created = invitations.invite_link_create(workspace=workspace, created_by=owner, role=Role.EDITOR)
    for n in range(15):
        assert sign_up(Client(), created.path, f"participant{n}").status_code == 302
    assert Membership.objects.filter(workspace=workspace, user__username__startswith="participant").count() == 15
    assert Invitation.objects.get(id=created.invitation.id).uses == 15


def test_an_expired_or_revoked_invite_is_refused(workspace, owner):
    expired = invitations.invite_link_create(workspace=workspace, created_by=owner, role=Role.EDITOR)
    Invitation.objects.filter(id=expired.invitation.id).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    revoked = invitations.invite_link_create(workspace=workspace, created_by=owner, role=Role.EDITOR)
    invitations.invitation_revoke(invitation=revoked.invitation)
    for created in (expired, revoked):
        client = Client()
        assert client.get(created.path).status_code == 404
        assert sign_up(client, created.path, f"late{created.invitation.id.hex[:6]}").status_code == 404
    assert not Membership.objects.filter(user__username__startswith="late").exists()


def test_inviting_an_existing_username_adds_them_and_an_unknown_email_gets_a_mail(workspace, owner, user_factory):
    person = user_factory(username="sam")
    membership, created = invitations.member_invite(workspace=workspace, invited_by=owner, who="sam",
                                                    role=Role.VIEWER)
    assert membership.user == person and membership.role == Role.VIEWER and created is None
    _, created = invitations.member_invite(workspace=workspace, invited_by=owner, who="new@example.org",
                                           role=Role.EDITOR, base_url="http://testserver")
    assert created is not None and created.invitation.email == "new@example.org"


def test_the_members_page_is_for_members_and_only_owners_change_it(workspace, owner, editor, outsider):
    url = f"/accounts/workspaces/{workspace.id}/members/"
    client = Client()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "link_create", "role": "owner"}).status_code == 403
    client.force_login(owner)
    response = client.post(url, {"action": "link_create", "role": "editor", "days": "3", "label": "Workshop"})
    assert response.status_code == 200
    link = Invitation.objects.get(workspace=workspace, kind="link")
    html = response.content.decode()
    assert "/accounts/invite/" in html and link.token_hash not in html
    response = client.post(url, {"action": "team_create", "name": "Support", "color": "#0f766e"})
    assert response.status_code == 302
    assert workspace.teams.filter(name="Support").exists()


def test_password_reset_sends_a_mail_with_a_working_link(user_factory):
    user_factory(username="forgetful", email="forgetful@example.org")
    client = Client()
    assert client.get("/accounts/password_reset/").status_code == 200
    response = client.post("/accounts/password_reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    confirm = client.get(link.replace("http://testserver", ""), follow=True)
    assert confirm.status_code == 200 and "new password" in confirm.content.decode().lower()
