"""The editor page: it hands the document to the browser, where the sync module
takes over. Thin: the document from the selector, the words from
``maps.editor_strings``."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from maps.editor_strings import editor_strings
from maps.models import JourneyMap, Membership, Role
from maps.selectors import map_document, map_role
from personas.selectors import persona_item, persona_list

WRITE_ROLES = {Role.OWNER, Role.EDITOR}


@login_required
def map_editor(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None:
        raise Http404
    doc = map_document(map_id=journey_map.id)
    membership = Membership.objects.filter(workspace_id=journey_map.workspace_id, user=request.user).select_related(
        "team").first()
    user = request.user
    config = {
        "mapId": str(journey_map.id),
        "wsPath": f"/ws/maps/{journey_map.id}/",
        "role": role,
        "user": {
            "id": user.pk,
            "name": user.get_full_name() or user.get_username(),
            "team": str(membership.team.id) if membership and membership.team else None,
            "teamName": membership.team.name if membership and membership.team else "",
            "color": membership.team.color if membership and membership.team else "#475569",
        },
        "staticUrl": "/static/",
        "uiLanguage": (request.LANGUAGE_CODE or "en")[:2],
        # The workspace's persona library, to attach from; avatars are served after a permission check.
        "personas": [persona_item(p) for p in persona_list(workspace_id=journey_map.workspace_id)],
        "avatarUrl": reverse("persona_avatar", args=[uuid.UUID(int=0)]).replace(str(uuid.UUID(int=0)), "__id__"),
        "personaLibraryUrl": reverse("persona_library", args=[journey_map.workspace_id]),
        "workspaceId": str(journey_map.workspace_id),
    }
    based_on = journey_map.based_on if journey_map.based_on_id else None
    return render(request, "maps/editor.html", {
        "map": journey_map, "doc": doc, "config": config, "role": role, "based_on": based_on,
        "can_write": role in WRITE_ROLES, "strings": editor_strings(map_language=journey_map.language),
        "derived": JourneyMap.objects.filter(based_on=journey_map, archived=False).first(),
    })
