from __future__ import annotations

from django.urls import path

from sharing import views

urlpatterns = [
    path("<str:token>/", views.share_page, name="share_page"),
    path("<str:token>/ws-ticket/", views.share_ws_ticket, name="share_ws_ticket"),
    path("<str:token>/export/", views.share_export, name="share_export"),
    path("<str:token>/exports/<uuid:export_id>/", views.share_export_file, name="share_export_file"),
]
