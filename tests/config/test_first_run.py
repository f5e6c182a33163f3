"""The README's first command runs on embedded defaults: SQLite, a server-less broker, mail to files.
This runs its steps in fresh processes with none of the production variables set."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


# A postponement asked by staff, approved by the area head, then by the director: the workflow on SQLite, dates
# among its parameters. The new deadline falls next January:
# within the dates a plan allows (plans.limits), since the current year counts as one of the plan's.
NEW_END = f"{dt.date.today().year + 1}-01-31"
POSTPONE = f"""
import datetime as dt
from django.contrib.auth.models import User
from plans.models import Activity, Area, WorkState
from workflow.services import approval_approve, item_rinvia
area = next(a for a in Area.objects.exclude(head=None).order_by("pk") if a.members.exists())
activity = Activity.objects.filter(objective__areas=area, state=WorkState.AVVIATO).order_by("pk").first()
staff = area.members.order_by("pk").first()
new_end = dt.date.fromisoformat("{NEW_END}")
asked = item_rinvia(actor=staff, item=activity, reason="Gara deserta", new_planned_end=new_end)
head = approval_approve(actor=area.head, request=asked.request)
director = approval_approve(actor=User.objects.get(username="direttore"), request=head.request)
activity.refresh_from_db()
steps = asked.request.current_step, head.request.current_step
print("postponed:", *steps, director.request.status, activity.planned_end)
"""


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _worker_starts(env: dict[str, str]) -> None:
    """The worker, with its embedded beat, comes up on the file-system broker."""
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "-B",
            "--loglevel=info",
            "--concurrency=1",
            f"--schedule={env['TRAGUARDI_VAR_DIR']}/celerybeat-schedule",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = []
        deadline = time.monotonic() + 60
        assert worker.stdout is not None
        for line in worker.stdout:
            seen.append(line)
            if " ready." in line or time.monotonic() > deadline:
                break
        assert any(" ready." in line for line in seen), "".join(seen[-30:])
    finally:
        worker.terminate()
        worker.wait(timeout=20)


@pytest.mark.slow
def test_embedded_defaults_serve_the_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
    env["TRAGUARDI_VAR_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _manage(env, "migrate", "--no-input", "-v0")
    assert (tmp_path / "traguardi.sqlite3").is_file()
    assert "Utenti demo creati: direttore, oiv" in _manage(env, "load_demo")
    # What make demo runs next: the homes' forecast and scores are there from the first page.
    refreshed = _manage(env, "refresh_evaluation")
    stored = re.search(r"'snapshots': (\d+).*forecasts: \{'stored': (\d+)", refreshed)
    assert stored is not None and int(stored[1]) > 0 and int(stored[2]) > 0, refreshed
    assert f"postponed: area_head director approved {NEW_END}" in _manage(env, "shell", "-v0", "-c", POSTPONE)
    settings = _manage(env, "shell", "-c", "from django.conf import settings as s; print(s.CELERY_BROKER_URL)")
    assert settings.strip().splitlines()[-1] == "filesystem://"
    _manage(env, "sendtestemail", "direttore@demo.traguardi.localhost")
    assert len(list((tmp_path / "mail").glob("*.log"))) == 1
    _worker_starts(env)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert 'name="username"' in body
    finally:
        server.terminate()
        server.wait(timeout=10)
