"""The dashboard and reviews: cards say "Review due" (and "overdue since" a week
on), and the list sorts with the review due first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from maps.models import JourneyMap
from reviews.schedule import add_months
from tests.factories import MapFactory

pytestmark = pytest.mark.django_db


def aged(journey_map, days: int, *, reviewed_days: int | None = None) -> None:
    now = timezone.now()
    JourneyMap.objects.filter(id=journey_map.id).update(
        created_at=now - dt.timedelta(days=days),
        reviewed_at=None if reviewed_days is None else now - dt.timedelta(days=reviewed_days))


@pytest.fixture
def maps(workspace, owner):
    fresh = MapFactory(workspace=workspace, title="Fresh map", owner=owner)
    due = MapFactory(workspace=workspace, title="Due this week", owner=owner)
    overdue = MapFactory(workspace=workspace, title="Long overdue", owner=owner)
    reviewed = MapFactory(workspace=workspace, title="Reviewed lately", owner=owner)
    aged(due, 125)  # due about three days ago
    aged(overdue, 400)
    aged(reviewed, 400, reviewed_days=20)
    # The latest edited first by default: the overdue map was edited last.
    JourneyMap.objects.filter(id=overdue.id).update(updated_at=timezone.now())
    return {"fresh": fresh, "due": due, "overdue": overdue, "reviewed": reviewed}


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="map-card-title">([^<]+)</h2>', html)


def badge_of(html: str, title: str) -> str:
    card = html.split(f'<h2 class="map-card-title">{title}</h2>')[0].rsplit('<li class="map-card', 1)[1]
    found = re.search(r'<span class="review-badge([^"]*)"[^>]*>([^<]+)</span>', card)
    return f"{found.group(1).strip()}|{found.group(2)}" if found else ""


def test_cards_say_when_the_review_is_due_or_overdue(client, owner, workspace, maps):
    client.force_login(owner)
    html = client.get(f"/?workspace={workspace.id}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert badge_of(html, "Due this week") == "|Review due"
    row = JourneyMap.objects.get(id=maps["overdue"].id)
    due = timezone.localtime(add_months(row.created_at, 4))
    with translation.override("en"):
        expected = f"is-overdue|Review overdue since {date_format(due, 'DATE_FORMAT')}"
    assert badge_of(html, "Long overdue") == expected
    assert badge_of(html, "Fresh map") == "" and badge_of(html, "Reviewed lately") == ""


def test_the_badges_in_french(client, owner, workspace, maps):
    client.force_login(owner)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/?workspace={workspace.id}", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert badge_of(html, "Due this week") == "|Revue à faire"
    assert badge_of(html, "Long overdue").startswith("is-overdue|Revue en retard depuis le ")
    assert "Revue à faire d’abord" in html


def test_sorting_by_review_puts_the_most_overdue_first(client, owner, workspace, maps):
    client.force_login(owner)
    default = titles(client.get(f"/?workspace={workspace.id}").content.decode())
    assert default[0] == "Long overdue"
    by_review = titles(client.get(f"/?workspace={workspace.id}&sort=review").content.decode())
    assert by_review == ["Long overdue", "Due this week", "Reviewed lately", "Fresh map"]
    # A sort it does not know is ignored (the default order); a control character is refused, never a 500.
    assert titles(client.get(f"/?workspace={workspace.id}&sort=due;DROP").content.decode()) == default
    assert client.get(f"/?workspace={workspace.id}&sort=%00bad").status_code == 400


def test_archived_maps_carry_no_review_badge(client, owner, workspace, maps):
    JourneyMap.objects.filter(id=maps["overdue"].id).update(archived=True)
    client.force_login(owner)
    html = client.get(f"/?workspace={workspace.id}&archived=on").content.decode()
    assert titles(html) == ["Long overdue"] and badge_of(html, "Long overdue") == ""
