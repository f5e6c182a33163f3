"""Extended statistics on (state, next_reminder_on) for the reminder scan (PostgreSQL only).

The scan reads open items whose next reminder day has come or is unknown (NULL). Alone, the column
statistics say that most rows have no reminder day, but those rows are the concluded ones: without the
joint distribution the planner expected about a quarter of a million due activities out of 1,000,000 where
there were 500, and chose to walk a whole index in order instead of reading the 500 rows through the partial
index (280 ms instead of under 1 ms; see BENCHMARKS.md, the scan).
"""

from typing import Any

from django.db import migrations

TABLES = ("plans_activity", "plans_objective")


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {table}_state_reminder (mcv) ON state, next_reminder_on FROM {table}")
        schema_editor.execute(f"ANALYZE {table}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {table}_state_reminder")


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_next_reminder")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
