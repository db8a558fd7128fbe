"""Celery tasks for notification mail: thin, they call ``notifications.mail``."""

from __future__ import annotations

import smtplib

from celery import shared_task


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=5, retry_backoff_max=600,
             retry_jitter=True, max_retries=12)
def send_notification_mail_task(self, user_id: int) -> int:  # type: ignore[no-untyped-def]
    """Mail the person what waits for them. A failing mail server raises, which
    rolls the marks back and retries later with the same notifications."""
    from notifications.mail import mail_pending

    return mail_pending(user_id=user_id)
