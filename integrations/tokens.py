"""Service tokens: created by owners (shown once, stored hashed), revoked by
deleting them, checked on every request against the database (so a revoked token
gets 401 at once on every process)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from integrations.models import ServiceRole, ServiceToken
from maps.models import Membership

PREFIX = "jms_"
ROLES = ServiceRole.choices
# last_used_at is written at most this often per token (not on every request).
TOUCH_EVERY = dt.timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, workspace: Any, name: str, role: str, created_by: Any) -> tuple[ServiceToken, str]:
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        user = get_user_model().objects.create(username=f"svc-{uuid.uuid4().hex[:20]}", first_name=name[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(workspace=workspace, user=user, role=role)
        row = ServiceToken.objects.create(workspace=workspace, name=name, role=role, key_hash=_hash(token),
                                          prefix=token[:10], user=user, created_by=created_by)
    return row, token


def token_revoke(*, token: ServiceToken) -> None:
    """Its account goes with it: the next request with the token is refused."""
    token.user.delete()


class ServiceTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer jms_...`` (or ``Token jms_...``). Other credentials
    are left to the next authentication class."""

    def authenticate(self, request: Any) -> tuple[Any, ServiceToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() not in (b"bearer", b"token") or not parts[1].startswith(
                PREFIX.encode()):
            return None
        try:
            token = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        row = ServiceToken.objects.select_related("user").filter(key_hash=_hash(token)).first()
        if row is None or not row.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
            ServiceToken.objects.filter(id=row.id).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request: Any) -> str:
        return "Token"  # as before: the personal tokens' scheme


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.tokens.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer",
                "description": "A workspace's service token (`jms_...`), created by an owner."}
