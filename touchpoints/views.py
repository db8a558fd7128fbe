"""The channel catalogue of a workspace: the built-in channels, and the ones the
workspace adds. Owners edit it; every member sees it. Thin: writes go through
``touchpoints.services`` (which tells open maps)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from maps.models import Role
from maps.selectors import workspace_role
from touchpoints.models import Channel
from touchpoints.services import channel_add, channel_archive, channel_update


def icon_choices() -> list[tuple[str, str]]:
    """One choice per SVG of our icon set (static/img/channels)."""
    folder = Path(settings.BASE_DIR) / "static" / "img" / "channels"
    return [(p.stem, p.stem.replace("_", " ")) for p in sorted(folder.glob("*.svg"))]


class ChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    name_fr = forms.CharField(label=gettext_lazy("Name in French"), max_length=100, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Channel.Kind.choices)
    brand_controlled = forms.BooleanField(label=gettext_lazy("We run this channel"), required=False, initial=True)
    icon = forms.ChoiceField(label=gettext_lazy("Icon"), choices=icon_choices)


@login_required
@never_cache
def catalogue(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    workspace, role = workspace_role(user=request.user, workspace_id=workspace_id)
    if workspace is None:
        raise Http404
    is_owner = role == Role.OWNER
    rows = Channel.objects.filter(Q(workspace__isnull=True) | Q(workspace=workspace), archived=False)
    editing = None
    if request.GET.get("edit"):
        try:
            editing = Channel.objects.filter(workspace=workspace, id=uuid.UUID(request.GET["edit"])).first()
        except ValueError:
            editing = None
        if editing is None:
            raise Http404
    if request.method == "POST":
        if not is_owner:
            return HttpResponse(_("Only owners edit the channel catalogue."), status=403,
                                content_type="text/plain; charset=utf-8")
        if request.POST.get("action") == "archive" and editing:
            channel_archive(channel=editing)
            messages.success(request, _("“%(name)s” was archived.") % {"name": editing.name})
            return redirect(request.path)
        form = ChannelForm(request.POST)
        if form.is_valid():
            channel = (channel_update(channel=editing, data=form.cleaned_data) if editing
                       else channel_add(workspace=workspace, data=form.cleaned_data))
            messages.success(request, _("“%(name)s” was saved.") % {"name": channel.name})
            return redirect(request.path)
    else:
        initial = None
        if editing:
            initial = {k: getattr(editing, k) for k in ("name", "name_fr", "kind", "brand_controlled", "icon")}
        form = ChannelForm(initial=initial)
    language = (request.LANGUAGE_CODE or "en")[:2]
    return render(request, "touchpoints/channels.html", {
        "workspace": workspace, "is_owner": is_owner, "form": form, "editing": editing, "language": language,
        "builtin": [c for c in rows if c.workspace_id is None],
        "own": [c for c in rows if c.workspace_id is not None],
    })
