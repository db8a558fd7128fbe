"""The Company words page of a workspace: the words the voice check looks for.

Every member may read the lists (they explain why a stage was flagged); owners
change the workspace's own additions. The form is checked by the REST
serializer and saved by the same service, so the page and the API keep one set
of rules."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from health.models import WorkspaceWords
from health.serializers import WordsSerializer
from health.services import workspace_words_set
from health.words import MAX_WORD_LENGTH, MAX_WORDS, builtin_words
from maps.models import Role
from maps.selectors import workspace_role

LANGUAGES = (("en", "English"), ("fr", "Français"))


def _lines(text: str) -> list[str]:
    """One word or phrase per line; commas separate too (a pasted list)."""
    return [part for line in text.splitlines() for part in line.split(",") if part.strip()]


@never_cache
@login_required
def company_words_page(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    workspace, role = workspace_role(user=request.user, workspace_id=workspace_id)
    if workspace is None:
        raise Http404
    is_owner = role == Role.OWNER
    row = WorkspaceWords.objects.filter(workspace=workspace).first()
    texts = {"en": "\n".join(row.words_en) if row else "", "fr": "\n".join(row.words_fr) if row else ""}
    error = None
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only owners change the company words."))
        texts = {code: request.POST.get(code, "") for code, _name in LANGUAGES}
        body = WordsSerializer(data={code: _lines(texts[code]) for code, _name in LANGUAGES})
        if body.is_valid():
            workspace_words_set(workspace=workspace, user=request.user, words_en=body.validated_data["en"],
                                words_fr=body.validated_data["fr"])
            messages.success(request, _("Saved. Every map of the workspace is checked again with these words."))
            return redirect("workspace_company_words", workspace_id=workspace.id)
        error = _("At most %(count)s words or phrases per language, each at most %(length)s characters.") % {
            "count": MAX_WORDS, "length": MAX_WORD_LENGTH}
    languages = [{"code": code, "name": name, "text": texts[code], "builtin": sorted(builtin_words(code))}
                 for code, name in LANGUAGES]
    return render(request, "health/company_words.html", {
        "workspace": workspace, "is_owner": is_owner, "languages": languages, "error": error,
        "max_words": MAX_WORDS,
    }, status=400 if error else 200)
