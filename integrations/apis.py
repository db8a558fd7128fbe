"""``/api/v1/workspaces/<id>/webhooks/``: owners manage their workspace's hooks and
read each hook's delivery log."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from integrations.actors import UnknownActors
from integrations.models import Delivery, Webhook
from integrations.selectors import webhook_deliveries, workspace_webhooks
from integrations.serializers import (
    DeliverySerializer,
    RotateSecretSerializer,
    SecretRotatedSerializer,
    WebhookCreatedSerializer,
    WebhookSerializer,
    WebhookWriteSerializer,
)
from integrations.services import (
    delivery_redeliver,
    webhook_create,
    webhook_delete,
    webhook_rotate_secret,
    webhook_send_test,
    webhook_update,
)
from integrations.ssrf import UnsafeUrl
from journeymap.api_common import (
    READ_ERRORS,
    WORKSPACE_ID,
    WRITE_ERRORS,
    ApiView,
    errors,
    path_id,
    row_or_404,
    valid_body,
    workspace_for,
)

WEBHOOK_ID = path_id("webhook_id", "The webhook.")
DELIVERY_ID = path_id("delivery_id", "The delivery.")
OWNER_READ_ERRORS = (*READ_ERRORS, 403)
MAX_DELIVERIES = 100


def _webhook(request: Request, workspace_id: Any, webhook_id: Any) -> Webhook:
    workspace, _ = workspace_for(request, workspace_id, owner=True)
    return row_or_404(workspace_webhooks(workspace), webhook_id, "webhook")


def _refused(error: UnsafeUrl | UnknownActors) -> exceptions.ValidationError:
    if isinstance(error, UnknownActors):
        return exceptions.ValidationError({"exclude_actors": [
            "Neither a member nor a service token of this workspace: " + ", ".join(error.unknown)]})
    return exceptions.ValidationError({"url": [str(error)]})


class WebhookListView(ApiView):
    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_list", parameters=[WORKSPACE_ID],
                   summary="The workspace's webhooks (owners)",
                   responses={200: WebhookSerializer(many=True), **errors(*OWNER_READ_ERRORS)})
    def get(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        return Response(WebhookSerializer(workspace_webhooks(workspace), many=True).data)

    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_create", parameters=[WORKSPACE_ID],
                   summary="Add a webhook (owners); the answer holds its secret, shown this once",
                   request=WebhookWriteSerializer,
                   responses={201: WebhookCreatedSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str) -> Response:
        workspace, _ = workspace_for(request, workspace_id, owner=True)
        data = valid_body(WebhookWriteSerializer, request)
        try:
            webhook = webhook_create(workspace=workspace, user=request.user, url=data["url"],
                                     events=data["events"], description=data.get("description", ""),
                                     exclude_actors=data.get("exclude_actors", []))
        except (UnsafeUrl, UnknownActors) as error:
            raise _refused(error) from None
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(ApiView):
    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_partial_update",
                   parameters=[WORKSPACE_ID, WEBHOOK_ID], summary="Change a webhook (owners)",
                   request=WebhookWriteSerializer, responses={200: WebhookSerializer, **errors(*WRITE_ERRORS)})
    def patch(self, request: Request, workspace_id: str, webhook_id: str) -> Response:
        webhook = _webhook(request, workspace_id, webhook_id)
        data = valid_body(WebhookWriteSerializer, request, partial=True)
        try:
            webhook = webhook_update(webhook=webhook, data=dict(data))
        except (UnsafeUrl, UnknownActors) as error:
            raise _refused(error) from None
        return Response(WebhookSerializer(webhook).data)

    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_destroy",
                   parameters=[WORKSPACE_ID, WEBHOOK_ID], summary="Delete a webhook and its log (owners)",
                   responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, workspace_id: str, webhook_id: str) -> Response:
        webhook_delete(webhook=_webhook(request, workspace_id, webhook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(ApiView):
    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_deliveries_list",
                   parameters=[WORKSPACE_ID, WEBHOOK_ID], summary="A webhook's latest deliveries (owners)",
                   responses={200: DeliverySerializer(many=True), **errors(*OWNER_READ_ERRORS)})
    def get(self, request: Request, workspace_id: str, webhook_id: str) -> Response:
        webhook = _webhook(request, workspace_id, webhook_id)
        return Response(DeliverySerializer(webhook_deliveries(webhook)[:MAX_DELIVERIES], many=True).data)


class RedeliverView(ApiView):
    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_deliveries_redeliver",
                   parameters=[WORKSPACE_ID, WEBHOOK_ID, DELIVERY_ID],
                   summary="Send a delivery again, with the same id (owners)", request=None,
                   responses={202: DeliverySerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str, webhook_id: str, delivery_id: str) -> Response:
        webhook = _webhook(request, workspace_id, webhook_id)
        delivery = row_or_404(Delivery.objects.filter(webhook=webhook), delivery_id, "delivery")
        return Response(DeliverySerializer(delivery_redeliver(delivery=delivery)).data,
                        status=status.HTTP_202_ACCEPTED)


class RotateSecretView(ApiView):
    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_rotate_secret",
                   parameters=[WORKSPACE_ID, WEBHOOK_ID],
                   summary="Give a webhook a new secret (owners), shown this once; the old one keeps signing "
                           "for the overlap",
                   request=RotateSecretSerializer, responses={200: SecretRotatedSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str, webhook_id: str) -> Response:
        webhook = _webhook(request, workspace_id, webhook_id)
        data = valid_body(RotateSecretSerializer, request)
        webhook = webhook_rotate_secret(webhook=webhook, overlap_hours=data["overlap_hours"])
        return Response(SecretRotatedSerializer(webhook).data)


class SendTestView(ApiView):
    @extend_schema(tags=["webhooks"], operation_id="workspaces_webhooks_test",
                   parameters=[WORKSPACE_ID, WEBHOOK_ID],
                   summary="Send a `ping` event to this webhook (owners), through the delivery log", request=None,
                   responses={202: DeliverySerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, workspace_id: str, webhook_id: str) -> Response:
        webhook = _webhook(request, workspace_id, webhook_id)
        row = webhook_send_test(webhook=webhook, user=request.user)
        return Response(DeliverySerializer(row).data, status=status.HTTP_202_ACCEPTED)
