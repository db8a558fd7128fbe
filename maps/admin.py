from django.contrib import admin

from maps.models import (
    Card,
    EmotionPoint,
    Invitation,
    JourneyMap,
    Lane,
    MapPersona,
    Membership,
    Operation,
    Phase,
    ShareLink,
    Stage,
    Team,
    Workspace,
)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "workspace", "role", "team")
    list_filter = ("role",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "color")


@admin.register(JourneyMap)
class JourneyMapAdmin(admin.ModelAdmin):
    list_display = ("title", "workspace", "kind", "language", "seq", "archived", "updated_at")
    list_filter = ("kind", "language", "archived")
    search_fields = ("title",)


class MapEntityAdmin(admin.ModelAdmin):
    list_display = ("id", "map", "version", "deleted_by_seq")
    list_filter = ("deleted_by_seq",)


for model in (Phase, Stage, Lane, Card, EmotionPoint, MapPersona):
    admin.site.register(model, MapEntityAdmin)


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ("map", "seq", "batch_id", "actor_name", "status", "created_at")
    readonly_fields = ("map", "seq", "batch_id", "actor", "ops", "request_hash", "status")


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    # The token itself is never stored: only its hash, which is not shown.
    list_display = ("label", "map", "expires_at", "revoked_at", "allow_pdf", "created_at")
    exclude = ("token_hash",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("workspace", "kind", "role", "label", "expires_at", "revoked_at", "created_at")
    exclude = ("token_hash",)
