"""The workshop rehearsal the README tells people to run before a big workshop:
``bench/workshop.py`` run as a command against a running install (two daphne
processes here), with editors' API tokens and a map of its own. It must finish
with every check passed, the dot vote included, and say so."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("services")]

ROOT = Path(__file__).resolve().parents[2]


async def test_a_rehearsal_against_a_running_install_passes_its_checks(live_map, daphne_server):
    servers = daphne_server.many(2)
    command = [sys.executable, str(ROOT / "bench" / "workshop.py"), "--map", live_map.map_id,
               "--participants", "5", "--duration", "12", "--think", "1", "--cut-every", "5"]
    for server in servers:
        command += ["--url", server.http_url]
    for editor in live_map.editors[:3]:
        command += ["--token", live_map.token(editor)]
    done = await asyncio.to_thread(subprocess.run, command, cwd=ROOT, capture_output=True, text=True, timeout=240,
                                   env=dict(os.environ))
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "convergence, nothing lost, the vote: OK" in out
    assert re.search(r"5 documents compared with the server's at seq \d+", out)
    votes = re.search(r"vote -> own echo: .*\(n=(\d+)\)", out)
    assert votes and int(votes.group(1)) > 0, out
    assert re.search(r"reveal -> results on each participant: .*\(n=5\); \d+ dots on \d+ items", out), out
    assert re.search(r"reconnects: [1-9]", out), out  # the connections cut every 5 s came back
