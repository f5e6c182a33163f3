"""The bench database: created when missing, or dropped and rebuilt, then migrated.

The name, host and user come from Django's settings (DATABASE_URL, set by `bench.common.bench_env()`), so
`BENCH_DATABASE_URL=postgres://…/other python -m bench.…` works on another database without touching code.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg import sql

from bench.lock import hold_database


def _setup() -> dict[str, Any]:
    """Django's settings for the default database, configuring Django with bench_env() if nobody has yet."""
    from django.apps import apps

    if not apps.ready:
        from bench.common import setup_django

        setup_django()
    from django.conf import settings

    config: dict[str, Any] = settings.DATABASES["default"]
    if "postgresql" not in config["ENGINE"]:
        raise RuntimeError(f"the benchmarks need PostgreSQL, not {config['ENGINE']}")
    return config


def _maintenance_connection(config: dict[str, Any]) -> psycopg.Connection[Any]:
    """A connection to the `postgres` database, outside any transaction (CREATE/DROP DATABASE need that)."""
    return psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def _exists(connection: psycopg.Connection[Any], name: str) -> bool:
    return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _close_django_connections() -> None:
    from django.db import connections

    connections.close_all()


def _hold_lock(config: dict[str, Any]) -> None:
    """One run per bench database (bench.lock): stop here if another run uses it."""
    hold_database(
        config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
    )


def ensure_database() -> None:
    """Create the bench database if it is missing, and bring its schema up to date."""
    config = _setup()
    _hold_lock(config)
    with _maintenance_connection(config) as connection:
        if not _exists(connection, config["NAME"]):
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    _migrate()


def reset_database() -> None:
    """Drop the bench database, create it empty and migrate it. Refuses (PostgreSQL does) while another
    session is connected to it: a benchmark never pulls the database from under another one."""
    config = _setup()
    _hold_lock(config)
    _close_django_connections()
    with _maintenance_connection(config) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(config["NAME"])))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    _migrate()


def connect(**options: Any) -> psycopg.Connection[Any]:
    """A plain psycopg connection to the bench database (COPY, raw SQL), outside Django."""
    config = _setup()
    return psycopg.connect(
        dbname=config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        **options,
    )


def copy_lines(cursor: psycopg.Cursor[Any], table: str, columns: str, lines: list[str]) -> None:
    """COPY lines of text format (tab-separated, \\N for NULL) into `table`."""
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, len(lines), 10_000):
            copy.write("\n".join(lines[start : start + 10_000]) + "\n")


def drop_secondary_indexes(cursor: psycopg.Cursor[Any], tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes and unique constraints of `tables`, primary keys aside, and return the statements that
    put them back as the migrations made them: one index build after COPY beats updating it row by row."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
        [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name)))
    for name, _ in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in constraints
    ]


def record_dataset(cursor: psycopg.Cursor[Any], summary: dict[str, Any]) -> None:
    """Keep what the generator loaded in a table of its own, for the benchmarks that reuse it."""
    cursor.execute("CREATE TABLE bench_dataset (id int PRIMARY KEY, summary jsonb NOT NULL)")
    cursor.execute("INSERT INTO bench_dataset VALUES (1, %s)", [json.dumps(summary)])


def loaded_dataset() -> dict[str, Any] | None:
    """What the generator last loaded in the bench database, or None."""
    with connect() as connection:
        if connection.execute("SELECT to_regclass('bench_dataset')").fetchone() == (None,):
            return None
        row = connection.execute("SELECT summary FROM bench_dataset WHERE id = 1").fetchone()
        return row[0] if row else None
