"""A mail backend for tests that cross processes (a Celery worker): every message
is written to a file of its own in ``EMAIL_FILE_PATH``, and the mail server can
be told to fail the next N connections (a file ``fail-next`` holding N)."""

from __future__ import annotations

import email
import os
import smtplib
import uuid
from email.message import Message
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class FlakyFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        # A worker started by a test gets the folder through its environment.
        folder = Path(getattr(settings, "EMAIL_FILE_PATH", None) or os.environ["EMAIL_FILE_PATH"])
        failures = folder / "fail-next"
        if failures.exists():
            remaining = int(failures.read_text() or 0)
            if remaining > 0:
                failures.write_text(str(remaining - 1))
                raise smtplib.SMTPServerDisconnected("the mail server went away")
        for message in email_messages:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)


def read_mailbox(folder: Path) -> list[Message]:
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def parts(message: Message) -> dict[str, str]:
    """The decoded text parts of a message by type."""
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_type()] = part.get_payload(decode=True).decode(part.get_content_charset())
    return found
