"""Notification mail through a real Celery worker (``celery -A journeymap worker``)
on Redis: the digest is queued when a comment is written and mailed once it is
due; a mail server that fails is retried by the worker, and the mail that finally
goes holds each notification once.

People as in conftest: Ana (writes), Ben (mentioned), Chloé (replies).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from notifications.models import MailState, Notification
from tests.notifications.conftest import make_room
from tests.notifications.mailbox import parts, read_mailbox
from tests.workers import worker_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(tmp_path, monkeypatch):
    """The worker's mail server: a folder (which can be told to fail). Set in the
    environment before the worker fixture reads it."""
    folder = Mailbox(tmp_path / "mailbox")
    folder.mkdir()
    monkeypatch.setenv("EMAIL_BACKEND", "tests.notifications.mailbox.FlakyFileBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(folder))
    monkeypatch.setenv("PUBLIC_URL", "https://maps.example.org")
    return folder


@pytest.fixture
def mail_worker(mailbox, worker_factory, settings):  # noqa: F811
    settings.NOTIFY_MAIL_IN_PROCESS = False
    settings.NOTIFY_DIGEST_MINUTES = 0.05  # 3 seconds
    mailbox.worker = worker_factory()
    return mailbox


class Mailbox(type(Path())):  # a Path that also knows the worker, for its log
    worker = None


def wait_for_mail(mailbox, count: int, timeout: float = 40.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = read_mailbox(mailbox)
        if len(messages) >= count:
            return messages
        time.sleep(0.2)
    log = "\n".join(mailbox.worker.lines[-30:]) if mailbox.worker else ""
    raise AssertionError(f"{len(read_mailbox(mailbox))} mails after {timeout} s, expected {count}\n{log}")


def test_the_worker_mails_one_digest_in_the_recipients_language(mail_worker):
    room = make_room()
    from notifications.models import NotificationSettings

    NotificationSettings.objects.create(user=room.ben, language="fr")
    started = time.monotonic()
    room.comment("created", room.ana, mentions=(room.ben,), body="Regarde la carte livraison")
    room.comment("replied", room.chloe, thread_author=room.ben, body="D’accord")
    (message,) = wait_for_mail(mail_worker, 1)
    assert time.monotonic() - started >= 2.5  # a digest waits for its period
    assert message["To"] == "ben@example.org"
    assert message["Subject"] == "2 nouvelles notifications sur Journeymap"
    assert message["List-Unsubscribe"].strip().startswith("<https://maps.example.org/notifications/unsubscribe/")
    text, html = parts(message)["text/plain"], parts(message)["text/html"]
    assert "Ana Lopez vous a mentionné sur « Delivery journey »" in text
    assert text.count("Regarde la carte livraison") == 1 and html.count("Regarde la carte livraison") == 1
    assert "Chloé Dubois a répondu à votre fil" in html
    time.sleep(4)
    assert len(read_mailbox(mail_worker)) == 1  # nothing twice
    assert set(Notification.objects.values_list("mail_state", flat=True)) == {MailState.SENT}


def test_a_failing_mail_server_is_retried_without_duplicates(mail_worker):
    room = make_room()
    (mail_worker / "fail-next").write_text("2")
    room.comment("created", room.ana, mentions=(room.ben,), body="Only once")
    (message,) = wait_for_mail(mail_worker, 1, timeout=90)
    assert (mail_worker / "fail-next").read_text() == "0"  # it failed twice first
    assert parts(message)["text/plain"].count("Only once") == 1
    time.sleep(3)
    assert len(read_mailbox(mail_worker)) == 1
    assert Notification.objects.get().mail_state == MailState.SENT
