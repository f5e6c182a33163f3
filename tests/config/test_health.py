"""/health/ says whether the database, Redis and the beat answer: 200 when all do, 503 naming the one
that does not. Redis and the beat are checked on the real Redis (its own db number)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from django.test import Client
from pytest_django.fixtures import Settings

from config.health import beat_lock_key

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (.ci/run sets it)")


@pytest.fixture
def health_redis(settings: Settings) -> Iterator[redis.Redis]:
    """A Redis database of this test's own, empty."""
    url = REDIS_URL.rsplit("/", 1)[0] + "/9"
    settings.REDIS_URL = url
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield client
    client.flushdb()


def test_on_the_embedded_defaults_only_the_database_is_checked(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "skipped", "beat": "skipped"}}
    assert "no-cache" in response["Cache-Control"]


@needs_redis
def test_without_a_running_beat_the_instance_is_unhealthy(client: Client, health_redis: redis.Redis) -> None:
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"] == "ok"
    assert body["checks"]["beat"].startswith("fail:") and "start the beat service" in body["checks"]["beat"]


@needs_redis
def test_with_the_beat_holding_its_lock_everything_is_ok(client: Client, health_redis: redis.Redis) -> None:
    health_redis.set(beat_lock_key(), "beat-1", ex=300)  # what a running redbeat beat keeps renewing
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "beat": "ok"}


def test_an_unreachable_redis_is_named_and_nothing_crashes(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("fail: ConnectionError")
    assert checks["beat"].startswith("fail: ConnectionError")


def test_only_reads_are_answered(client: Client) -> None:
    assert client.post("/health/").status_code == 405


@needs_redis
def test_ready_answers_with_the_beat_stopped_while_the_whole_check_does_not(
    client: Client, health_redis: redis.Redis
) -> None:
    """A stopped beat must not take every web node out of its load balancer: the web asks /health/ready/."""
    assert client.get("/health/").status_code == 503
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_live_answers_without_asking_anything(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from config import health

    def broken() -> str:
        raise OSError("connection refused")

    monkeypatch.setitem(health.READY, "database", broken)
    assert client.get("/health/ready/").status_code == 503
    response = client.get("/health/live/")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert client.post("/health/live/").status_code == 405


def test_ready_names_a_database_that_does_not_answer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from config import health

    def broken() -> str:
        raise OSError("connection refused")

    monkeypatch.setitem(health.READY, "database", broken)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail: OSError: connection refused"


def test_the_health_endpoints_answer_plain_http_where_every_other_page_goes_to_https(
    client: Client, settings: Settings
) -> None:
    """The container's checks speak plain http on loopback, behind the TLS proxy."""
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    for path in ("/health/", "/health/ready/", "/health/live/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/accounts/login/").status_code == 301


def test_the_container_check_asks_as_the_sites_host_which_the_settings_admit(
    client: Client, settings: Settings
) -> None:
    """Behind the proxy only the site's host is allowed: the web container's check sends it (docker-compose.yml)."""
    settings.ALLOWED_HOSTS = ["traguardi.ente.example.it"]
    assert client.get("/health/ready/", HTTP_HOST="traguardi.ente.example.it").status_code == 200
    assert client.get("/health/ready/", HTTP_HOST="127.0.0.1:8000").status_code == 400
