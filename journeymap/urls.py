from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from journeymap.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("journeymap.api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("workspaces.urls")),
    path("accounts/", include("sharing.manage_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("s/", include("sharing.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("maps.page_urls")),
]
