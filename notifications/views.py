"""Pages: all my notifications with the mail setting, and unsubscribing from a mail."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from notifications.mail import unsubscribe_user_id
from notifications.models import EmailMode, NotificationSettings
from notifications.selectors import inbox, notification_item, unread_count
from notifications.services import notification_settings_update

PAGE_SIZE = 50


class MailSettingForm(forms.Form):
    email = forms.ChoiceField(label=gettext_lazy("Mail me"), widget=forms.RadioSelect, choices=[
        (EmailMode.INSTANT, gettext_lazy("at once, one mail per notification")),
        (EmailMode.DIGEST, gettext_lazy("a summary at most every few minutes")),
        (EmailMode.OFF, gettext_lazy("never (the bell still shows them)")),
    ])


@login_required
@never_cache
def notifications_page(request: HttpRequest) -> HttpResponse:
    prefs = NotificationSettings.objects.filter(user=request.user).first()
    form = MailSettingForm(initial={"email": prefs.email if prefs else EmailMode.DIGEST})
    if request.method == "POST":
        form = MailSettingForm(request.POST)
        if form.is_valid():
            notification_settings_update(user=request.user, email=form.cleaned_data["email"])
            messages.success(request, _("Your mail setting is saved."))
            return redirect("notifications-page")
    items = [notification_item(n) for n in inbox(user_id=request.user.pk, limit=PAGE_SIZE)]
    return render(request, "notifications/page.html", {
        "items": items, "form": form, "unread": unread_count(user_id=request.user.pk),
    })


# The token in the link is the credential (mail clients post the one-click
# unsubscribe without a cookie or CSRF token, RFC 8058).
@csrf_exempt
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = unsubscribe_user_id(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        notification_settings_update(user=user, email=EmailMode.OFF)
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done, "person": user})
