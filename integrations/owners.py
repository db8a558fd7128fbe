"""Telling a workspace's owners that one of its webhooks was switched off: a
notice in the bell (in the language each last used) and a mail."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from integrations.models import Webhook
from maps.models import Membership, Role

logger = logging.getLogger(__name__)


def tell_owners_disabled(webhook: Webhook) -> int:
    """A notice and a mail to each owner, in the language they last used the app
    in; the number of mails sent."""
    from notifications.models import Kind, NotificationSettings
    from notifications.services import workspace_notice

    owners = (Membership.objects.filter(workspace_id=webhook.workspace_id, role=Role.OWNER)
              .select_related("user", "workspace"))
    page = reverse("workspace_integrations", args=[webhook.workspace_id])
    sent = 0
    for membership in owners:
        user = membership.user
        workspace_notice(recipient_id=user.pk, workspace_id=webhook.workspace_id, kind=Kind.HOOK_OFF,
                         details={"webhook": str(webhook.id), "url": webhook.url,
                                  "failures": settings.WEBHOOK_MAX_FAILURES},
                         link=f"{page}?log={webhook.id}#hook-{webhook.id}")
        if not user.email:
            continue
        language = NotificationSettings.objects.filter(user=user).values_list("language", flat=True).first()
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = _("A webhook of %(workspace)s was switched off") % {"workspace": membership.workspace.name}
            body = _("After %(count)s failed deliveries in a row, the webhook to %(url)s was switched off. "
                     "Switch it on again on the workspace's Webhooks page once the receiver answers.") % {
                "count": settings.WEBHOOK_MAX_FAILURES, "url": webhook.url}
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
        except OSError:
            logger.exception("could not tell %s that webhook %s was switched off", user.pk, webhook.id)
    return sent
