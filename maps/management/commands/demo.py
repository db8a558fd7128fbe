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

    def handle(self, *args, username: str, password: str | None, **options):
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
            map_from_template(template=template, workspace=workspace, title="Online order to delivery",
                              goal="Cut complaints about late deliveries", actor_user=user)
        journey_map = JourneyMap.objects.filter(workspace=workspace).order_by("created_at").first()
        self.stdout.write(self.style.SUCCESS("Journeymap demo is ready."))
        self.stdout.write("  Open     http://127.0.0.1:8000/")
        self.stdout.write(f"  Login    {username} / {password}")
        self.stdout.write(f"  Demo map http://127.0.0.1:8000/maps/{journey_map.id}/")
