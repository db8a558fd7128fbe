"""Review reminders through real Celery workers on Redis, as beat sends them
(``journeymap.periodic.run_job``): several runs on two workers at once still
remind the owner once per due week (one notification, one mail), and a review
stops them.

The workers run on the real clock, so time is moved in the data instead: the map
was made five months ago, and "a week later" is the last reminder moved back a week.
"""

from __future__ import annotations

import datetime as dt
import time
from email.header import decode_header, make_header

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from journeymap.tasks import run_job
from maps.models import JourneyMap, Role
from notifications.models import Kind, Notification, NotificationSettings
from tests.factories import MapFactory, MembershipFactory, UserFactory, WorkspaceFactory
from tests.notifications.mailbox import read_mailbox
from tests.workers import wait_for, worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
JOB = "reviews.reminders.send_review_reminders"


@pytest.fixture
def mailbox(tmp_path, monkeypatch):
    folder = tmp_path / "mailbox"
    folder.mkdir()
    monkeypatch.setenv("EMAIL_BACKEND", "tests.notifications.mailbox.FlakyFileBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(folder))
    monkeypatch.setenv("PUBLIC_URL", "https://maps.example.org")
    monkeypatch.setenv("NOTIFY_DIGEST_MINUTES", "0.05")  # the workers' digests wait 3 s
    return folder


def beat(settings, runs: int) -> None:
    """What beat does, ``runs`` times at once: the job sent to whichever worker takes it."""
    for _ in range(runs):
        run_job.apply_async(args=[JOB], queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def reminders(journey_map) -> int:
    return Notification.objects.filter(map=journey_map, kind=Kind.REVIEW_DUE).count()


def settle(predicate, seconds: float = 30.0) -> None:
    assert wait_for(predicate, seconds), "the workers did not get there"
    time.sleep(4)  # long enough for a duplicate (a second digest) to show up


def test_workers_remind_once_per_week_and_stop_after_a_review(mailbox, worker_factory, settings):  # noqa: F811
    settings.NOTIFY_MAIL_IN_PROCESS = False
    worker_factory()
    worker_factory()
    workspace = WorkspaceFactory(name="Acme CX")
    ana = UserFactory(username="ana", first_name="Ana", email="ana@example.org")
    ben = UserFactory(username="ben", first_name="Ben", email="ben@example.org")
    MembershipFactory(workspace=workspace, user=ana, role=Role.OWNER)
    MembershipFactory(workspace=workspace, user=ben, role=Role.EDITOR)
    NotificationSettings.objects.create(user=ana, language="fr")
    journey = MapFactory(workspace=workspace, title="Déclarer un sinistre", owner=ana)
    JourneyMap.objects.filter(id=journey.id).update(created_at=timezone.now() - dt.timedelta(days=150))

    beat(settings, 6)
    settle(lambda: len(read_mailbox(mailbox)) >= 1)
    assert reminders(journey) == 1
    (message,) = read_mailbox(mailbox)
    assert message["To"] == "ana@example.org" and subject(message) == "« Déclarer un sinistre » est à revoir"

    beat(settings, 4)  # the same week: nothing
    time.sleep(6)
    assert reminders(journey) == 1 and len(read_mailbox(mailbox)) == 1

    reminded = JourneyMap.objects.get(id=journey.id).review_reminded_at
    JourneyMap.objects.filter(id=journey.id).update(review_reminded_at=reminded - dt.timedelta(days=7))
    beat(settings, 4)  # a week later
    settle(lambda: len(read_mailbox(mailbox)) >= 2)
    assert reminders(journey) == 2 and len(read_mailbox(mailbox)) == 2

    client = APIClient()
    client.force_authenticate(ben)
    assert client.post(f"/api/v1/maps/{journey.id}/review/", {}, format="json").status_code == 201
    JourneyMap.objects.filter(id=journey.id).update(reviewed_at=timezone.now() - dt.timedelta(days=30))
    beat(settings, 4)
    time.sleep(6)
    assert reminders(journey) == 2 and len(read_mailbox(mailbox)) == 2
