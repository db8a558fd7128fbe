from __future__ import annotations

from django.urls import path

from maps import share_views

urlpatterns = [
    path("<str:token>/", share_views.share_page, name="share_page"),
    path("<str:token>/ws-ticket/", share_views.share_ws_ticket, name="share_ws_ticket"),
    path("<str:token>/export/", share_views.share_export, name="share_export"),
    path("<str:token>/exports/<uuid:export_id>/", share_views.share_export_file, name="share_export_file"),
]
