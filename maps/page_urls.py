from __future__ import annotations

from django.urls import path

from maps import views
from personas import views as persona_views
from touchpoints import views as channel_views
from versions import views as version_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("workspaces/new/", views.workspace_new, name="workspace_new"),
    path("maps/new/", views.map_new, name="map_new"),
    path("maps/<uuid:map_id>/", views.map_editor, name="map_editor"),
    path("maps/<uuid:map_id>/thumbnail.svg", views.map_thumbnail, name="map_thumbnail"),
    path("maps/<uuid:map_id>/duplicate/", views.map_duplicate, name="map_duplicate"),
    path("maps/<uuid:map_id>/future-state/", views.map_future_state, name="map_future_state"),
    path("maps/<uuid:map_id>/archive/", views.map_archive_toggle, name="map_archive"),
    path("maps/<uuid:map_id>/compare/", version_views.compare_page, name="map_compare"),
    path("maps/<uuid:map_id>/compare.pdf", version_views.compare_pdf, name="map_compare_pdf"),
    path("workspaces/<uuid:workspace_id>/personas/", persona_views.library, name="persona_library"),
    path("personas/<uuid:persona_id>/avatar/", persona_views.avatar, name="persona_avatar"),
    path("workspaces/<uuid:workspace_id>/channels/", channel_views.catalogue, name="channel_catalogue"),
    path("account/", views.account, name="account"),
]
