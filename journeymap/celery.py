from __future__ import annotations

import os

from celery import Celery

from journeymap.periodic import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")

app = Celery("journeymap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# journeymap itself is no installed app: its periodic task is named here.
app.autodiscover_tasks(["journeymap"])
app.conf.beat_schedule = beat_schedule()
