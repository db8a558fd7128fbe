"""The compare page of a map and its PDF (the API is in ``versions.api_urls``)."""

from __future__ import annotations

from django.urls import path

from versions import views

urlpatterns = [
    path("maps/<uuid:map_id>/compare/", views.compare_page, name="map_compare"),
    path("maps/<uuid:map_id>/compare.pdf", views.compare_pdf, name="map_compare_pdf"),
]
