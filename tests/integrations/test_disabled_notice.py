"""A webhook switched off after 50 failed deliveries in a row tells each owner in
the bell, in the language they last used, besides the mail; the Integrations
page shows a banner. Editors hear nothing; a notice leaves with the ownership."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from integrations import delivery as sending
from integrations.models import Delivery, Webhook
from integrations.services import webhook_create
from maps.models import Membership, Role
from notifications.mail import mail_pending
from notifications.models import Notification, NotificationSettings
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.conftest import close_worker_connections  # noqa: F401  (fixture)
from tests.servers import daphne_server  # noqa: F401  (fixture)

FRENCH_SUMMARY = "Le webhook vers {url} de {ws} a été désactivé après 50 envois échoués d’affilée"


def fail_fifty(hook, receiver, settings) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 0  # each failure is final at once
    receiver.statuses = [500] * 60
    for _ in range(50):
        sending.attempt(Delivery.objects.create(webhook=hook, event="map.created", body="{}").id)


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.django_db
def test_each_owner_gets_a_notice_in_their_language_and_the_page_a_banner(
        owner, editor, workspace, receiver, allow_private, settings, django_capture_on_commit_callbacks):
    french = UserFactory(username="chloe", first_name="Chloé", email="chloe@example.org")
    MembershipFactory(workspace=workspace, user=french, role=Role.OWNER)
    NotificationSettings.objects.create(user=french, language="fr")
    owner.email = "owner@example.org"
    owner.save()
    hook = webhook_create(workspace=workspace, user=owner, url=receiver.url, events=["map.created"])
    with django_capture_on_commit_callbacks(execute=True):
        fail_fifty(hook, receiver, settings)
    hook.refresh_from_db()
    assert not hook.active and hook.disabled_reason == "failures"
    assert sorted(m.to[0] for m in mail.outbox) == ["chloe@example.org", "owner@example.org"]  # the mail stays
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {owner.pk, french.pk}

    inbox = api(french).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fr").json()
    (item,) = inbox["notifications"]
    assert inbox["unread"] == 1 and item["kind"] == "hook_off" and item["map"] is None
    assert item["summary"] == FRENCH_SUMMARY.format(url=receiver.url, ws=workspace.name)
    assert item["url"] == f"/workspaces/{workspace.id}/integrations/?log={hook.id}#hook-{hook.id}"
    assert item["workspace"] == {"id": str(workspace.id), "name": workspace.name}
    english = api(owner).get("/api/v1/notifications/").json()["notifications"][0]["summary"]
    assert english.startswith(f"The webhook to {receiver.url} of {workspace.name} was switched off after 50")
    assert api(editor).get("/api/v1/notifications/").json()["unread"] == 0
    mail.outbox.clear()
    assert mail_pending(user_id=french.pk) == 0 and not mail.outbox  # no second mail in a digest

    c = Client()
    c.force_login(owner)
    page = c.get(item["url"]).content.decode()
    assert "data-disabled-banner" in page and "After 50 failed deliveries in a row" in page
    Webhook.objects.filter(id=hook.id).update(active=True, disabled_reason="")
    assert "data-disabled-banner" not in c.get(item["url"]).content.decode()

    Membership.objects.filter(user=french, workspace=workspace).update(role=Role.EDITOR)
    assert api(french).get("/api/v1/notifications/").json()["unread"] == 0  # for owners only


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("require_postgres", "require_redis")
async def test_the_notice_reaches_the_owners_bell_live(daphne_server, owner, workspace, receiver,  # noqa: F811
                                                      allow_private, settings):
    from tests.notifications.test_live import bell, next_frame

    await sync_to_async(NotificationSettings.objects.create)(user=owner, language="fr")
    hook = await sync_to_async(webhook_create)(workspace=workspace, user=owner, url=receiver.url,
                                               events=["map.created"])
    server = await sync_to_async(daphne_server)()
    socket = await bell(server, owner)
    try:
        assert (await next_frame(socket))["event"] == "hello"
        await sync_to_async(fail_fifty)(hook, receiver, settings)
        frame = await next_frame(socket, timeout=10)
        assert frame["event"] == "created" and frame["unread"] == 1
        assert frame["notification"]["summary"] == FRENCH_SUMMARY.format(url=receiver.url, ws=workspace.name)
        assert frame["notification"]["kind"] == "hook_off"
    finally:
        await socket.close()
