"""Shared set-up for benchmarks: a fresh database of their own, migrated.

Usage from a benchmark script, before importing models:

    from _setup import bench_database
    bench_database("apply")
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database(name: str) -> str:
    """Point Django at a fresh PostgreSQL database ``journeymap_bench_<name>`` (plus
    ``BENCH_DB_SUFFIX``, if set) and migrate it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL=postgres://... (benchmarks measure PostgreSQL)")
    import psycopg

    base, _, _ = url.rpartition("/")
    # BENCH_DB_SUFFIX keeps runs of several checkouts on one server apart.
    db_name = f"journeymap_bench_{name}{os.environ.get('BENCH_DB_SUFFIX', '')}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    os.environ["DATABASE_URL"] = f"{base}/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


def bench_people():
    """A workspace "Bench" owned by Ana, with three editors; the four people are split
    over two teams (Support, Sales), so per-person and per-team figures have something
    to tell apart. Returns ``(owner, workspace, teams, people)``, the owner first in ``people``."""
    from django.contrib.auth import get_user_model

    from maps.models import Membership, Team
    from workspaces.services import workspace_create

    users = get_user_model()
    owner = users.objects.create_user("bench-owner", first_name="Ana", password="bench-password-1")
    workspace = workspace_create(name="Bench", owner=owner)
    teams = [Team.objects.create(workspace=workspace, name=name) for name in ("Support", "Sales")]
    people = [owner]
    for i, name in enumerate(("Léo", "Chloé", "Hugo")):
        person = users.objects.create_user(f"bench-{i}", first_name=name)
        Membership.objects.create(workspace=workspace, user=person, role="editor", team=teams[i % 2])
        people.append(person)
    Membership.objects.filter(user=owner).update(team=teams[0])
    return owner, workspace, teams, people
