"""The throttles' counters live in Django's cache, shared by every process of the application: Redis when
REDIS_URL is set, files under var/cache/ otherwise. A second process (another gunicorn worker) sees the requests
the first one counted."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

REPO = Path(__file__).resolve().parents[2]
ANOTHER_PROCESS = """
import sys
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
caches = {name: {**config, "KEY_PREFIX": sys.argv[1]} for name, config in settings.CACHES.items()}
with override_settings(CACHES=caches, ALLOWED_HOSTS=["testserver"]):
    answer = Client().post(
        "/api/auth/token/", {"username": "anna", "password": "x"}, content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )
print(answer.status_code, answer.json()["code"])
"""


def test_a_second_process_sees_the_requests_the_first_one_counted(db: None, settings: Settings) -> None:
    # Real time, not the frozen one: the other process counts with its own clock.
    prefix = f"sharing-{uuid.uuid4().hex}"
    settings.CACHES = {name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()}
    for _ in range(10):  # the limit of one username from one address, 10 a minute
        APIClient().post("/api/auth/token/", {"username": "anna", "password": "x"}, REMOTE_ADDR="203.0.113.7")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", ANOTHER_PROCESS, prefix], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["429", "throttled"], done.stdout + done.stderr


def _cache_of(tmp_path: Path, **env: str) -> list[str]:
    script = "from django.conf import settings; print(*settings.CACHES['default'].values())"
    environment = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DATABASE_URL")}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "TRAGUARDI_VAR_DIR": str(tmp_path), **env}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_cache_is_redis_when_there_is_one_and_files_under_var_otherwise(tmp_path: Path) -> None:
    redis = "redis://cache.ente.example:6379/2"
    assert _cache_of(tmp_path, REDIS_URL=redis) == ["django.core.cache.backends.redis.RedisCache", redis, "traguardi"]
    files = ["django.core.cache.backends.filebased.FileBasedCache", str(tmp_path / "cache")]
    assert _cache_of(tmp_path) == files
