from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from journeymap.views import healthz
from workspaces.views import account

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
    path("account/", account, name="account"),
    path("", include("dashboard.urls")),
    path("", include("maps.urls")),
    path("", include("personas.urls")),
    path("", include("touchpoints.urls")),
    path("", include("integrations.urls")),
    path("", include("health.urls")),
    path("", include("versions.page_urls")),
]
