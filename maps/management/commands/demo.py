"""Create (or refresh) a demo workspace, a demo map and a login, and print them."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from maps.models import JourneyMap, Membership, Role, Team, Workspace
from maps.services import team_create, workspace_create


class Command(BaseCommand):
    help = "Create a demo workspace with a sample map and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default=None, help="default: a random one, printed")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the app will answer")

    def handle(self, *args, username: str, password: str | None, base_url: str, **options):
        from templates_lib.models import MapTemplate
        from templates_lib.services import ensure_builtin_templates, map_from_template

        ensure_builtin_templates()
        User = get_user_model()
        password = password or secrets.token_urlsafe(9)
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": "Demo"})
        user.set_password(password)
        user.save()

        workspace = Workspace.objects.filter(memberships__user=user, name="Demo workspace").first()
        if workspace is None:
            workspace = workspace_create(name="Demo workspace", owner=user)
            for name, color in (("Marketing", "#db2777"), ("Sales", "#2563eb"), ("Support", "#059669")):
                team_create(workspace=workspace, name=name, color=color)
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
        self.stdout.write(f"  Login    {username} / {password}")
        self.stdout.write(f"  Demo map {base_url}/maps/{journey_map.id}/")


def add_sample_content(journey_map: JourneyMap, user) -> None:
    """A few cards, touchpoints and an emotion curve, so the demo map reads like one."""
    from maps.operations import actor_for, apply, new_id
    from maps.selectors import map_document

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
    apply(map_id=journey_map.id, actor=actor_for(user, journey_map.workspace_id), batch_id="demo:sample",
          ops=ops, max_ops=None)
