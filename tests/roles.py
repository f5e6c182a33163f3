"""The application's database role for the tests: a real PostgreSQL role that owns nothing, given its
privileges by `migrate` (DATABASE_APP_ROLE) or `grant_application_role`, as in production."""

from __future__ import annotations

import psycopg
from psycopg import sql

APPLICATION_ROLE = "traguardi_app_test"


def ensure_application_role(maintenance_url: str) -> None:
    """Create the role on the cluster of `maintenance_url` (a superuser's connection) unless it exists."""
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE]).fetchone() is None:
            connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APPLICATION_ROLE)))
