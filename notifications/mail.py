"""Mail for notifications: one message per person holding every notification not
mailed yet, in their language, with a plain-text and an HTML part and an
unsubscribe link.

Sending happens under the person's settings row lock, and the notifications are
marked sent in the same transaction as the send: a mail server that fails rolls
everything back and the task retries later with the same notifications (never a
second copy of one already sent); two workers never mail the same notifications.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from maps.models import Membership
from notifications.models import EmailMode, MailState, Notification, NotificationSettings
from notifications.selectors import anchor_path, describe

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = value.get("u") if isinstance(value, dict) else None
    return user_id if isinstance(user_id, int) else None


def _base_url(prefs: NotificationSettings) -> str:
    return (settings.PUBLIC_URL or prefs.seen_origin or "http://localhost:8000").rstrip("/")


def _message(user: Any, prefs: NotificationSettings, notifications: list[Notification]) -> EmailMultiAlternatives:
    base = _base_url(prefs)
    unsubscribe = base + reverse("notifications-unsubscribe", args=[unsubscribe_token(user.pk)])
    with translation.override(prefs.language or settings.LANGUAGE_CODE):
        items = [{"summary": describe(n), "excerpt": n.excerpt, "url": base + anchor_path(n)} for n in notifications]
        count = len(items)
        subject = (items[0]["summary"] if count == 1 else
                   ngettext("%(count)d new notification on Journeymap", "%(count)d new notifications on Journeymap",
                            count) % {"count": count})
        context = {"items": items, "name": user.get_full_name() or user.get_username(),
                   "unsubscribe_url": unsubscribe, "settings_url": base + reverse("notifications-page"),
                   "language": prefs.language or settings.LANGUAGE_CODE}
        text = render_to_string("notifications/mail/digest.txt", context)
        html = render_to_string("notifications/mail/digest.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email], headers={
        # One-click unsubscribe (RFC 8058): mail clients show their own button.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })
    message.attach_alternative(html, "text/html")
    return message


def mail_pending(*, user_id: int, now: Any = None) -> int:
    """Mail ``user_id`` what is waiting for them, if it is time; returns how many
    notifications the mail held. A digest asked for before it is due does nothing
    (the task that is due will send it)."""
    now = now or timezone.now()
    with transaction.atomic():
        prefs = NotificationSettings.objects.select_for_update().filter(user_id=user_id).select_related(
            "user").first()
        if prefs is None:
            return 0
        if prefs.email == EmailMode.DIGEST and prefs.digest_due_at is not None and prefs.digest_due_at > now:
            return 0
        # Only the notification rows are locked: the map is joined on a nullable key
        # (workspace notices have none), which FOR UPDATE cannot lock.
        pending = list(Notification.objects.select_for_update(of=("self",)).filter(
            recipient_id=user_id, mail_state=MailState.PENDING, created_at__lte=now,
        ).select_related("map").order_by("created_at", "id"))
        member_of = set(Membership.objects.filter(user_id=user_id).values_list("workspace_id", flat=True))
        user = prefs.user
        # Workspace notices are mailed on their own when they happen, never in a digest.
        to_send = [n for n in pending if n.read_at is None and n.map is not None and n.map.workspace_id in member_of]
        if prefs.email == EmailMode.OFF or not user.email or not user.is_active:
            to_send = []
        if to_send:
            _message(user, prefs, to_send).send()  # raises: nothing below happens, all rolls back
        sent_ids = {n.id for n in to_send}
        Notification.objects.filter(id__in=sent_ids).update(mail_state=MailState.SENT, mailed_at=now)
        Notification.objects.filter(id__in=[n.id for n in pending if n.id not in sent_ids]).update(
            mail_state=MailState.SKIPPED)
        prefs.digest_due_at = None
        if to_send:
            prefs.last_mailed_at = now
        prefs.save(update_fields=["digest_due_at", "last_mailed_at"])
    return len(to_send)


def due_mail_user_ids(*, now: Any = None) -> list[int]:
    """Who should have had a mail by now: digests past due, and instant mails whose
    task was lost (a broker restart) a while ago."""
    now = now or timezone.now()
    digests = NotificationSettings.objects.filter(email=EmailMode.DIGEST, digest_due_at__lte=now)
    instant = Notification.objects.filter(
        mail_state=MailState.PENDING, created_at__lte=now - dt.timedelta(minutes=2),
        recipient__notification_settings__email=EmailMode.INSTANT)
    return sorted(set(digests.values_list("user_id", flat=True)) | set(instant.values_list("recipient_id", flat=True)))


def send_due_mails() -> int:
    """The periodic job (``journeymap.periodic``): hand every mail that is due to a
    worker, or send it here when there is none. Returns how many people."""
    user_ids = due_mail_user_ids()
    for user_id in user_ids:
        if settings.NOTIFY_MAIL_IN_PROCESS:
            _mail_in_process(user_id)
        else:
            enqueue_mail(user_id, delay=0.0)
    return len(user_ids)


def enqueue_mail(user_id: int, *, delay: float) -> None:
    """Have ``mail_pending`` run for ``user_id`` in ``delay`` seconds: on a Celery
    worker, or without Redis on a timer thread of this process."""
    if settings.NOTIFY_MAIL_IN_PROCESS:
        timer = threading.Timer(delay, _mail_in_process, args=(user_id,))
        timer.daemon = True
        timer.start()
        return
    from notifications.tasks import send_notification_mail_task

    try:
        send_notification_mail_task.apply_async(args=[user_id], countdown=delay,
                                                queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:
        # The comment is written; the periodic job sends what is due once the broker is back.
        logger.warning("could not queue the notification mail of user %s", user_id, exc_info=True)


def _mail_in_process(user_id: int) -> None:
    close_old_connections()
    try:
        mail_pending(user_id=user_id)
    except Exception:
        # Without a worker there is no retry queue: the notifications stay pending
        # and go with the person's next mail.
        logger.warning("notification mail to user %s failed", user_id, exc_info=True)
    finally:
        close_old_connections()
