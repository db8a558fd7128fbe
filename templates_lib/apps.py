from django.apps import AppConfig


class TemplatesLibConfig(AppConfig):
    name = "templates_lib"
    default_auto_field = "django.db.models.BigAutoField"
