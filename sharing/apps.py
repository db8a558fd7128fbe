from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Read-only share links: creating and revoking them, the share page, its
    tickets and exports. The ShareLink table stays in ``maps.models``."""

    name = "sharing"
    default_auto_field = "django.db.models.BigAutoField"
