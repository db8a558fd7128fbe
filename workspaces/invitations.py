"""Getting people into a workspace: personal invitations and invite links.

- Inviting an existing account (by username or email) adds the membership at once.
- Inviting an unknown email sends a one-use personal invitation by email.
- An invite link has a role (and optionally a team), an expiry and a use count; a
  whole workshop can open it, create accounts and land in the workspace.

Tokens are 256 random bits shown once (in the link); only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeymap.strict import is_uuid
from maps.errors import OpError
from maps.models import Invitation, Membership, Role, Team, Workspace

DEFAULT_LINK_DAYS = 7
MAX_LINK_DAYS = 90
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invite_path(token: str) -> str:
    return f"/accounts/invite/{token}/"


@dataclass(frozen=True)
class Created:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return invite_path(self.token)


def _check_role(role: str) -> str:
    if role not in Role.values:
        raise OpError("invalid", "role must be owner, editor or viewer", field="role")
    return role


def _team(workspace: Workspace, team_id: Any) -> Team | None:
    if team_id in (None, ""):
        return None
    team = Team.objects.filter(workspace=workspace, id=team_id).first() if is_uuid(team_id) else None
    if team is None:
        raise OpError("not_found", "no such team in this workspace", field="team")
    return team


def invite_link_create(*, workspace: Workspace, created_by: Any, role: str, team_id: Any = None,
                       days: int = DEFAULT_LINK_DAYS, max_uses: int | None = None, label: str = "") -> Created:
    """A link many people can use until it expires (``days``) or is revoked."""
    _check_role(role)
    if not 1 <= int(days) <= MAX_LINK_DAYS:
        raise OpError("invalid", f"an invite link lasts 1 to {MAX_LINK_DAYS} days", field="days")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace, kind=Invitation.Kind.LINK, role=role, team=_team(workspace, team_id),
        token_hash=token_hash(token), label=label.strip()[:200],
        expires_at=timezone.now() + dt.timedelta(days=int(days)), max_uses=max_uses, created_by=created_by,
    )
    return Created(invitation, token)


def member_invite(*, workspace: Workspace, invited_by: Any, who: str, role: str, team_id: Any = None,
                  base_url: str = "") -> tuple[Membership | None, Created | None]:
    """Invite by username or email: an existing account joins at once; an unknown
    email gets a personal invitation by mail. Returns (membership, invitation)."""
    _check_role(role)
    who = (who or "").strip()
    if not who or len(who) > 254:
        raise OpError("invalid", "give a username or an email address", field="who")
    team = _team(workspace, team_id)
    user_model = get_user_model()
    # Service tokens' accounts are not people one can invite (they belong to their token).
    user = user_model.objects.filter(Q(username__iexact=who) | (Q(email__iexact=who) if "@" in who else Q(pk=None)),
                                     is_active=True, service_token__isnull=True).first()
    if user is not None:
        if Membership.objects.filter(workspace=workspace, user=user).exists():
            raise OpError("invalid", "this person is already a member", field="who")
        return Membership.objects.create(workspace=workspace, user=user, role=role, team=team), None
    if "@" not in who:
        raise OpError("not_found", "no account with this username; invite by email instead", field="who")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace, kind=Invitation.Kind.PERSONAL, email=who, role=role, team=team,
        token_hash=token_hash(token), expires_at=timezone.now() + dt.timedelta(days=14), max_uses=1,
        created_by=invited_by,
    )
    created = Created(invitation, token)
    inviter = invited_by.get_full_name() or invited_by.get_username()
    transaction.on_commit(lambda: send_mail(
        _("You are invited to %(workspace)s on Journeymap") % {"workspace": workspace.name},
        _("%(inviter)s invites you to the workspace “%(workspace)s”. Join here (the link works for 14 days):\n\n"
          "%(url)s\n") % {"inviter": inviter, "workspace": workspace.name, "url": base_url + created.path},
        getattr(settings, "DEFAULT_FROM_EMAIL", None), [who], fail_silently=True,
    ))
    return None, created


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def is_usable(invitation: Invitation, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        return False
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return False
    return invitation.max_uses is None or invitation.uses < invitation.max_uses


def invitation_by_token(token: str) -> Invitation | None:
    """The usable invitation a token stands for, or None."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    invitation = Invitation.objects.select_related("workspace", "team").filter(token_hash=token_hash(token)).first()
    return invitation if invitation is not None and is_usable(invitation) else None


def invitation_accept(*, invitation: Invitation, user: Any) -> Membership:
    """Join the workspace through an invitation. An existing member keeps the higher
    of the two roles; the use is counted under a row lock, so a link with
    ``max_uses`` is never used more often than that."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(id=invitation.id)
        if not is_usable(locked):
            raise OpError("gone", "this invitation no longer works")
        membership = Membership.objects.filter(workspace_id=locked.workspace_id, user=user).first()
        if membership is None:
            membership = Membership.objects.create(workspace_id=locked.workspace_id, user=user, role=locked.role,
                                                   team=locked.team)
        elif ROLE_RANK.get(locked.role, 0) > ROLE_RANK.get(membership.role, 0):
            membership.role = locked.role
            membership.save(update_fields=["role", "updated_at"])
        Invitation.objects.filter(id=locked.id).update(uses=F("uses") + 1)
    return membership


def invitations_for(workspace: Workspace) -> list[Invitation]:
    return list(Invitation.objects.filter(workspace=workspace).select_related("team"))
