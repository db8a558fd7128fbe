from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Maps in and out: the open file format, its readers and writers."""

    name = "interchange"
    default_auto_field = "django.db.models.BigAutoField"
