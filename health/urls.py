from __future__ import annotations

from django.urls import path

from health import views

urlpatterns = [
    path("workspaces/<uuid:workspace_id>/company-words/", views.company_words_page, name="workspace_company_words"),
]
