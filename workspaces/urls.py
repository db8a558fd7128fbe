"""Pages under /accounts/ (mounted before django.contrib.auth.urls, so the
password pages here use our templates)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from workspaces import views

urlpatterns = [
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("workspaces/<uuid:workspace_id>/members/", views.members, name="workspace_members"),
    path("password_change/", auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html"), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_done.html"), name="password_change_done"),
    path("password_reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html", email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt"), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html"), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_done.html"), name="password_reset_complete"),
]
