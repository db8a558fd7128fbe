"""Telling a workspace's owners that one of its webhooks was switched off."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from integrations.models import Webhook
from maps.models import Membership, Role

logger = logging.getLogger(__name__)


def tell_owners_disabled(webhook: Webhook) -> int:
    """A mail to each owner, in the language they last used the app in."""
    from notifications.models import NotificationSettings

    owners = (Membership.objects.filter(workspace_id=webhook.workspace_id, role=Role.OWNER)
              .select_related("user", "workspace"))
    sent = 0
    for membership in owners:
        user = membership.user
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
