from __future__ import annotations

from django.urls import path

from notifications.apis import NotificationListView, NotificationReadView, NotificationSettingsView

urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", NotificationReadView.as_view(), name="api-notifications-read"),
    path("notifications/settings/", NotificationSettingsView.as_view(), name="api-notifications-settings"),
]
