"""Notification mail, composed and sent in process through Django's locmem backend:
the digest holds each notification once, in the recipient's language, with a text
and an HTML part and an unsubscribe link; a failing mail server sends nothing and
marks nothing, so the retry sends the same notifications once.

People as in conftest: Ana, Ben, Chloé (a viewer), Omar (an outsider).
"""

from __future__ import annotations

import datetime as dt
import smtplib
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from notifications.mail import mail_pending, unsubscribe_token
from notifications.models import MailState, Notification, NotificationSettings
from tests.notifications.mailbox import parts, read_mailbox

pytestmark = pytest.mark.django_db
LATER = dt.timedelta(minutes=11)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL = "https://maps.example.org"
    settings.NOTIFY_DIGEST_MINUTES = 10


def test_a_digest_waits_then_holds_every_notification_once(room):
    room.comment("created", room.ana, mentions=(room.ben,), body="Look at the delivery card")
    room.comment("replied", room.chloe, thread_author=room.ben, body="Agreed")
    prefs = NotificationSettings.objects.get(user=room.ben)
    assert prefs.digest_due_at is not None

    assert mail_pending(user_id=room.ben.pk) == 0  # not due yet
    assert mail.outbox == []
    assert mail_pending(user_id=room.ben.pk, now=timezone.now() + LATER) == 2
    assert mail_pending(user_id=room.ben.pk, now=timezone.now() + 2 * LATER) == 0  # nothing twice
    (message,) = mail.outbox
    assert message.to == ["ben@example.org"]
    assert message.subject == "2 new notifications on Journeymap"
    assert "Ana Lopez mentioned you on « Delivery journey »" in message.body
    assert "Chloé Dubois replied to your thread on « Delivery journey »" in message.body
    assert message.body.count("Look at the delivery card") == 1
    html, kind = message.alternatives[0]
    assert kind == "text/html" and html.count("Look at the delivery card") == 1
    assert f"https://maps.example.org/maps/{room.map.id}/?comment=" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://maps.example.org/notifications/unsubscribe/")
    assert set(Notification.objects.values_list("mail_state", flat=True)) == {MailState.SENT}


def test_the_author_of_a_comment_is_never_mailed_about_it(room):
    room.comment("created", room.ana, mentions=(room.ana, room.ben))
    assert not NotificationSettings.objects.filter(user=room.ana).exists()
    assert mail_pending(user_id=room.ana.pk, now=timezone.now() + LATER) == 0
    mail_pending(user_id=room.ben.pk, now=timezone.now() + LATER)
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]


def test_the_mail_is_in_the_recipients_language(room):
    NotificationSettings.objects.create(user=room.ben, language="fr")
    room.comment("resolved", room.ana, thread_author=room.ben)
    mail_pending(user_id=room.ben.pk, now=timezone.now() + LATER)
    (message,) = mail.outbox
    assert message.subject == "Ana Lopez a résolu votre fil sur « Delivery journey »"
    assert "Bonjour Ben Martin," in message.body and "Ne plus recevoir ces e-mails" in message.body
    assert 'lang="fr"' in message.alternatives[0][0]


def test_instant_mails_go_at_once_and_off_never(room):
    NotificationSettings.objects.create(user=room.ben, email="instant")
    NotificationSettings.objects.create(user=room.chloe, email="off")
    room.comment("created", room.ana, mentions=(room.ben, room.chloe))
    assert mail_pending(user_id=room.ben.pk) == 1
    assert mail_pending(user_id=room.chloe.pk, now=timezone.now() + LATER) == 0
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert Notification.objects.get(recipient=room.chloe).mail_state == MailState.SKIPPED


def test_what_was_read_in_the_app_or_about_a_workspace_left_is_not_mailed(room):
    room.comment("created", room.ana, mentions=(room.ben,), body="Read already")
    Notification.objects.filter(recipient=room.ben).update(read_at=timezone.now())
    room.comment("created", room.chloe, mentions=(room.ben,), body="Still unread")
    mail_pending(user_id=room.ben.pk, now=timezone.now() + LATER)
    assert "Still unread" in mail.outbox[0].body and "Read already" not in mail.outbox[0].body


def test_digests_go_at_most_every_digest_period(room):
    start = timezone.now()
    room.comment("created", room.ana, mentions=(room.ben,))
    first_due = NotificationSettings.objects.get(user=room.ben).digest_due_at
    assert dt.timedelta(minutes=9) < first_due - start <= dt.timedelta(minutes=10, seconds=5)
    room.comment("created", room.chloe, mentions=(room.ben,))  # joins the waiting digest
    assert NotificationSettings.objects.get(user=room.ben).digest_due_at == first_due
    mail_pending(user_id=room.ben.pk, now=first_due)
    room.comment("created", room.chloe, mentions=(room.ben,))
    second_due = NotificationSettings.objects.get(user=room.ben).digest_due_at
    assert second_due - first_due >= dt.timedelta(minutes=9)
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_marks_nothing_and_the_retry_sends_each_notification_once(room, settings, tmp_path):
    settings.EMAIL_BACKEND = "tests.notifications.mailbox.FlakyFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    (tmp_path / "fail-next").write_text("1")
    room.comment("created", room.ana, mentions=(room.ben,), body="Only once please")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail_pending(user_id=room.ben.pk, now=timezone.now() + LATER)
    assert Notification.objects.get(recipient=room.ben).mail_state == MailState.PENDING
    assert read_mailbox(tmp_path) == []
    assert mail_pending(user_id=room.ben.pk, now=timezone.now() + LATER) == 1
    assert mail_pending(user_id=room.ben.pk, now=timezone.now() + 2 * LATER) == 0
    (message,) = read_mailbox(tmp_path)
    assert parts(message)["text/plain"].count("Only once please") == 1


def test_mail_bodies_escape_what_people_wrote(room):
    room.ben.first_name, room.ben.last_name = "<b>Ben</b>", ""
    room.ben.save()
    room.map.title = "<script>alert(1)</script>"
    room.map.save()
    room.comment("created", room.ben, mentions=(room.ana,), body='<img src=x onerror="alert(2)">')
    mail_pending(user_id=room.ana.pk, now=timezone.now() + LATER)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "<img" not in html and "<b>Ben" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html
    # The plain-text part is text: what people wrote, as they wrote it.
    assert '<img src=x onerror="alert(2)">' in mail.outbox[0].body


def test_the_unsubscribe_link_turns_mail_off_after_a_confirmation(room):
    room.comment("created", room.ana, mentions=(room.ben,))
    url = f"/notifications/unsubscribe/{unsubscribe_token(room.ben.pk)}/"
    page = Client().get(url)
    assert page.status_code == 200 and b"Stop mailing notifications to ben?" in page.content
    assert NotificationSettings.objects.get(user=room.ben).email == "digest"  # a GET changes nothing
    assert Client(enforce_csrf_checks=True).post(url).status_code == 200  # one-click, no cookie
    assert NotificationSettings.objects.get(user=room.ben).email == "off"
    assert Notification.objects.get(recipient=room.ben).mail_state == MailState.SKIPPED
    assert Client().get(f"/notifications/unsubscribe/{uuid.uuid4()}/").status_code == 404
    assert Client().post(f"/notifications/unsubscribe/{unsubscribe_token(room.ben.pk)}x/").status_code == 404
