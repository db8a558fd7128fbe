"""Real servers for tests: daphne processes (and a private redis-server) on free ports.

Reusable by any test that needs the app over real sockets:

    def test_something(daphne_server):
        first, second = daphne_server(), daphne_server()      # two processes
        quick = daphne_server(HEARTBEAT_SECONDS="2")           # env overrides

The processes run against the current test database (so tests using them must be
transactional: ``pytest.mark.django_db(transaction=True)``) and the same Redis as
the test process (``REDIS_URL``), unless a ``REDIS_URL`` override is given. They
are killed when the test ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def database_url() -> str:
    """A DATABASE_URL for child processes pointing at the current test database."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


class ServerProcess:
    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.port = port
        self.log = Path(tempfile.gettempdir()) / f"jm-{name}-{port}-{os.getpid()}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        self.proc = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to close its sockets cleanly."""
        if self.alive:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.alive:
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class DaphneProcess(ServerProcess):
    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 40.0) -> DaphneProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                raise RuntimeError(f"daphne on {self.port} exited:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.http_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"daphne on {self.port} not ready:\n{self.tail()}")


def start_daphne(port: int | None = None, **overrides: str) -> DaphneProcess:
    """Start one daphne process on the test database; not yet waited for."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "journeymap.settings"}
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    env.update({key: str(value) for key, value in overrides.items()})
    if not env.get("REDIS_URL"):
        env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "daphne", "--websocket-max-message-size", "8388608", "-b", "127.0.0.1", "-p",
               str(port), "journeymap.asgi:application"]
    return DaphneProcess("daphne", command, env, port).start()


class RedisProcess(ServerProcess):
    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def wait_ready(self, timeout: float = 10.0) -> RedisProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if port_open(self.port):
                return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} not ready:\n{self.tail()}")

    def restart(self, down_seconds: float = 0.5) -> None:
        self.kill()
        time.sleep(down_seconds)
        self.start().wait_ready()


def redis_binary() -> str | None:
    return shutil.which("redis-server")


def start_redis(port: int | None = None) -> RedisProcess:
    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = port or free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    return RedisProcess("redis", command, dict(os.environ), port).start().wait_ready()


@pytest.fixture
def daphne_server(transactional_db) -> Iterator[Callable[..., DaphneProcess]]:
    """Factory: ``daphne_server(**env_overrides)`` starts a ready daphne process.

    ``daphne_server.many(n, **env)`` (the returned callable's attribute) starts
    several in parallel, which saves a few seconds per test.
    """
    started: list[DaphneProcess] = []

    def make(**overrides: Any) -> DaphneProcess:
        server = start_daphne(**overrides)
        started.append(server)
        return server.wait_ready()

    def many(count: int, **overrides: Any) -> list[DaphneProcess]:
        servers = [start_daphne(**overrides) for _ in range(count)]
        started.extend(servers)
        return [server.wait_ready() for server in servers]

    make.many = many  # type: ignore[attr-defined]
    yield make
    for server in started:
        server.stop()


@pytest.fixture
def redis_server() -> Iterator[Callable[[], RedisProcess]]:
    """Factory: a private redis-server on a free port, stopped after the test."""
    started: list[RedisProcess] = []

    def make() -> RedisProcess:
        server = start_redis()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
