from django.apps import AppConfig


class TouchpointsConfig(AppConfig):
    name = "touchpoints"
    default_auto_field = "django.db.models.BigAutoField"
