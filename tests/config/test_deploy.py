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


def test_production_refuses_to_start_without_a_mail_server(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["EMAIL_URL"]
    done = _manage(env, "check")
    assert done.returncode != 0
    assert "DEBUG is off but EMAIL_URL is not set" in done.stderr


def test_secrets_are_read_from_the_files_their_FILE_variables_name(tmp_path: Path) -> None:
    secret = tmp_path / "secret-key"
    secret.write_text(
        "s" * 20 + "-a-secret-from-a-file-with-enough-different-characters-0123456789\n", encoding="utf-8"
    )
    mail = tmp_path / "email-url"
    mail.write_text("smtp://posta.ente.example.it:2525\n", encoding="utf-8")
    env = _production_env(tmp_path, SECRET_KEY_FILE=str(secret), EMAIL_URL_FILE=str(mail))
    del env["SECRET_KEY"], env["EMAIL_URL"]
    code = "from django.conf import settings as s; print(s.SECRET_KEY[:21], s.MAILERS['default']['OPTIONS']['port'])"
    done = _manage(env, "shell", "-v0", "-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["s" * 20 + "-", "2525"]
    both = _manage(_production_env(tmp_path, SECRET_KEY_FILE=str(secret)), "check")
    assert both.returncode != 0 and "SECRET_KEY and SECRET_KEY_FILE are both set" in both.stderr
    unreadable = _production_env(tmp_path, EMAIL_URL_FILE=str(tmp_path / "nowhere"))
    del unreadable["EMAIL_URL"]
    missing = _manage(unreadable, "check")
    assert missing.returncode != 0 and "EMAIL_URL_FILE=" in missing.stderr and "cannot be read" in missing.stderr


def test_a_footer_address_that_is_not_one_is_refused_by_name(tmp_path: Path) -> None:
    done = _manage(_production_env(tmp_path, FEEDBACK_URL="urp@ente.example.it"), "check")
    assert done.returncode != 0
    assert "FEEDBACK_URL='urp@ente.example.it' is not an address: use https://… or mailto:…." in done.stderr


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
