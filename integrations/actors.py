"""Who did what a webhook reports, and which of them a hook leaves out.

An actor in a delivery is ``{"type": "user", "id": <user id>, "name"}``, or
``{"type": "service_token", "id": "<token id>", "name": <the token's name>}`` for
an integration's writes, or ``{"type": "system", "id": null}``. A hook's
``exclude_actors`` lists actors by ``{type, id}`` in that same shape, so an
integration can copy its own actor from a payload to stop hearing its writes.
"""

from __future__ import annotations

from typing import Any

from integrations.models import ServiceToken
from maps.models import Membership


def actor_of_user(user: Any, name: str = "") -> dict[str, Any]:
    if user is None:
        return {"type": "system", "id": None, "name": name or "Journeymap"}
    token = ServiceToken.objects.filter(user_id=user.pk).values_list("id", "name").first()
    if token is not None:
        return {"type": "service_token", "id": str(token[0]), "name": token[1]}
    return {"type": "user", "id": user.pk, "name": name or user.get_full_name() or user.get_username()}


def _key(entry: dict[str, Any]) -> tuple[str, str]:
    return str(entry.get("type")), str(entry.get("id"))


def excludes(hook: Any, actor: dict[str, Any]) -> bool:
    return _key(actor) in {_key(entry) for entry in hook.exclude_actors or []}


def kept_actors(hook: Any, actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actors the hook hears about; an empty list for actors all excluded."""
    left_out = {_key(entry) for entry in hook.exclude_actors or []}
    return [actor for actor in actors if _key(actor) not in left_out]


class UnknownActors(ValueError):
    def __init__(self, unknown: list[str]) -> None:
        super().__init__(unknown)
        self.unknown = unknown


def checked_exclusions(workspace: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``entries`` (ids already typed: an int for a user, a UUID string for a
    token) as stored: each a member or a service token of ``workspace`` (a token's
    account named as a user becomes the token); UnknownActors names the others."""
    user_ids = {e["id"] for e in entries if e["type"] == "user"}
    token_ids = {e["id"] for e in entries if e["type"] == "service_token"}
    members = set(Membership.objects.filter(workspace=workspace, user_id__in=user_ids)
                  .values_list("user_id", flat=True))
    tokens = ServiceToken.objects.filter(workspace=workspace)
    token_of_account = {user_id: str(token_id) for token_id, user_id in
                        tokens.filter(user_id__in=members).values_list("id", "user_id")}
    known_tokens = {str(pk) for pk in tokens.filter(id__in=token_ids).values_list("id", flat=True)}
    unknown = [f"user:{i}" for i in sorted(user_ids - members)]
    unknown += [f"service_token:{i}" for i in sorted(token_ids - known_tokens)]
    if unknown:
        raise UnknownActors(unknown)
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        if entry["type"] == "user" and entry["id"] in token_of_account:
            entry = {"type": "service_token", "id": token_of_account[entry["id"]]}
        else:
            entry = {"type": entry["type"], "id": entry["id"]}
        kept[_key(entry)] = entry
    return list(kept.values())
