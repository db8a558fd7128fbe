"""Create (or refresh) a demo workspace, a demo map and a login, and print them.

Running it again keeps the demo person's password: people may have changed it,
and a facilitator who restarts the server mid-workshop must not lock everyone
out. The password it made is kept in STATE_DIR, so the login can be printed again
for as long as it still works; ``--reset-password`` makes a new one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from maps.models import JourneyMap, Membership, Role, Team, Workspace
from maps.operations import new_id
from maps.selectors import map_document
from maps.services import map_edit
from templates_lib.models import MapTemplate
from templates_lib.services import ensure_builtin_templates, map_from_template
from workspaces.services import team_add, workspace_create


class Command(BaseCommand):
    help = "Create a demo workspace with a sample map and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default=None,
                            help="set this password (default: a random one when the login is created)")
        parser.add_argument("--reset-password", action="store_true",
                            help="give the demo login a new random password, even if it exists")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the app will answer")

    def handle(self, *args, username: str, password: str | None, reset_password: bool, base_url: str, **options):
        ensure_builtin_templates()
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": "Demo"})
        if created or password or reset_password or not user.has_usable_password():
            password = password or secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            remember_password(username, password)
        else:
            password = remembered_password(username)
            if password is not None and not user.check_password(password):
                password = None

        workspace = Workspace.objects.filter(memberships__user=user, name="Demo workspace").first()
        if workspace is None:
            workspace = workspace_create(name="Demo workspace", owner=user)
            for name, color in (("Marketing", "#db2777"), ("Sales", "#2563eb"), ("Support", "#059669")):
                team_add(workspace=workspace, name=name, color=color)
            support = Team.objects.get(workspace=workspace, name="Support")
            Membership.objects.filter(workspace=workspace, user=user).update(team=support, role=Role.OWNER)
        if not JourneyMap.objects.filter(workspace=workspace).exists():
            template = MapTemplate.objects.get(workspace=None, key="current_state", language="en")
            journey_map = map_from_template(template=template, workspace=workspace, title="Online order to delivery",
                                            goal="Cut complaints about late deliveries", actor_user=user)
            add_sample_content(journey_map, user)
        journey_map = JourneyMap.objects.filter(workspace=workspace).order_by("created_at").first()
        self.stdout.write(self.style.SUCCESS("Journeymap demo is ready."))
        base_url = base_url.rstrip("/")
        self.stdout.write(f"  Open     {base_url}/")
        if password is not None:
            self.stdout.write(f"  Login    {username} / {password}")
        else:
            # Changed by someone since, or made before this command kept it: left as it is.
            self.stdout.write(f"  Login    {username} (password kept as it is; to set a new one: "
                              f".venv/bin/python manage.py demo --reset-password)")
        self.stdout.write(f"  Demo map {base_url}/maps/{journey_map.id}/")


def _password_file(username: str) -> Path:
    return Path(settings.STATE_DIR) / f"demo-password-{username}"


def remember_password(username: str, password: str) -> None:
    """Keep the password this command made, readable by this user only, so a later
    run can print the login again while it still works."""
    path = _password_file(username)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(password)


def remembered_password(username: str) -> str | None:
    try:
        return _password_file(username).read_text().strip() or None
    except OSError:
        return None


def add_sample_content(journey_map: JourneyMap, user) -> None:
    """A few cards, touchpoints and an emotion curve, so the demo map reads like one."""
    doc = map_document(map_id=journey_map.id)
    stages = [s["id"] for s in doc["stages"]]
    lanes = {lane["kind"]: lane["id"] for lane in reversed(doc["lanes"])}
    text_lanes = [lane["id"] for lane in doc["lanes"] if lane["kind"] == "text"]
    teams = {team["name"]: team["id"] for team in doc["teams"]}
    channels = {channel["key"]: channel["id"] for channel in doc["channels"]}
    cards = [
        (0, 0, "My old kettle broke; I need one before the weekend", "Marketing"),
        (1, 0, "Three sites, three prices: which one can I trust?", "Marketing"),
        (1, 1, "Reads reviews and compares delivery dates", "Sales"),
        (2, 1, "Pays online, gets a confirmation email", "Sales"),
        (3, 0, "Where is my parcel? The tracking page has not moved in two days", "Support"),
        (3, 1, "Calls support, waits 12 minutes", "Support"),
        (4, 0, "It arrived late but works; I would buy again if delivery were reliable", "Support"),
    ]
    ops = [{"op": "create", "entity": "card", "id": new_id(),
            "fields": {"stage": stages[s], "lane": text_lanes[lane], "text": text, "team": teams.get(team)}}
           for s, lane, text, team in cards if s < len(stages) and lane < len(text_lanes)]
    if "touchpoints" in lanes:
        for s, key, title, evaluation in ((0, "social_networks", "Sponsored post", "neutral"),
                                          (1, "review_sites", "Review site", "delight"),
                                          (2, "website", "Checkout", "neutral"),
                                          (3, "call_centre", "Support hotline", "irritant"),
                                          (4, "email", "Satisfaction survey", "neutral")):
            if s < len(stages) and key in channels:
                ops.append({"op": "create", "entity": "touchpoint", "id": new_id(),
                            "fields": {"stage": stages[s], "lane": lanes["touchpoints"], "channel": channels[key],
                                       "title": title, "evaluation": evaluation}})
    if "emotion" in lanes:
        for s, score in enumerate((1, -1, 2, -3, 1, 2)[: len(stages)]):
            ops.append({"op": "create", "entity": "emotion", "id": new_id(),
                        "fields": {"stage": stages[s], "score": score}})
    map_edit(journey_map, user, ops, batch_id="demo:sample", max_ops=None)
