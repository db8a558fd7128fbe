"""The Integrations page of a workspace (owners only): its webhooks with their
delivery logs, and its service tokens. Forms post one action each; the writes
go through integrations.services and integrations.tokens, and the bodies are
checked by the REST serializers, so the page and the API keep one set of rules.
A secret or a token is shown in the answer to the post that made it, once."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from integrations.actors import UnknownActors
from integrations.models import EVENTS, Delivery, ServiceToken, Webhook
from integrations.page import actor_choices, hook_rows
from integrations.serializers import MAX_OVERLAP_HOURS, WebhookWriteSerializer
from integrations.services import (
    delivery_redeliver,
    webhook_create,
    webhook_delete,
    webhook_rotate_secret,
    webhook_send_test,
    webhook_update,
)
from integrations.ssrf import UnsafeUrl
from integrations.tokens import ROLES, token_create, token_revoke
from maps.models import Role, Workspace
from maps.selectors import workspace_role


class Refused(Exception):
    """A form the page could not take; the message says which field and why."""


def _owner_workspace(request: HttpRequest, workspace_id: uuid.UUID) -> Workspace:
    workspace, role = workspace_role(user=request.user, workspace_id=workspace_id)
    if workspace is None:
        raise Http404
    if role != Role.OWNER:
        raise PermissionDenied(_("Only owners manage webhooks and service tokens."))
    return workspace


def _row(model: Any, row_id: Any, **scope: Any) -> Any:
    try:
        row = model.objects.filter(id=uuid.UUID(str(row_id)), **scope).first()
    except ValueError:
        row = None
    if row is None:
        raise Http404
    return row


def _field_label(field: str) -> str:
    labels = {"url": _("URL"), "events": _("Events"), "description": _("Description"),
              "exclude_actors": _("Don't report"), "name": _("Name"), "role": _("Role")}
    return labels.get(field, field)


def _first_error(errors: Any) -> str:
    """The first message of DRF's nested errors (a list of dicts for many=True)."""
    while isinstance(errors, list | dict):
        values = list(errors.values()) if isinstance(errors, dict) else errors
        errors = values[0] if values else ""
    return str(errors)


def _hook_fields(post: Any, *, with_url: bool) -> dict[str, Any]:
    """The form's fields as the REST body, checked by the REST serializer."""
    body: dict[str, Any] = {"events": post.getlist("events"), "description": post.get("description", ""),
                            "exclude_actors": []}
    for value in post.getlist("exclude"):
        kind, _sep, ident = value.partition(":")
        body["exclude_actors"].append({"type": kind, "id": ident})
    if with_url:
        body["url"] = post.get("url", "").strip()
    serializer = WebhookWriteSerializer(data=body, partial=not with_url)
    if not serializer.is_valid():
        field = next(iter(serializer.errors))
        raise Refused(f"{_field_label(field)}: {_first_error(serializer.errors[field])}")
    return dict(serializer.validated_data)


@login_required
@never_cache
def integrations_page(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    workspace = _owner_workspace(request, workspace_id)
    shown_once: dict[str, Any] = {}
    if request.method == "POST":
        try:
            shown_once = _action(request, workspace)
        except Refused as refusal:
            messages.error(request, str(refusal))
        if not shown_once:
            target = request.POST.get("hook")
            return redirect(request.path + (f"?log={target}#hook-{target}" if target else ""))
    return render(request, "integrations/page.html", {
        "workspace": workspace, "hooks": hook_rows(workspace, open_log=request.GET.get("log", "")),
        "events": EVENTS, "default_events": ["map.changed", "map.created"], "actors": actor_choices(workspace),
        "roles": ROLES,
        "tokens": ServiceToken.objects.filter(workspace=workspace).order_by("created_at", "id"),
        "max_overlap": MAX_OVERLAP_HOURS, **shown_once,
    })


def _action(request: HttpRequest, workspace: Workspace) -> dict[str, Any]:
    """One owner action; what to show once (a new secret or token), if anything."""
    post, action = request.POST, request.POST.get("action", "")
    if action == "token_create":
        name = post.get("name", "").strip()
        if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
            raise Refused(_("Name: one line of 1 to 100 characters."))
        if post.get("role") not in dict(ROLES):
            raise Refused(_("Role: editor or viewer."))
        row, token = token_create(workspace=workspace, name=name, role=post["role"], created_by=request.user)
        return {"new_token": token, "new_token_row": row}
    if action == "token_revoke":
        row = _row(ServiceToken, post.get("token"), workspace=workspace)
        token_revoke(token=row)
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": row.name})
        return {}
    if action == "hook_create":
        data = _hook_fields(post, with_url=True)
        try:
            hook = webhook_create(workspace=workspace, user=request.user, url=data["url"], events=data["events"],
                                  description=data.get("description", ""), exclude_actors=data["exclude_actors"])
        except UnsafeUrl as error:
            raise Refused(f"{_('URL')}: {error}") from None
        except UnknownActors:
            raise Refused(_("Don't report: someone chosen is no longer in the workspace.")) from None
        return {"new_secret": hook.secret, "new_secret_hook": hook, "secret_is_new_hook": True}
    hook = _row(Webhook, post.get("hook"), workspace=workspace)
    if action == "hook_update":
        data = _hook_fields(post, with_url=False)
        try:
            webhook_update(webhook=hook, data=data)
        except UnknownActors:
            raise Refused(_("Don't report: someone chosen is no longer in the workspace.")) from None
        messages.success(request, _("Saved."))
    elif action == "hook_switch":
        webhook_update(webhook=hook, data={"active": post.get("active") == "on"})
        messages.success(request, _("The webhook is on.") if hook.active else _("The webhook is off."))
    elif action == "hook_rotate":
        try:
            overlap = int(post.get("overlap_hours", ""))
        except ValueError:
            overlap = -1
        if not 0 <= overlap <= MAX_OVERLAP_HOURS:
            raise Refused(_("Overlap: a whole number of hours, 0 to %(max)s.") % {"max": MAX_OVERLAP_HOURS})
        hook = webhook_rotate_secret(webhook=hook, overlap_hours=overlap)
        return {"new_secret": hook.secret, "new_secret_hook": hook}
    elif action == "hook_delete":
        webhook_delete(webhook=hook)
        messages.success(request, _("The webhook to %(url)s was deleted.") % {"url": hook.url})
    elif action == "hook_test":
        webhook_send_test(webhook=hook, user=request.user)
        messages.success(request, _("A test event is on its way; its delivery shows in the log below."))
    elif action == "redeliver":
        delivery_redeliver(delivery=_row(Delivery, post.get("delivery"), webhook=hook))
        messages.success(request, _("The delivery is sent again, with the same id."))
    else:
        raise Refused(_("Unknown action."))
    return {}
