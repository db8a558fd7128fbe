"""Comment routes, mounted under /api/v1/ (ids are checked by the views, so a
malformed one answers the API's JSON 404)."""

from __future__ import annotations

from django.urls import path

from discussion.apis import CommentDetailView, CommentListView, CommentReadView

urlpatterns = [
    path("maps/<str:map_id>/comments/", CommentListView.as_view(), name="api-map-comments"),
    path("maps/<str:map_id>/comments/<str:comment_id>/", CommentDetailView.as_view(), name="api-map-comment"),
    path("maps/<str:map_id>/comments/<str:comment_id>/read/", CommentReadView.as_view(),
         name="api-map-comment-read"),
]
