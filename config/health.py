"""The health endpoints: no login, JSON, 200 when every check passes and 503 otherwise, with the failing check
named. A check that does not apply (no Redis on the embedded defaults) says "skipped" and does not fail.

- /health/live/: the process answers (a container's liveness: restart it if not); no check.
- /health/ready/: this instance can serve requests: the database answers. What a load balancer and the web
  container's health check ask, so that a stopped beat or a Redis hiccup does not take every web node out.
- /health/: everything the installation needs: the database, Redis, and a beat alive. For monitoring.
"""

from __future__ import annotations

from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

TIMEOUT_SECONDS = 2


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )


def _redis() -> str:
    if not settings.REDIS_URL:
        return "skipped"
    _client().ping()
    return "ok"


def beat_lock_key() -> str:
    return str(settings.CELERY_REDBEAT_LOCK_KEY)


def _beat() -> str:
    """celery-redbeat's beat renews its lock at every tick; the lock expires when no beat is running."""
    if not settings.REDIS_URL:
        return "skipped"
    if not _client().exists(beat_lock_key()):
        raise RuntimeError(f"no beat holds the lock {beat_lock_key()!r}: start the beat service")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "redis": _redis, "beat": _beat}
READY: dict[str, Callable[[], str]] = {"database": _database}


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    return _answer(CHECKS)


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    return _answer(READY)


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _answer(checks: dict[str, Callable[[], str]]) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure is the answer, not a crash
            results[name] = f"fail: {error.__class__.__name__}: {error}"
    healthy = all(not result.startswith("fail") for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503)
