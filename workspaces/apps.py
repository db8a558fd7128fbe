from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Workspaces, their members, teams and invitations, and people's accounts.

    The tables stay in ``maps`` (``maps.models``: Workspace, Membership, Team,
    Invitation), so upgrading moves no data; this app holds what reads and writes
    them from outside a map: the API, the services, the account pages."""

    name = "workspaces"
    default_auto_field = "django.db.models.BigAutoField"
