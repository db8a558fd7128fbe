"""Account and workspace-people pages: join through an invitation, the members
page (roles, teams, invitations, invite links), the account page (the API
token), password change and reset."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rest_framework.authtoken.models import Token

from journeymap import ratelimit
from maps.errors import OpError
from maps.models import Invitation, Membership, Role, Team, Workspace
from maps.selectors import human_members, workspace_role
from workspaces import invitations
from workspaces.services import member_remove, member_update, team_add, team_delete, team_update


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, label=_("Email (for password resets)"))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


# --- joining --------------------------------------------------------------------------


@never_cache
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation: signed-in people join with one click; others create an
    account on the spot and land in the workspace."""
    key = "invite:" + ratelimit.client_address(request.META)
    wait = ratelimit.blocked(key, 30, 60)
    if wait is not None:
        response = HttpResponse(_("Too many wrong links; try again later."), status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(wait)
        return response
    invitation = invitations.invitation_by_token(token)
    if invitation is None:
        ratelimit.add(key, 60)
        return render(request, "accounts/invite_invalid.html", status=404)
    form = SignupForm(initial={"email": invitation.email})
    if request.method == "POST":
        if request.user.is_authenticated:
            user = request.user
        else:
            form = SignupForm(request.POST)
            if not form.is_valid():
                return render(request, "accounts/invite.html", {"invitation": invitation, "form": form}, status=400)
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        try:
            invitations.invitation_accept(invitation=invitation, user=user)
        except OpError:
            return render(request, "accounts/invite_invalid.html", status=404)
        messages.success(request, _("Welcome to %(workspace)s.") % {"workspace": invitation.workspace.name})
        return redirect(f"/?workspace={invitation.workspace_id}")
    return render(request, "accounts/invite.html", {"invitation": invitation, "form": form})


# --- the members page -------------------------------------------------------------------


def _workspace(request: HttpRequest, workspace_id: uuid.UUID) -> tuple[Workspace, str]:
    workspace, role = workspace_role(user=request.user, workspace_id=workspace_id)
    if workspace is None or role is None:
        raise Http404
    return workspace, role


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    color = forms.RegexField(regex=r"^#[0-9a-fA-F]{6}$", initial="#4f46e5")


@login_required
@never_cache
def members(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    workspace, role = _workspace(request, workspace_id)
    is_owner = role == Role.OWNER
    new_link = None
    if request.method == "POST":
        if not is_owner:
            return HttpResponse(_("Only owners manage people and teams."), status=403,
                                content_type="text/plain; charset=utf-8")
        try:
            new_link = _members_action(request, workspace)
        except OpError as error:
            messages.error(request, error.message)
        if new_link is None:
            return redirect(request.path)
    # People only: service tokens' accounts are listed on the Integrations page.
    rows = list(human_members(workspace_id=workspace.id).select_related("user", "team")
                .order_by("user__username"))
    # The one owner is offered neither "Remove" nor another role: the service refuses both.
    owners = [m for m in rows if m.role == Role.OWNER]
    for m in rows:
        m.only_owner = len(owners) == 1 and m.role == Role.OWNER
    return render(request, "workspaces/members.html", {
        "workspace": workspace, "role": role, "is_owner": is_owner, "members": rows,
        "teams": Team.objects.filter(workspace=workspace),
        "invitations": invitations.invitations_for(workspace) if is_owner else [],
        "roles": Role.choices, "new_link": new_link, "now": timezone.now(),
    })


def _members_action(request: HttpRequest, workspace: Workspace) -> str | None:
    """One owner action from the members page; returns a new invite link to show once."""
    action = request.POST.get("action", "")
    post = request.POST
    if action == "invite":
        membership, created = invitations.member_invite(
            workspace=workspace, invited_by=request.user, who=post.get("who", ""), role=post.get("role", "editor"),
            team_id=post.get("team") or None, base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        if membership is not None:
            messages.success(request, _("%(name)s joined the workspace.") % {"name": membership.user.get_username()})
        else:
            messages.success(request, _("An invitation was sent by email."))
        return None
    if action == "link_create":
        try:
            days = int(post.get("days") or invitations.DEFAULT_LINK_DAYS)
        except ValueError:
            raise OpError("invalid", _("Days must be a number."), field="days") from None
        created = invitations.invite_link_create(
            workspace=workspace, created_by=request.user, role=post.get("role", "editor"),
            team_id=post.get("team") or None, days=days, label=post.get("label", ""),
        )
        return request.build_absolute_uri(created.path)
    if action == "invitation_revoke":
        invitation = _row(Invitation, post.get("invitation"), workspace=workspace)
        invitations.invitation_revoke(invitation=invitation)
        messages.success(request, _("The invitation no longer works."))
        return None
    if action in ("member_update", "member_remove"):
        membership = _row(Membership, post.get("member"), workspace=workspace, user__service_token__isnull=True)
        if action == "member_remove":
            member_remove(membership=membership)
            # The name the confirmation asked about, not the login.
            name = membership.user.get_full_name() or membership.user.get_username()
            messages.success(request, _("%(name)s was removed.") % {"name": name})
            return None
        role = post.get("role", membership.role)
        if role not in Role.values:
            raise OpError("invalid", _("Unknown role."), field="role")
        member_update(membership=membership, data={"role": role, "team": post.get("team") or None})
        messages.success(request, _("Saved."))
        return None
    if action in ("team_create", "team_update"):
        form = TeamForm(post)
        if not form.is_valid():
            raise OpError("invalid", _("A team needs a name and a colour like #4f46e5."), field="name")
        if action == "team_create":
            team_add(workspace=workspace, name=form.cleaned_data["name"], color=form.cleaned_data["color"])
        else:
            team_update(team=_row(Team, post.get("team"), workspace=workspace), data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return None
    if action == "team_delete":
        team_delete(team=_row(Team, post.get("team"), workspace=workspace), actor_user=request.user)
        messages.success(request, _("The team was removed."))
        return None
    raise OpError("invalid", _("Unknown action."))


def _row(model: Any, row_id: Any, **owner: Any) -> Any:
    """The row with this id that belongs to ``owner`` (a workspace or a map) only:
    another workspace's or map's id is simply not found."""
    try:
        row_id = uuid.UUID(str(row_id))
    except ValueError:
        raise Http404 from None
    row = model.objects.filter(id=row_id, **owner).first()
    if row is None:
        raise Http404
    return row


@login_required
def workspaces(request: HttpRequest) -> HttpResponse:
    """The signed-in person's workspaces, each with a link to its people."""
    rows = Membership.objects.filter(user=request.user).select_related("workspace", "team").order_by(
        "workspace__name")
    return render(request, "workspaces/list.html", {"memberships": rows})


# --- the account page: the API token and one's workspaces ---------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(request, _("A new API token was created; the old one no longer works."))
        return redirect("account")
    token, _created = Token.objects.get_or_create(user=request.user)
    memberships = Membership.objects.filter(user=request.user).select_related("workspace", "team")
    return render(request, "account.html", {"token": token, "memberships": memberships})
