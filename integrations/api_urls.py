from __future__ import annotations

from django.urls import path

from integrations.apis import DeliveryListView, RedeliverView, WebhookDetailView, WebhookListView

urlpatterns = [
    path("workspaces/<str:workspace_id>/webhooks/", WebhookListView.as_view(), name="api-webhooks"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/", WebhookDetailView.as_view(),
         name="api-webhook"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/deliveries/", DeliveryListView.as_view(),
         name="api-webhook-deliveries"),
    path("workspaces/<str:workspace_id>/webhooks/<str:webhook_id>/deliveries/<str:delivery_id>/redeliver/",
         RedeliverView.as_view(), name="api-webhook-redeliver"),
]
