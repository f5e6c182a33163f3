"""`make demo PORT=8101` serves on 8101, and every demo process that writes a link (the pages, the worker's mails,
the calendar feed) is told so: SITE_URL follows HOST and PORT, unless set."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _demo_commands(*variables: str) -> list[str]:
    done = subprocess.run(
        ["make", "-n", "demo", *variables], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
    )
    commands = re.split(r"(?<!\\)\n", done.stdout)  # a recipe line continued with a backslash is one command
    return [command for command in commands if "manage.py" in command or "celery" in command]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_demo_links_to_the_port_it_serves_on() -> None:
    commands = _demo_commands("PORT=8101")
    assert any("runserver 127.0.0.1:8101" in line for line in commands)
    assert len(commands) >= 3 and all("SITE_URL=http://127.0.0.1:8101" in line for line in commands), commands


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_an_address_given_on_the_command_line_wins() -> None:
    commands = _demo_commands("PORT=8101", "SITE_URL=https://traguardi.ente.example.it")
    assert all("SITE_URL=https://traguardi.ente.example.it" in line for line in commands), commands


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_demo_runs_as_production_would_with_its_own_error_pages() -> None:
    """DEBUG off (the product's 404 and 500, not Django's debug page), plain HTTP on this machine, a secret key of
    its own kept in var/, mail into var/mail: in every command that serves, loads or sends."""
    commands = _demo_commands()
    for expected in ("DEBUG=false", "HTTPS=false", "SECRET_KEY_FILE=", "EMAIL_URL=file://", "-u SECRET_KEY"):
        assert all(expected in line for line in commands), (expected, commands)
    assert any("collectstatic" in line for line in commands)  # WhiteNoise serves the collected files with DEBUG off
