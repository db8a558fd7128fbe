"""The hook other apps attach to (notifications, activity, webhooks), so the
discussion app never imports them.

``comment_activity`` is sent by every write in ``discussion.services``, *inside*
the write's transaction, after the write: a receiver's own rows (a notification,
an outbox entry) commit or roll back with the comment. Anything that leaves the
process (a socket frame, a mail, a Celery task) must be scheduled by the receiver
with ``transaction.on_commit``.

Keyword arguments (``sender`` is the ``Comment`` class):

- ``event``: ``"created"`` (a new thread), ``"replied"``, ``"edited"``,
  ``"resolved"``, ``"reopened"`` or ``"deleted"``;
- ``comment``: the ``Comment`` written (for ``resolved``/``reopened``, the thread's
  root); its ``map`` and ``parent`` are loaded;
- ``thread``: the thread's root ``Comment`` (the comment itself for a root);
- ``actor``: the user who wrote;
- ``mentioned_user_ids``: ids of the workspace members this write newly mentions
  (for ``edited``, only those the previous text did not mention), never the
  actor; empty for the other events.
"""

from __future__ import annotations

from django.dispatch import Signal

comment_activity = Signal()

EVENTS = ("created", "replied", "edited", "resolved", "reopened", "deleted")
