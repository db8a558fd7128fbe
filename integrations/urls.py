from __future__ import annotations

from django.urls import path

from integrations import views

urlpatterns = [
    path("workspaces/<uuid:workspace_id>/integrations/", views.integrations_page, name="workspace_integrations"),
]
