"""JSON reads for the editor's rich lanes: the derived emotion curve and the
priorities. Thin: the document comes from the selector, the numbers from pure
functions; nothing here writes (applying a proposal is an ordinary push)."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from maps.selectors import map_document, map_role
from maps.services.emotions import derive_emotions, derive_ops
from touchpoints.priorities import rank_priorities


def _document(request: HttpRequest, map_id: uuid.UUID) -> dict:
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None or role is None:
        raise Http404
    return map_document(map_id=journey_map.id)


@login_required
@require_GET
def emotions_derive(request: HttpRequest, map_id: uuid.UUID) -> JsonResponse:
    doc = _document(request, map_id)
    persona = request.GET.get("persona") or None
    if persona and persona not in {p["id"] for p in doc.get("personas", [])}:
        raise Http404
    proposals = derive_emotions(doc, persona=persona)
    return JsonResponse({"seq": doc["map"]["seq"], "persona": persona, "proposals": proposals,
                         "ops": derive_ops(proposals, persona=persona)})


@login_required
@require_GET
def priorities(request: HttpRequest, map_id: uuid.UUID) -> JsonResponse:
    doc = _document(request, map_id)
    by = "volume" if request.GET.get("by") == "volume" else "weight"
    return JsonResponse({"seq": doc["map"]["seq"], "by": by, "entries": rank_priorities(doc, by=by)})
