"""Review reminders with the clock moved: the owner hears once when the review
falls due (a notification and a mail, in their language), not again that week,
once more a week later, and nothing after someone marks the map reviewed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from rest_framework.test import APIClient

from maps.models import JourneyMap, Membership, Role
from notifications.mail import mail_pending
from notifications.models import EmailMode, Kind, Notification, NotificationSettings
from notifications.selectors import notification_item
from reviews.reminders import send_review_reminders
from tests.factories import MapFactory, MembershipFactory, UserFactory, WorkspaceFactory
from tests.versions.clock import install

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the map is made then; due 2 July 09:00
DIGEST_WAIT = dt.timedelta(minutes=11)


@pytest.fixture
def clock(monkeypatch):
    return install(monkeypatch, START)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL = "https://maps.example.org"
    settings.NOTIFY_DIGEST_MINUTES = 10


@pytest.fixture
def team(clock):
    workspace = WorkspaceFactory(name="Acme CX")
    ana = UserFactory(username="ana", first_name="Ana", last_name="Lopez", email="ana@example.org")
    ben = UserFactory(username="ben", first_name="Ben", email="ben@example.org")
    MembershipFactory(workspace=workspace, user=ana, role=Role.OWNER)
    MembershipFactory(workspace=workspace, user=ben, role=Role.EDITOR)
    NotificationSettings.objects.create(user=ana, language="fr")
    journey = MapFactory(workspace=workspace, title="Déclarer un sinistre", owner=ana)
    return workspace, ana, ben, journey


def reminders_of(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=Kind.REVIEW_DUE).order_by("created_at"))


def mails_now(user, clock) -> list:
    """What the mail job sends once the digest period has passed."""
    mail_pending(user_id=user.pk, now=clock.now + DIGEST_WAIT)
    sent, mail.outbox[:] = list(mail.outbox), []
    return sent


def test_once_when_due_then_weekly_until_reviewed(clock, team):
    _workspace, ana, ben, journey = team
    clock.advance(days=121, hours=23, minutes=59)  # 2 July 08:59: not due yet
    assert send_review_reminders() == 0 and reminders_of(ana) == []
    clock.now = dt.datetime(2026, 7, 2, 9, 0, tzinfo=dt.UTC)
    assert send_review_reminders() == 1
    assert send_review_reminders() == 0  # a second beat run, a second worker: nothing more
    (first,) = reminders_of(ana)
    assert JourneyMap.objects.get(id=journey.id).review_reminded_at == clock.now
    (message,) = mails_now(ana, clock)
    assert message.to == ["ana@example.org"] and message.subject == "« Déclarer un sinistre » est à revoir"
    assert f"https://maps.example.org/maps/{journey.id}/?review=1" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://maps.example.org/notifications/unsub")
    # Nobody else hears of it.
    assert Notification.objects.exclude(recipient=ana).count() == 0

    clock.advance(days=6, hours=23, minutes=59)  # the same week
    assert send_review_reminders() == 0 and len(reminders_of(ana)) == 1 and mails_now(ana, clock) == []
    clock.advance(minutes=1)  # a week after the first
    assert send_review_reminders() == 1 and len(reminders_of(ana)) == 2
    assert len(mails_now(ana, clock)) == 1

    answer = APIClient()
    answer.force_authenticate(ben)
    assert answer.post(f"/api/v1/maps/{journey.id}/review/", {"note": "Stages checked"}, format="json"
                       ).status_code == 201
    assert all(n.read_at is not None for n in reminders_of(ana))
    for _week in range(4):
        clock.advance(days=7)
        assert send_review_reminders() == 0
    assert len(reminders_of(ana)) == 2 and mails_now(ana, clock) == []
    # Four months after the review, it is due again.
    clock.now = JourneyMap.objects.get(id=journey.id).reviewed_at + dt.timedelta(days=123)
    assert send_review_reminders() == 1 and len(reminders_of(ana)) == 3
    assert first.map_id == journey.id


def test_the_notification_reads_in_the_recipients_language_and_leads_to_the_review(clock, team):
    _workspace, ana, _ben, journey = team
    clock.advance(days=130)
    send_review_reminders()
    item = notification_item(reminders_of(ana)[0])
    assert item["kind"] == "review_due" and item["comment"] is None and item["thread"] is None
    assert item["url"] == f"/maps/{journey.id}/?review=1"
    listed = APIClient()
    listed.force_authenticate(ana)
    listed.cookies["django_language"] = "en"
    body = listed.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["unread"] == 1 and body["notifications"][0]["summary"] == "« Déclarer un sinistre » is due for review"


def test_mail_off_still_notifies_in_the_app(clock, team):
    _workspace, ana, _ben, _journey = team
    NotificationSettings.objects.filter(user=ana).update(email=EmailMode.OFF)
    clock.advance(days=130)
    assert send_review_reminders() == 1 and len(reminders_of(ana)) == 1
    assert mails_now(ana, clock) == []


def test_no_reminder_for_archived_maps_ownerless_maps_or_an_owner_who_left(clock, team):
    workspace, ana, ben, journey = team
    archived = MapFactory(workspace=workspace, title="Old", owner=ben, archived=True)
    ownerless = MapFactory(workspace=workspace, title="Nobody's", owner=None)
    clock.advance(days=130)
    Membership.objects.filter(user=ana).delete()
    assert send_review_reminders() == 0
    assert Notification.objects.count() == 0
    # Looked at once (recorded), not every hour.
    assert JourneyMap.objects.get(id=journey.id).review_reminded_at == clock.now
    assert JourneyMap.objects.get(id=archived.id).review_reminded_at is None
    assert JourneyMap.objects.get(id=ownerless.id).review_reminded_at is None


def test_an_owner_made_a_viewer_since_is_not_reminded_of_a_review_they_cannot_record(clock, team):
    _workspace, ana, _ben, journey = team
    Membership.objects.filter(user=ana).update(role=Role.VIEWER)
    clock.advance(days=130)
    assert send_review_reminders() == 0
    assert Notification.objects.count() == 0
    # Made an editor again: reminded at the next weekly look.
    Membership.objects.filter(user=ana).update(role=Role.EDITOR)
    assert send_review_reminders() == 0
    clock.advance(days=7)
    assert send_review_reminders() == 1
    assert Notification.objects.get().recipient_id == ana.pk


def test_a_shorter_interval_makes_it_due_sooner(clock, team):
    _workspace, ana, _ben, journey = team
    JourneyMap.objects.filter(id=journey.id).update(review_every_months=1)
    clock.advance(days=30)  # 1 April 09:00 is before 2 April 09:00
    assert send_review_reminders() == 0
    clock.advance(days=1)
    assert send_review_reminders() == 1
