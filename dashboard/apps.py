from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The pages around the editor: the map list with its pictures, new maps from
    templates, copies, future states, archiving."""

    name = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"
