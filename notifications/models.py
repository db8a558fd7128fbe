"""Notifications: what happened to someone's threads, kept per recipient, shown in
the app at once and mailed per the recipient's setting."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    MENTION = "mention", "mention"
    REPLY = "reply", "reply"
    RESOLVED = "resolved", "resolved"
    # A workspace's webhook was switched off after failed deliveries (its owners).
    HOOK_OFF = "hook_off", "webhook switched off"
    # A map the recipient owns is due for review (``reviews.reminders``).
    REVIEW_DUE = "review_due", "review due"


class MailState(models.TextChoices):
    PENDING = "pending", "pending"
    SENT = "sent", "sent"
    # Not mailed: read in the app first, mail off, or no longer a member.
    SKIPPED = "skipped", "skipped"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # The name at the time: it stays readable if the account goes.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    # The map of a comment notification; workspace notifications (a webhook switched
    # off) name their workspace instead, and the page to go to in ``link``.
    map = models.ForeignKey("maps.JourneyMap", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("maps.Workspace", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    link = models.CharField(max_length=300, blank=True, default="")
    # The comment that notified, and its thread (the root comment). No foreign key:
    # the discussion app owns comments and tells us through its hook. Empty for
    # what no comment caused (a review reminder).
    comment_id = models.UUIDField(null=True, blank=True)
    thread_id = models.UUIDField(null=True, blank=True)
    anchor = models.JSONField(default=dict, blank=True)
    excerpt = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail_state = models.CharField(max_length=10, choices=MailState.choices, default=MailState.PENDING)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One notification per person per comment event, however often a hook repeats.
            models.UniqueConstraint(fields=["recipient", "comment_id", "kind"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "mail_state"], name="notification_mail_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class EmailMode(models.TextChoices):
    INSTANT = "instant", "instant"
    DIGEST = "digest", "digest"
    OFF = "off", "off"


class NotificationSettings(models.Model):
    """One row per person who was ever notified or chose a setting."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_settings")
    email = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST)
    # The language mails are written in: the one the person last used the app in.
    language = models.CharField(max_length=8, blank=True, default="")
    # Where the person uses the app (scheme and host), for links in mails when
    # PUBLIC_URL is not configured.
    seen_origin = models.CharField(max_length=200, blank=True, default="")
    # When the pending digest is due (None: nothing waiting); the row is locked while
    # a mail is composed and sent, so two workers never send the same notifications.
    digest_due_at = models.DateTimeField(null=True, blank=True)
    last_mailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"
