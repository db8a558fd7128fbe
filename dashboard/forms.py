from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maps.models import MapKind


class MapSearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search maps"), max_length=200)
    kind = forms.ChoiceField(required=False, label=_("Kind"),
                             choices=[("", _("All kinds")), *MapKind.choices])
    archived = forms.BooleanField(required=False, label=_("Show archived maps"))
    sort = forms.ChoiceField(required=False, label=_("Sort"),
                             choices=[("", _("Recently edited")), ("review", _("Review due first"))])


class MapFromTemplateForm(forms.Form):
    template = forms.UUIDField(label=_("Template"))
    title = forms.CharField(label=_("Title"), max_length=200)
    goal = forms.CharField(label=_("Goal"), max_length=2000, required=False,
                           help_text=_("What is this map for? e.g. cut complaints about late deliveries"))


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=_("Workspace name"), max_length=200)
