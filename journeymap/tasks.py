"""The Celery side of ``journeymap.periodic``: beat sends ``run_job`` with a job's path."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="journeymap.periodic.run_job", ignore_result=True)
def run_job(path: str) -> None:
    from journeymap.periodic import JOBS, run

    if path in dict(JOBS):  # only the jobs of the table, whatever a message says
        run(path)
