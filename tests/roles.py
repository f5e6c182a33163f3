"""The application's database role for the tests: a real PostgreSQL role that owns nothing, given its
privileges by `migrate` (DATABASE_APP_ROLE) or `grant_application_role`, as in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection
from psycopg import sql

APPLICATION_ROLE = "traguardi_app_test"


def ensure_application_role(maintenance_url: str) -> None:
    """Create the role on the cluster of `maintenance_url` (a superuser's connection) unless it exists."""
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE]).fetchone() is None:
            connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APPLICATION_ROLE)))


@contextmanager
def triggers_off() -> Iterator[None]:
    """As a superuser (the tests' connection): no trigger fires in the block, to write a row as a database of
    before a check may hold it. The application's role cannot do this (test_trail_roles)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            cursor.execute("SET session_replication_role = origin")
