"""Installing the trail's triggers, and the privileges of the application's database role.

Both run as the owner of the tables (the role that runs `migrate`), after every migration (`post_migrate`), so
that the triggers always match the models and a new table is granted to the application at once. The triggers
are installed again only when their SQL changed: a hash of it is kept as the comment of one function.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model

from plans.models import PlanReopening
from workflow.models import Approval, AuditEntry, PlanVersion, TransitionRequest
from workflow.trail.chain import CHAIN_SQL, seal_pending
from workflow.trail.freeze import freeze_sql
from workflow.trail.guards import GUARDS_SQL
from workflow.trail.tracking import tracking_sql

MARKER = "traguardi_audit_seal(bigint)"


def _installed_sql() -> str:
    return CHAIN_SQL + GUARDS_SQL + tracking_sql() + freeze_sql()


def install_trail(using: str = "default") -> bool:
    """Install or refresh the trail's functions and triggers (PostgreSQL only); True when something changed.
    Rows written before the chain existed are sealed into it."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    sql = _installed_sql()
    version = hashlib.sha256(sql.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(to_regprocedure(%s), 'pg_proc')", [MARKER])
        if cursor.fetchone()[0] == version:
            return False
        with transaction.atomic(using=using):
            cursor.execute(sql)
            cursor.execute(f"COMMENT ON FUNCTION {MARKER} IS %s", [version])
            seal_pending()
    return True


# What the application may never do to the evidence: the trail and the decisions are only ever inserted;
# requests change only in the columns their services update; a plan's reopening is kept as written.
APPEND_ONLY: tuple[type[Model], ...] = (AuditEntry, Approval, PlanVersion, PlanReopening)
PARTLY_UPDATABLE: dict[type[Model], tuple[str, ...]] = {TransitionRequest: TransitionRequest.UPDATABLE_FIELDS}


def grant_application_role(role: str, using: str = "default") -> None:
    """Give `role` what the application needs on every table and sequence, and nothing more: no TRUNCATE, no
    TRIGGER, no REFERENCES anywhere; no UPDATE or DELETE on the append-only tables; no DDL (it owns nothing)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    grantee = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {grantee}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {grantee}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {grantee}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {grantee}",
        f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {grantee}",
    ]
    for model in APPEND_ONLY:
        statements.append(f"REVOKE UPDATE, DELETE ON {quote(model._meta.db_table)} FROM {grantee}")
    for model, fields in PARTLY_UPDATABLE.items():
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)  # type: ignore[union-attr,arg-type]
        statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {grantee}")
        statements.append(f"GRANT UPDATE ({columns}) ON {table} TO {grantee}")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the triggers, then the application role's privileges when one is configured."""
    if connections[using].vendor != "postgresql":
        return
    install_trail(using)
    if settings.DATABASE_APP_ROLE:
        grant_application_role(settings.DATABASE_APP_ROLE, using)
