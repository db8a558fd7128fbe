"""Who is notified of what, through ``comment_notify`` (the discussion hook's entrance)."""

from __future__ import annotations

import uuid

import pytest

from notifications.models import Notification

pytestmark = pytest.mark.django_db


def kinds(room) -> list[tuple[str, str]]:
    return sorted((n.recipient.username, n.kind) for n in Notification.objects.select_related("recipient"))


def test_a_mention_notifies_the_mentioned_member_and_never_the_author(room):
    made = room.comment("created", room.ana, mentions=(room.ben, room.ana))
    assert [(n.recipient, n.kind) for n in made] == [(room.ben, "mention")]
    assert made[0].actor_name == "Ana Lopez" and made[0].excerpt == "Can you check this?"


def test_a_mention_of_someone_outside_the_workspace_notifies_nobody(room):
    assert room.comment("created", room.ana, mentions=(room.omar,)) == []
    assert Notification.objects.count() == 0


def test_a_reply_notifies_the_threads_author_and_a_mention_counts_once(room):
    thread = uuid.uuid4()
    room.comment("replied", room.ben, thread_author=room.ana, thread_id=thread)
    room.comment("replied", room.chloe, thread_author=room.ana, thread_id=thread, mentions=(room.ana,))
    assert kinds(room) == [("ana", "mention"), ("ana", "reply")]


def test_replying_in_ones_own_thread_notifies_nobody(room):
    assert room.comment("replied", room.ana, thread_author=room.ana) == []


def test_resolving_someone_elses_thread_tells_its_author(room):
    room.comment("resolved", room.ben, thread_author=room.ana, mentions=(room.chloe,))
    assert kinds(room) == [("ana", "resolved")]  # a resolution mentions nobody
    assert room.comment("resolved", room.ana, thread_author=room.ana) == []


def test_reopening_and_deleting_notify_nobody(room):
    assert room.comment("reopened", room.ben, thread_author=room.ana) == []
    assert room.comment("deleted", room.ben, thread_author=room.ana, mentions=(room.chloe,)) == []


def test_the_same_event_twice_notifies_once(room):
    comment = uuid.uuid4()
    room.comment("created", room.ana, mentions=(room.ben,), comment_id=comment)
    room.comment("edited", room.ana, mentions=(room.ben,), comment_id=comment)
    assert kinds(room) == [("ben", "mention")]


def test_long_bodies_are_cut_in_the_excerpt(room):
    (made,) = room.comment("created", room.ana, mentions=(room.ben,), body="word " * 3000)
    assert len(made.excerpt) == 280 and made.excerpt.endswith("…")


def test_editing_a_comment_updates_what_its_notifications_quote_and_deleting_it_takes_them_back(room):
    comment = uuid.uuid4()
    room.comment("created", room.ana, mentions=(room.ben,), body="Draft words", comment_id=comment)
    room.comment("edited", room.ana, body="Better words", comment_id=comment)
    assert Notification.objects.get().excerpt == "Better words"
    room.comment("deleted", room.ana, comment_id=comment)
    assert Notification.objects.count() == 0
