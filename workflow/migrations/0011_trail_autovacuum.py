"""The trail's table vacuumed after 10,000 dead rows rather than a fifth of the table.

Sealing updates every new row of the trail (its place and hash), so a large import leaves as many dead rows, and
the unsealed rows' partial index (`audit_entry_unsealed`) keeps their entries until a vacuum: every commit's seal
then reads them (half a second after an import of 100,000 activities, measured). PostgreSQL's default waits for a
fifth of the table to be dead, which a trail of millions of rows may not reach for weeks."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SETTINGS = "autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 10000"


def tune(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE workflow_auditentry SET ({SETTINGS})")


def untune(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE workflow_auditentry RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)"
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0010_request_kinds")]

    operations = [migrations.RunPython(tune, untune)]
