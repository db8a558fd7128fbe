from __future__ import annotations

from django.urls import path

from metrics.apis import MapMetricsView, MetricKeysView, MetricKeyView

urlpatterns = [
    path("maps/<str:map_id>/metrics/", MapMetricsView.as_view(), name="api-map-metrics"),
    path("workspaces/<str:workspace_id>/metric-keys/", MetricKeysView.as_view(), name="api-metric-keys"),
    path("workspaces/<str:workspace_id>/metric-keys/<str:key>/", MetricKeyView.as_view(), name="api-metric-key"),
]
