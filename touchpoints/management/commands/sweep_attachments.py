from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from touchpoints.attachments import SWEEP_GRACE_DEFAULT, SWEEP_GRACE_MIN, attachment_files_sweep, human_size


class Command(BaseCommand):
    help = ("Remove attachment files (and thumbnails) under MEDIA_ROOT/attachments/ that no attachment "
            "references any more, such as those of deleted maps and workspaces, once older than --hours.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=int, default=int(SWEEP_GRACE_DEFAULT.total_seconds() // 3600),
                            help="Leave files younger than this alone (default 24; at least 1, so that an "
                                 "upload in progress is never swept).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        grace = timedelta(hours=options["hours"])
        if grace < SWEEP_GRACE_MIN:
            raise CommandError("--hours must be at least 1: a younger file may belong to an upload in progress.")
        result = attachment_files_sweep(grace=grace, dry_run=options["dry_run"])
        verb = "Would remove" if options["dry_run"] else "Removed"
        self.stdout.write(f"{verb} {result['removed']} unreferenced attachment file(s) "
                          f"({human_size(result['bytes'])}) of {result['files']} checked.")
