"""Touchpoint routes under /api/v1/: the channel catalogue, a touchpoint's files,
and the reads over the rich lanes (the derived emotion curve, the priorities)."""

from __future__ import annotations

from django.urls import path

from touchpoints.apis import ChannelDetailView, ChannelListView
from touchpoints.attachment_apis import AttachmentDetailView, AttachmentDownloadView, AttachmentListView
from touchpoints.lane_apis import DerivedEmotionsView, PrioritiesView

urlpatterns = [
    path("workspaces/<str:workspace_id>/channels/", ChannelListView.as_view(), name="api-channels"),
    path("workspaces/<str:workspace_id>/channels/<str:channel_id>/", ChannelDetailView.as_view(),
         name="api-channel"),
    # journeymap.api includes these before the maps' nested emotions/<item_id>/ route,
    # which would otherwise take "derive" for an id.
    path("maps/<str:map_id>/emotions/derive/", DerivedEmotionsView.as_view(), name="api-map-emotions-derive"),
    path("maps/<str:map_id>/priorities/", PrioritiesView.as_view(), name="api-map-priorities"),
    path("maps/<str:map_id>/touchpoints/<str:touchpoint_id>/attachments/", AttachmentListView.as_view(),
         name="api-touchpoint-attachments"),
    path("maps/<str:map_id>/touchpoints/<str:touchpoint_id>/attachments/<str:attachment_id>/",
         AttachmentDetailView.as_view(), name="api-touchpoint-attachment"),
    path("maps/<str:map_id>/touchpoints/<str:touchpoint_id>/attachments/<str:attachment_id>/download/",
         AttachmentDownloadView.as_view(), name="api-touchpoint-attachment-download"),
]
