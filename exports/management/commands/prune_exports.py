from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from exports.services.jobs import prune_exports


class Command(BaseCommand):
    help = "Remove export files not used for EXPORT_RETENTION_DAYS days (or --days) and mark their rows expired."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        result = prune_exports(days=options["days"])
        self.stdout.write(
            f"Removed {result['files']} export file(s) and {result['temporary']} leftover temporary file(s); "
            f"{result['rows_expired']} export(s) marked expired."
        )
