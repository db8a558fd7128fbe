from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from maps.models import Operation


class Command(BaseCommand):
    help = "Delete op-log rows older than OPLOG_RETENTION_DAYS (clients further behind reload the document)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.OPLOG_RETENTION_DAYS)
        deleted, _ = Operation.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"deleted {deleted} op-log rows older than {settings.OPLOG_RETENTION_DAYS} days")
