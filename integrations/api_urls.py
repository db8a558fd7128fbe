from __future__ import annotations

from django.urls import path

from integrations.apis import (
    DeliveryListView,
    RedeliverView,
    RotateSecretView,
    SendTestView,
    WebhookDetailView,
    WebhookListView,
)
from integrations.token_apis import ServiceTokenDetailView, ServiceTokenListView

urlpatterns = [
    path("workspaces/<str:workspace_id>/webhooks/", WebhookListView.as_view(), name="api-webhooks"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/", WebhookDetailView.as_view(),
         name="api-webhook"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/deliveries/", DeliveryListView.as_view(),
         name="api-webhook-deliveries"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/deliveries/<str:delivery_id>/redeliver/",
         RedeliverView.as_view(), name="api-webhook-redeliver"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/rotate-secret/", RotateSecretView.as_view(),
         name="api-webhook-rotate-secret"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/test/", SendTestView.as_view(),
         name="api-webhook-test"),
    path("workspaces/<str:workspace_id>/tokens/", ServiceTokenListView.as_view(), name="api-service-tokens"),
    path("workspaces/<str:workspace_id>/tokens/<str:token_id>/", ServiceTokenDetailView.as_view(),
         name="api-service-token"),
]
