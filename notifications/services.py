"""Writes for notifications: who is told what about a comment, marking read, the
per-person mail setting.

``comment_notify`` is the one entrance for comments: the discussion app's hook
calls it (see ``notifications.receivers``), and so can anything else that writes
comments. It runs inside the comment's transaction, so notifications commit or
vanish with the comment; the socket frame and the mail are scheduled on commit.
``review_due_notify`` is the entrance for review reminders, the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from maps.models import JourneyMap, Membership
from maps.realtime import send_to_user
from notifications.models import EmailMode, Kind, MailState, Notification, NotificationSettings
from notifications.selectors import notification_item, unread_count

EXCERPT_LENGTH = 280
# The comment events that notify anyone; reopening tells nobody, deleting takes
# the comment's notifications back.
NOTIFYING_EVENTS = ("created", "replied", "edited", "resolved")


@dataclass(frozen=True)
class CommentEvent:
    """What the discussion app tells us about one comment write."""

    event: str  # created (a new thread), replied, edited, resolved, reopened, deleted
    map_id: Any
    comment_id: Any
    thread_id: Any
    thread_author_id: int | None
    actor: Any  # the user who wrote
    body: str = ""
    anchor: dict[str, Any] = field(default_factory=dict)
    # Workspace members this write newly mentions (never the actor).
    mentioned_user_ids: Collection[int] = ()


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= EXCERPT_LENGTH else f"{text[:EXCERPT_LENGTH - 1]}…"


def _recipients(event: CommentEvent) -> dict[int, str]:
    """Who is told, and why: a mention outweighs a reply to one's thread."""
    wanted: dict[int, str] = {}
    if event.event == "resolved":
        if event.thread_author_id:
            wanted[event.thread_author_id] = Kind.RESOLVED
        return wanted
    if event.event == "replied" and event.thread_author_id:
        wanted[event.thread_author_id] = Kind.REPLY
    for user_id in event.mentioned_user_ids:
        wanted[int(user_id)] = Kind.MENTION
    return wanted


@transaction.atomic
def comment_notify(event: CommentEvent) -> list[Notification]:
    """Notify the people a comment write concerns: the mentioned (``mention``), the
    thread's author when someone replies (``reply``) or resolves it
    (``resolved``). Never the actor, never anyone outside the map's workspace.
    Repeating an event notifies nobody twice."""
    if event.event == "deleted":
        _forget_comment(event.comment_id)
        return []
    if event.event == "edited":
        # What the notifications quote follows the comment's text.
        Notification.objects.filter(comment_id=event.comment_id).update(excerpt=_excerpt(event.body))
    if event.event not in NOTIFYING_EVENTS:
        return []
    journey_map = JourneyMap.objects.filter(id=event.map_id).only("id", "workspace_id").first()
    if journey_map is None:
        return []
    wanted = _recipients(event)
    wanted.pop(getattr(event.actor, "pk", None), None)
    members = set(Membership.objects.filter(workspace_id=journey_map.workspace_id, user_id__in=wanted)
                  .values_list("user_id", flat=True))
    actor_name = ""
    if event.actor is not None:
        actor_name = event.actor.get_full_name() or event.actor.get_username()
    created: list[Notification] = []
    for user_id, kind in wanted.items():
        if user_id not in members:
            continue
        notification, fresh = Notification.objects.get_or_create(
            recipient_id=user_id, comment_id=event.comment_id, kind=kind,
            defaults={"actor": event.actor, "actor_name": actor_name, "map_id": journey_map.id,
                      "thread_id": event.thread_id, "anchor": event.anchor, "excerpt": _excerpt(event.body)},
        )
        if fresh:
            created.append(notification)
            _plan_mail(user_id)
    for notification in created:
        transaction.on_commit(lambda n=notification: _announce(n))
    return created


def _forget_comment(comment_id: Any) -> None:
    """A deleted comment's words leave the inboxes (and the mails not sent yet)."""
    rows = Notification.objects.filter(comment_id=comment_id)
    recipients = set(rows.values_list("recipient_id", flat=True))
    rows.delete()
    for user_id in recipients:
        transaction.on_commit(lambda u=user_id: send_to_user(u, {
            "type": "notification", "event": "read", "unread": unread_count(user_id=u)}))


def _announce(notification: Notification) -> None:
    """The ``notification`` frame, to every socket the recipient has open."""
    notification = Notification.objects.select_related("map", "workspace").get(id=notification.id)
    # In the recipient's language, not the writer's (whose request this is).
    language = NotificationSettings.objects.filter(user_id=notification.recipient_id).values_list(
        "language", flat=True).first() or settings.LANGUAGE_CODE
    with translation.override(language):
        item = notification_item(notification)
    send_to_user(notification.recipient_id, {
        "type": "notification", "event": "created", "notification": item,
        "unread": unread_count(user_id=notification.recipient_id),
    })


def workspace_notice(*, recipient_id: Any, workspace_id: Any, kind: str, details: dict[str, Any],
                     link: str) -> Notification:
    """A notice about a workspace rather than a comment (``Kind.HOOK_OFF``): in the
    bell at once, in the recipient's language; never in a digest (whoever sends
    it mails on its own, at once)."""
    notification = Notification.objects.create(recipient_id=recipient_id, kind=kind, workspace_id=workspace_id,
                                               anchor=details, link=link, mail_state=MailState.SKIPPED)
    transaction.on_commit(lambda: _announce(notification))
    return notification


def _digest_delay() -> dt.timedelta:
    return dt.timedelta(minutes=settings.NOTIFY_DIGEST_MINUTES)


def _plan_mail(user_id: int) -> None:
    """Decide when the recipient's next mail goes, under their settings row's lock.

    Instant: now. Digest: ``NOTIFY_DIGEST_MINUTES`` after the first notification
    that found no digest waiting, so mails go at most that often (the next one can
    only be planned after this one went). Off: never (the row is skipped when the
    queue is next looked at).
    """
    from notifications.mail import enqueue_mail

    prefs, _created = NotificationSettings.objects.select_for_update().get_or_create(user_id=user_id)
    if prefs.email == EmailMode.OFF:
        return
    if prefs.email == EmailMode.INSTANT:
        transaction.on_commit(lambda: enqueue_mail(user_id, delay=0.0))
        return
    if prefs.digest_due_at is not None:
        return  # a digest is already waiting: this notification joins it
    due = timezone.now() + _digest_delay()
    if prefs.last_mailed_at is not None:
        due = max(due, prefs.last_mailed_at + _digest_delay())
    prefs.digest_due_at = due
    prefs.save(update_fields=["digest_due_at"])
    delay = max(0.0, (due - timezone.now()).total_seconds())
    transaction.on_commit(lambda: enqueue_mail(user_id, delay=delay))


def notifications_mark_read(*, user: Any, ids: Collection[str] | None = None, everything: bool = False) -> int:
    """Mark some (or all) of ``user``'s notifications read; others' ids are ignored.
    Returns how many changed. The user's other tabs hear the new count."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not everything:
        rows = rows.filter(id__in=list(ids or ()))
    changed = rows.update(read_at=timezone.now())
    if changed:
        user_id = user.pk
        transaction.on_commit(lambda: send_to_user(user_id, {
            "type": "notification", "event": "read", "unread": unread_count(user_id=user_id)}))
    return changed


def notification_settings_update(*, user: Any, email: str) -> NotificationSettings:
    with transaction.atomic():
        prefs, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        changed = []
        if email != prefs.email:
            prefs.email = email
            changed.append("email")
            if email != EmailMode.DIGEST and prefs.digest_due_at is not None:
                # Switching to instant sends what waits at once; to off, never.
                prefs.digest_due_at = None
                changed.append("digest_due_at")
        if changed:
            prefs.save(update_fields=changed)
        if "email" in changed and email == EmailMode.OFF:
            Notification.objects.filter(recipient=user, mail_state=MailState.PENDING).update(
                mail_state=MailState.SKIPPED)
        if "email" in changed and email == EmailMode.INSTANT:
            from notifications.mail import enqueue_mail

            user_id = user.pk
            transaction.on_commit(lambda: enqueue_mail(user_id, delay=0.0))
    return prefs


def notification_settings_seen(*, user: Any, language: str, origin: str) -> None:
    """Remember the language and address the person uses the app in (for mails).
    Cheap when nothing changed: one read."""
    prefs = NotificationSettings.objects.filter(user=user).values("language", "seen_origin").first()
    language = language if language in dict(settings.LANGUAGES) else ""
    if prefs is not None and prefs["seen_origin"] == origin and (prefs["language"] == language or not language):
        return
    values = {"seen_origin": origin[:200], **({"language": language} if language else {})}
    NotificationSettings.objects.update_or_create(user=user, defaults=values)


def review_due_notify(*, map_id: Any, recipient_id: int) -> Notification:
    """Tell ``recipient_id`` (the map's owner) that the map is due for review: in
    the app at once, by mail per their setting (instant, digest or off). The caller
    decides when (``reviews.reminders``, under the map's lock) and calls this
    inside its transaction, so the reminder and its record commit together."""
    notification = Notification.objects.create(recipient_id=recipient_id, kind=Kind.REVIEW_DUE, map_id=map_id)
    _plan_mail(recipient_id)
    transaction.on_commit(lambda: _announce(notification))
    return notification


def review_due_settle(*, map_id: Any) -> int:
    """The map was reviewed: its unread review reminders are read (answered), and a
    mail not sent yet leaves them out. Returns how many."""
    rows = Notification.objects.filter(map_id=map_id, kind=Kind.REVIEW_DUE, read_at__isnull=True)
    recipients = set(rows.values_list("recipient_id", flat=True))
    changed = rows.update(read_at=timezone.now())
    for user_id in recipients:
        transaction.on_commit(lambda u=user_id: send_to_user(u, {
            "type": "notification", "event": "read", "unread": unread_count(user_id=u)}))
    return changed
