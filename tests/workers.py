"""A real Celery worker process for tests: `celery -A journeymap worker`, the command
people type (no --pool: the app's configured pool), on this session's own queue.

Use the ``celery_worker`` fixture (a started worker) or ``worker_factory`` (start
more, kill one with SIGKILL). Each test session has its own queue (CELERY_QUEUE),
so parallel runs on one Redis never take each other's tasks; the worker talks to
this test's database (transactional tests only) and MEDIA_ROOT.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parent.parent
SESSION_QUEUE = f"test-exports-{uuid.uuid4().hex[:10]}"


class Worker:
    def __init__(self, env: dict[str, str], name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "journeymap", "worker", "-Q", env["CELERY_QUEUE"],
             "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self.ready.set()

    def wait_ready(self, timeout: float = 60) -> None:
        if not self.ready.wait(timeout):
            raise AssertionError(f"worker {self.name} not ready:\n" + "\n".join(self.lines[-40:]))

    def helpers(self) -> list[int]:
        """Processes the worker started (its export render helpers), recursively."""
        return descendants(self.process.pid)[1:]

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, as when a machine dies."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory(settings, tmp_path, require_postgres, require_redis) -> Iterator:  # noqa: ANN001
    """Starts workers on this test's database, Redis, queue and a private MEDIA_ROOT."""
    db = connection.settings_dict
    need_service("a transactional test database", not connection.in_atomic_block,
                 "mark the test django_db(transaction=True)")
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    settings.CELERY_TASK_DEFAULT_QUEUE = SESSION_QUEUE
    settings.EXPORTS_IN_PROCESS = False
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                        f"{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": SESSION_QUEUE,
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "journeymap.settings",
        "PYTHONUNBUFFERED": "1",
    }
    started: list[Worker] = []

    def start(wait: bool = True) -> Worker:
        worker = Worker(env, f"w{len(started)}-{uuid.uuid4().hex[:6]}")
        started.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
    _purge_queue()


@pytest.fixture
def celery_worker(worker_factory) -> Worker:  # noqa: ANN001
    return worker_factory()


def _purge_queue() -> None:
    try:
        from journeymap.celery import app

        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(SESSION_QUEUE)
    except Exception:  # best effort: the queue name is unique to this session anyway
        pass


def descendants(pid: int) -> list[int]:
    """``pid`` and its children, recursively (Linux /proc)."""
    found = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += descendants(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_for(predicate, timeout: float, interval: float = 0.2):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
