from django.contrib import admin

from exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ("id", "map", "format", "status", "progress", "attempts", "created_at", "finished_at")
    list_filter = ("status", "format")
    # The snapshot can be megabytes of JSON: not worth a form field.
    exclude = ("snapshot",)
    readonly_fields = ("content_hash", "file", "lease_expires_at", "worker")
