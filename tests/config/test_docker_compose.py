"""docker-compose.yml describes production: Docker does not run here, so the file itself is checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services: dict[str, Any] = document["services"]
    return services


def _command(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_every_production_service_is_there_with_a_health_check(services: dict[str, Any]) -> None:
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "documents", "beat", "mail"}
    for name, service in services.items():
        if name == "migrate":  # one-shot: the others wait for it to complete successfully instead
            assert service["restart"] == "no"
            continue
        assert service["healthcheck"]["test"], f"{name} has no health check"


def test_redis_keeps_its_data_and_never_evicts(services: dict[str, Any]) -> None:
    command = _command(services["redis"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    assert services["redis"]["volumes"]


def test_web_worker_and_beat_run_the_app_on_postgres_and_redis(services: dict[str, Any]) -> None:
    for name in ("web", "worker", "documents", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DEBUG"] == "false"
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        # The optional settings reach every process: error reports (mail, Sentry) and single sign-on.
        for optional in ("ADMINS", "SENTRY_DSN", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_JWKS_ENDPOINT"):
            assert environment[optional] == f"${{{optional}:-}}", (name, optional)
    assert "gunicorn config.wsgi:application" in _command(services["web"])
    assert "request_id=%({x-request-id}o)s" in _command(services["web"])  # the access log's lines too


def test_the_app_connects_as_a_role_that_owns_nothing_and_only_migrate_as_the_owner(services: dict[str, Any]) -> None:
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://traguardi_app:"), name
        assert "DATABASE_APP_ROLE" not in environment and "migrate" not in _command(services[name])
    migrate = services["migrate"]
    assert _command(migrate) == "python manage.py migrate --no-input"
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://traguardi:")
    assert migrate["environment"]["DATABASE_APP_ROLE"] == "traguardi_app"
    # The postgres image creates that role on a new volume, with the script the compose file mounts.
    [mount] = [volume for volume in services["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in volume]
    script = (COMPOSE.parent / mount.split(":")[0]).read_text(encoding="utf-8")
    assert "CREATE ROLE traguardi_app LOGIN PASSWORD :'app_password'" in script
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "traguardi"


def test_exactly_one_beat_using_redbeat_and_no_embedded_beat(services: dict[str, Any]) -> None:
    assert "beat --scheduler redbeat.RedBeatScheduler" in _command(services["beat"])
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "worker" in _command(services["worker"])
    for name, service in services.items():
        if "command" in service:
            assert " -B" not in _command(service) and "--beat" not in _command(service), name


def test_the_web_health_check_asks_whether_it_is_ready_not_whether_the_beat_runs(services: dict[str, Any]) -> None:
    check = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/ready/" in check
    assert "urlsplit(os.environ['SITE_URL']).netloc" in check and "headers={'Host': host}" in check
    environment = services["web"]["environment"]
    assert environment["HTTPS"].startswith("${HTTPS:-true") and environment["LOG_FORMAT"] == "json"


def test_the_image_holds_every_package_and_the_translations() -> None:
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text(encoding="utf-8")
    copied = {line.split()[1] for line in dockerfile.splitlines() if line.startswith("COPY ")}
    pyproject = (COMPOSE.parent / "pyproject.toml").read_text(encoding="utf-8")
    include = pyproject.split("include = [", 1)[1].split("]", 1)[0]
    packages = {name.strip().strip('"').rstrip("*") for name in include.split(",") if name.strip()}
    assert packages <= copied, f"the Dockerfile does not copy {sorted(packages - copied)}"
    assert "locale" in copied and "collectstatic" in dockerfile and "libpango" in dockerfile


PINNED = re.compile(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?$")  # a release, never "latest" nor a bare major version


def test_every_image_is_pinned_to_a_release(services: dict[str, Any]) -> None:
    for name, service in services.items():
        image = service.get("image", "")
        if image.startswith("traguardi:"):  # built from this repository
            continue
        assert PINNED.match(image), f"{name}: {image!r} is not pinned to a release"


def test_the_mail_catcher_runs_only_in_the_dev_profile_and_production_needs_a_mail_server(
    services: dict[str, Any],
) -> None:
    assert services["mail"]["profiles"] == ["dev"]
    assert all("profiles" not in service for name, service in services.items() if name != "mail")
    email = services["web"]["environment"]["EMAIL_URL"]
    assert email.startswith("${EMAIL_URL:?") and "mail:1025" not in email


def test_mail_and_documents_have_workers_of_their_own(services: dict[str, Any]) -> None:
    from django.conf import settings

    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == {"celery", "mail", "documents"}
    assert "--queues=mail,celery" in _command(services["worker"])
    assert "--queues=documents" in _command(services["documents"])
    routes = settings.CELERY_TASK_ROUTES
    assert routes["reports.tasks.prepare_export"] == routes["plans.tasks.run_plan_import"] == {"queue": "documents"}
    from config.celery import app

    app.loader.import_default_modules()  # every app's tasks module
    taken = {queue for name in ("worker", "documents") for queue in _queues(services[name])}
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= ours and len(ours) >= 9
    queues = {task: app.amqp.router.route({}, task)["queue"].name for task in ours}
    assert set(queues.values()) <= taken, f"tasks on a queue no worker takes: {queues}"
    assert queues["notifications.tasks.dispatch_messages"] == "mail"
    assert queues["reports.tasks.prepare_export"] == queues["plans.tasks.run_plan_import"] == "documents"
    assert queues["evaluation.tasks.refresh_scores"] == "celery"


def _queues(service: dict[str, Any]) -> list[str]:
    [option] = [part for part in service["command"] if part.startswith("--queues=")]
    return option.removeprefix("--queues=").split(",")
