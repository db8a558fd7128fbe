from __future__ import annotations

from django.urls import path

from personas import views

urlpatterns = [
    path("workspaces/<uuid:workspace_id>/personas/", views.library, name="persona_library"),
    path("personas/<uuid:persona_id>/avatar/", views.avatar, name="persona_avatar"),
]
