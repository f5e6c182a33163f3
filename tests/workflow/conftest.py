from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
import time_machine
from django.db import connection

from tests.conftest import TODAY
from tests.roles import APPLICATION_ROLE, ensure_application_role
from tests.workflow.world import World, build_world
from workflow.trail.install import grant_application_role


@pytest.fixture
def committed_world(transactional_db: None) -> Iterator[World]:
    """The world of tests/workflow/world.py, committed: for what happens at commit (the trail's chain) or is
    seen by another connection."""
    with time_machine.travel(TODAY, tick=False):
        yield build_world()


@pytest.fixture
def app(committed_world: World) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection as the application's database role: a real PostgreSQL role (created once on the cluster,
    given its privileges on the test database by `grant_application_role`, as `migrate` does in production)."""
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    ensure_application_role(f"postgres://{settings['USER']}@{host}:{port}/postgres")
    grant_application_role(APPLICATION_ROLE)
    with psycopg.connect(dbname=settings["NAME"], user=APPLICATION_ROLE, host=host, port=port) as application:
        yield application
