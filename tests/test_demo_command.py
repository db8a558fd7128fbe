"""`manage.py demo`, which bin/run calls on every start: it must never lock people out."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def state_dir(settings, tmp_path):
    settings.STATE_DIR = tmp_path / "state"
    return settings.STATE_DIR


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str | None:
    match = re.search(r"Login\s+demo / (\S+)", output)
    return match.group(1) if match else None


def test_running_it_again_keeps_the_password_and_prints_the_login_again(state_dir):
    first = printed_password(run_demo())
    assert first
    assert (state_dir / "demo-password-demo").stat().st_mode & 0o077 == 0
    assert printed_password(run_demo()) == first
    assert get_user_model().objects.get(username="demo").check_password(first)


def test_a_changed_password_is_kept_and_the_command_says_how_to_reset_it():
    run_demo()
    user = get_user_model().objects.get(username="demo")
    user.set_password("our workshop secret 42")
    user.save()
    output = run_demo()
    assert printed_password(output) is None
    assert "manage.py demo --reset-password" in output
    user.refresh_from_db()
    assert user.check_password("our workshop secret 42")


def test_reset_password_gives_a_new_one_that_works():
    first = printed_password(run_demo())
    second = printed_password(run_demo("--reset-password"))
    assert second and second != first
    assert get_user_model().objects.get(username="demo").check_password(second)
