from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from integrations.models import Delivery, Webhook


def workspace_webhooks(workspace: Any) -> QuerySet[Webhook]:
    return Webhook.objects.filter(workspace=workspace).order_by("created_at", "id")


def webhook_deliveries(webhook: Webhook) -> QuerySet[Delivery]:
    return Delivery.objects.filter(webhook=webhook).order_by("-created_at", "-id")
