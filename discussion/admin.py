from __future__ import annotations

from django.contrib import admin

from discussion.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "map", "anchor_type", "author", "status", "created_at", "deleted_at"]
    list_filter = ["anchor_type", "status"]
    raw_id_fields = ["map", "stage", "lane", "card", "touchpoint", "moment", "parent", "author", "resolved_by",
                     "mentions"]
