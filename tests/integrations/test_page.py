"""The Integrations page (owners only): webhooks and service tokens managed by
forms, secrets and tokens shown once, bad input refused with the field named."""

from __future__ import annotations

import pytest
from django.test import Client

from integrations.models import Delivery, ServiceToken, Webhook
from integrations.services import webhook_create

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def page(workspace) -> str:
    return f"/workspaces/{workspace.id}/integrations/"


def test_only_owners_see_the_page_and_the_link(owner, editor, viewer, outsider, workspace):
    assert signed_in(owner).get(page(workspace)).status_code == 200
    for user, status in ((editor, 403), (viewer, 403), (outsider, 404)):
        assert signed_in(user).get(page(workspace)).status_code == status
        assert signed_in(user).post(page(workspace), {"action": "token_create", "name": "x",
                                                      "role": "editor"}).status_code == status
    assert Client().get(page(workspace)).status_code == 302  # to the sign-in page
    assert not ServiceToken.objects.exists()
    link = f'href="{page(workspace)}"'
    assert link in signed_in(owner).get(f"/?workspace={workspace.id}").content.decode()
    assert link not in signed_in(editor).get(f"/?workspace={workspace.id}").content.decode()


def test_an_owner_adds_a_hook_sees_the_secret_once_and_edits_it(owner, editor, workspace, receiver, allow_private):
    c = signed_in(owner)
    answer = c.post(page(workspace), {"action": "hook_create", "url": receiver.url, "events": ["map.created"],
                                      "description": "<b>CRM</b>", "exclude": [f"user:{editor.pk}"]})
    assert answer.status_code == 200
    hook = Webhook.objects.get()
    html = answer.content.decode()
    assert hook.secret in html and "won" in html and "&lt;b&gt;CRM&lt;/b&gt;" in html
    assert hook.exclude_actors == [{"type": "user", "id": editor.pk}]
    assert hook.secret not in c.get(page(workspace)).content.decode()
    c.post(page(workspace), {"action": "hook_update", "hook": str(hook.id),
                             "events": ["map.changed", "map.archived"], "description": "Sync"})
    hook.refresh_from_db()
    assert hook.events == ["map.archived", "map.changed"] and hook.exclude_actors == []
    c.post(page(workspace), {"action": "hook_switch", "hook": str(hook.id)})
    hook.refresh_from_db()
    assert not hook.active and hook.disabled_reason == "owner"
    rotated = c.post(page(workspace), {"action": "hook_rotate", "hook": str(hook.id), "overlap_hours": "12"})
    old = hook.secret
    hook.refresh_from_db()
    assert hook.secret != old and hook.secret in rotated.content.decode() and hook.previous_secret == old
    c.post(page(workspace), {"action": "hook_test", "hook": str(hook.id)})
    assert Delivery.objects.get().event == "ping"
    c.post(page(workspace), {"action": "hook_delete", "hook": str(hook.id)})
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(("fields", "named"), [
    ({"url": "http://10.0.0.1/x", "events": ["map.created"]}, "URL"),
    ({"url": "ftp://example.org/", "events": ["map.created"]}, "URL"),
    ({"url": "https://example.org/", "events": []}, "Events"),
    ({"url": "https://example.org/", "events": ["map.exploded"]}, "Events"),
    ({"url": "https://example.org/", "events": ["map.created"], "description": "x" * 201}, "Description"),
    ({"url": "https://example.org/", "events": ["map.created"], "exclude": ["user:999999"]}, "Don"),
    ({"url": "https://example.org/", "events": ["map.created"], "exclude": ["robot:1"]}, "Don"),
])
def test_bad_hook_forms_are_refused_naming_the_field(owner, workspace, fields, named):
    answer = signed_in(owner).post(page(workspace), {"action": "hook_create", **fields}, follow=True)
    assert answer.status_code == 200
    flashes = [str(m) for m in answer.context["messages"]]
    assert flashes and flashes[0].startswith(named), flashes
    assert not Webhook.objects.exists()


def test_bad_overlaps_and_token_forms_are_refused(owner, workspace, receiver, allow_private):
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    c = signed_in(owner)
    for value in ("-1", "169", "soon", ""):
        answer = c.post(page(workspace), {"action": "hook_rotate", "hook": str(hook.id), "overlap_hours": value},
                        follow=True)
        assert [str(m) for m in answer.context["messages"]][0].startswith("Overlap")
    assert Webhook.objects.get().secret == hook.secret
    for fields in ({"name": "", "role": "editor"}, {"name": "x" * 101, "role": "editor"},
                   {"name": "ok", "role": "owner"}):
        c.post(page(workspace), {"action": "token_create", **fields})
    assert not ServiceToken.objects.exists()
    other = c.post(page(workspace), {"action": "hook_delete", "hook": "not-an-id"})
    assert other.status_code == 404


def test_a_token_is_shown_once_and_revoked(owner, workspace):
    c = signed_in(owner)
    answer = c.post(page(workspace), {"action": "token_create", "name": "Dashboard <sync>", "role": "viewer"})
    row = ServiceToken.objects.get()
    html = answer.content.decode()
    assert "jms_" in html and "Dashboard &lt;sync&gt;" in html
    later = c.get(page(workspace)).content.decode()
    assert row.prefix in later and html.split('id="new-token"')[1].split('value="')[1].split('"')[0] not in later
    c.post(page(workspace), {"action": "token_revoke", "token": str(row.id)})
    assert not ServiceToken.objects.exists()
