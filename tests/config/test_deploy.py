"""Production settings pass Django's deployment checklist, and refuse to start with the development key."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from config.logs import JsonFormatter

REPO = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-secret-with-plenty-of-different-characters-0123456789",
        "ALLOWED_HOSTS": "traguardi.ente.example.it",
        "SITE_URL": "https://traguardi.ente.example.it",
        "TRAGUARDI_VAR_DIR": str(tmp_path),
        "LOG_FORMAT": "json",
        "EMAIL_URL": "smtp://posta.ente.example.it:587",
    }
    return env | overrides


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_gives_no_warning_with_the_production_settings(tmp_path: Path) -> None:
    done = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_does_warn_when_https_is_switched_off(tmp_path: Path) -> None:
    # The same check can fail: without HTTPS the cookies are not secure and nothing redirects.
    done = _manage(_production_env(tmp_path, HTTPS="false"), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W012" in done.stderr + done.stdout  # SESSION_COOKIE_SECURE


def test_production_refuses_the_development_secret_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    done = _manage(env, "check")
    assert done.returncode != 0
    assert "SECRET_KEY is the development key" in done.stderr


def test_json_logs_are_one_object_per_line_with_the_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"name": "traguardi.test", "levelname": "WARNING", "levelno": logging.WARNING, "msg": "invio %s"}
    )
    record.args = ("fallito",)
    record.recipient = 42
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "traguardi.test"
    assert entry["message"] == "invio fallito" and entry["recipient"] == 42
    assert entry["time"].endswith("+00:00")
