from django.contrib import admin

from touchpoints.models import Attachment, Channel, MomentOfTruth, Touchpoint


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "kind", "workspace")


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ("title", "map", "channel", "evaluation", "deleted_by_seq")


@admin.register(MomentOfTruth)
class MomentOfTruthAdmin(admin.ModelAdmin):
    list_display = ("title", "map", "importance", "impact", "valence")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("name", "content_type", "size", "map", "created_at")
    readonly_fields = ("file", "thumbnail", "content_type", "size", "sha256", "workspace", "map", "touchpoint",
                       "uploaded_by")
