"""What the Integrations page reads: each hook with its state and latest
deliveries, and the actors a hook can leave out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from integrations.models import Delivery, ServiceToken, Webhook
from integrations.selectors import webhook_deliveries, workspace_webhooks
from maps.models import Membership

LOG_ROWS = 20


@dataclass
class HookRow:
    hook: Webhook
    deliveries: list[Delivery]
    excluded: set[str]
    open_log: bool
    overlap_until: Any = None
    last: Delivery | None = field(default=None)
    last_is_recent: bool = False  # under a minute ago: "just now", not "0 minutes ago"


@dataclass
class ActorChoice:
    value: str  # "user:<id>" or "service_token:<uuid>", as the form posts it
    name: str
    kind: str  # "person" or "token"


def hook_rows(workspace: Any, open_log: str = "") -> list[HookRow]:
    rows = []
    now = timezone.now()
    for hook in workspace_webhooks(workspace):
        deliveries = list(webhook_deliveries(hook)[:LOG_ROWS])
        live_until = hook.previous_secret_until if hook.previous_secret_until and \
            hook.previous_secret_until > now else None
        rows.append(HookRow(hook=hook, deliveries=deliveries, open_log=open_log == str(hook.id),
                            excluded={f"{e['type']}:{e['id']}" for e in hook.exclude_actors or []},
                            overlap_until=live_until, last=deliveries[0] if deliveries else None,
                            last_is_recent=bool(deliveries) and (now - deliveries[0].created_at).total_seconds() < 60))
    return rows


def actor_choices(workspace: Any) -> list[ActorChoice]:
    """The workspace's people, then its service tokens (whose accounts are no people)."""
    people = (Membership.objects.filter(workspace=workspace, user__service_token__isnull=True)
              .select_related("user").order_by("user__username"))
    choices = [ActorChoice(f"user:{m.user_id}", m.user.get_full_name() or m.user.get_username(), "person")
               for m in people]
    choices += [ActorChoice(f"service_token:{t.id}", t.name, "token")
                for t in ServiceToken.objects.filter(workspace=workspace).order_by("name")]
    return choices
