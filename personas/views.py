"""The persona library of a workspace (HTML pages) and avatars served after a
permission check. Thin: reads from selectors, writes through services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from maps.errors import OpError
from maps.models import Role, Workspace
from maps.selectors import membership_role, workspace_role
from personas.models import Persona
from personas.selectors import persona_get, persona_list
from personas.services import (
    avatar_checked,
    persona_archive,
    persona_create,
    persona_set_avatar,
    persona_update,
)
from touchpoints.filetypes import sniff_image
from touchpoints.models import Channel

WRITE_ROLES = {Role.OWNER, Role.EDITOR}


class PersonaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    role = forms.CharField(label=gettext_lazy("Who they are"), max_length=200, required=False)
    quote = forms.CharField(label=gettext_lazy("Quote"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    goals = forms.CharField(label=gettext_lazy("Goals"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.CharField(label=gettext_lazy("Needs"), max_length=5000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    frustrations = forms.CharField(label=gettext_lazy("Frustrations"), max_length=5000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    behaviours = forms.CharField(label=gettext_lazy("Behaviours"), max_length=5000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    preferred_channels = forms.MultipleChoiceField(label=gettext_lazy("Preferred channels"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    demographics = forms.CharField(
        label=gettext_lazy("Demographics"), required=False, max_length=5000,
        help_text=gettext_lazy("One per line, as “Label: value” (Age: 38)."),
        widget=forms.Textarea(attrs={"rows": 3}))
    color = forms.RegexField(label=gettext_lazy("Colour"), regex=r"^#[0-9a-fA-F]{6}$", initial="#7c3aed",
                             widget=forms.TextInput(attrs={"type": "color"}))
    avatar = forms.FileField(label=gettext_lazy("Picture (PNG, JPEG, GIF or WebP)"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))

    def __init__(self, *args: Any, channel_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_channels"].choices = [(name, name) for name in channel_names]

    def clean_avatar(self) -> Any:
        # Checked before anything is written, so a bad file saves nothing.
        upload = self.cleaned_data.get("avatar")
        if upload:
            try:
                avatar_checked(upload)
            except OpError as error:
                raise forms.ValidationError(error.message) from None
        return upload

    def clean_demographics(self) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for line in self.cleaned_data["demographics"].splitlines():
            if not line.strip():
                continue
            label, sep, value = line.partition(":")
            if not sep or not label.strip():
                raise forms.ValidationError(_("Write each line as “Label: value”."))
            pairs[label.strip()[:100]] = value.strip()[:200]
        if len(pairs) > 30:
            raise forms.ValidationError(_("At most 30 lines."))
        return pairs


def _workspace(request: HttpRequest, workspace_id: Any) -> tuple[Workspace, str]:
    workspace, role = workspace_role(user=request.user, workspace_id=workspace_id)
    if workspace is None or role is None:
        raise Http404
    return workspace, role


def _channel_names(workspace: Workspace, language: str) -> list[str]:
    rows = Channel.objects.filter(Q(workspace__isnull=True) | Q(workspace=workspace), archived=False)
    return [c.name_fr if language == "fr" and c.name_fr else c.name for c in rows]


def _initial(persona: Persona) -> dict[str, Any]:
    return {
        "name": persona.name, "role": persona.role, "quote": persona.quote, "goals": persona.goals,
        "needs": persona.needs, "frustrations": persona.frustrations, "behaviours": persona.behaviours,
        "preferred_channels": persona.preferred_channels, "color": persona.color,
        "demographics": "\n".join(f"{k}: {v}" for k, v in (persona.demographics or {}).items()),
    }


@login_required
@never_cache
def library(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    """Every persona of the workspace, and a form to add or edit one."""
    workspace, role = _workspace(request, workspace_id)
    can_write = role in WRITE_ROLES
    language = (request.LANGUAGE_CODE or "en")[:2]
    names = _channel_names(workspace, language)
    editing = None
    if request.GET.get("edit"):
        try:
            editing = persona_get(workspace_id=workspace.id, persona_id=uuid.UUID(request.GET["edit"]))
        except ValueError:
            editing = None
        if editing is None:
            raise Http404
    if request.method == "POST":
        if not can_write:
            return HttpResponse(_("Only editors change personas."), status=403, content_type="text/plain; charset=utf-8")
        if request.POST.get("action") == "archive" and editing:
            persona_archive(persona=editing)
            messages.success(request, _("“%(name)s” was archived.") % {"name": editing.name})
            return redirect(request.path)
        form = PersonaForm(request.POST, request.FILES, channel_names=names + [
            n for n in (editing.preferred_channels if editing else []) if n not in names])
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "avatar"}
            persona = persona_update(persona=editing, data=data) if editing else persona_create(
                workspace=workspace, data=data)
            upload = form.cleaned_data.get("avatar")
            if upload:
                persona_set_avatar(persona=persona, upload=upload)
            messages.success(request, _("“%(name)s” was saved.") % {"name": persona.name})
            return redirect(f"{request.path}#persona-{persona.id}")
    else:
        form = PersonaForm(initial=_initial(editing) if editing else None, channel_names=names + [
            n for n in (editing.preferred_channels if editing else []) if n not in names])
    return render(request, "personas/library.html", {
        "workspace": workspace, "role": role, "can_write": can_write, "form": form, "editing": editing,
        "personas": persona_list(workspace_id=workspace.id),
    })


@login_required
def avatar(request: HttpRequest, persona_id: uuid.UUID) -> HttpResponse:
    """The picture, only to members of the persona's workspace (never a public file)."""
    persona = Persona.objects.filter(id=persona_id).first()
    if persona is None or not persona.avatar or membership_role(
            user=request.user, workspace_id=persona.workspace_id) is None:
        raise Http404
    return avatar_response(persona)


def avatar_response(persona: Persona) -> FileResponse:
    """The persona's picture (it has one; the caller checked membership), served
    with the type its bytes show and never sniffed by the browser. The page and
    the REST API both answer with it."""
    handle = persona.avatar.open("rb")
    kind = sniff_image(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    return response
