from django.contrib import admin

from templates_lib.models import MapTemplate


@admin.register(MapTemplate)
class MapTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "language", "workspace")
