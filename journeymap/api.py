"""The /api/v1/ URL space: each app contributes its own routes module (its
``api_urls``), and nothing else routes under /api/v1/.

Order matters only where a fixed segment shares a place with an id: the
touchpoints' ``maps/<id>/emotions/derive/`` comes before the maps' nested
``maps/<id>/emotions/<item_id>/``.
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the page needs no
    # inline script under our Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("workspaces.api_urls")),
    path("", include("personas.api_urls")),
    path("", include("touchpoints.api_urls")),
    path("", include("templates_lib.api_urls")),
    path("", include("maps.api_urls")),
    path("", include("exports.api_urls")),
    path("", include("discussion.api_urls")),
    path("", include("sharing.api_urls")),
    path("", include("interchange.api_urls")),
    path("", include("history.api_urls")),
    path("", include("versions.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("integrations.api_urls")),
    path("", include("health.api_urls")),
    path("", include("metrics.api_urls")),
    path("", include("reviews.api_urls")),
]
