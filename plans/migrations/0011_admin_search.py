"""Trigram indexes for the admin's search (PostgreSQL only; the embedded demo on SQLite runs without them).

The admin searches with `icontains`, which PostgreSQL runs as `UPPER(column::text) LIKE UPPER('%word%')`: a
GIN index of that expression with pg_trgm's operator class serves it, so a search at 1,000,000 activities reads
the matching rows instead of every row. pg_trgm is a trusted extension: the database's owner, who runs
`migrate`, may create it. The indexes are not in the models' Meta (SQLite has no GIN): Django's migration state
does not know them, and this migration alone creates and drops them.
"""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (model, column, index name): the columns the admin searches on the largest tables.
SEARCHED = (
    ("activity", "description", "activity_description_trgm"),
    ("activity", "planned_raw", "activity_planned_raw_trgm"),
    ("activity", "actual_raw", "activity_actual_raw_trgm"),
    ("objective", "code", "objective_code_trgm"),
    ("objective", "title", "objective_title_trgm"),
    ("objective", "description", "objective_description_trgm"),
    ("indicator", "name", "indicator_name_trgm"),
)


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for model_name, column, name in SEARCHED:
        table = apps.get_model("plans", model_name)._meta.db_table
        # The expression Django's icontains compares, with the trigram operator class. (Django's GinIndex with
        # OpClass(Upper(...)) writes the operator class inside the expression's parentheses: a syntax error.)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model_name, _column, name in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_rollover")]

    operations = [
        TrigramExtension(),  # does nothing on a database other than PostgreSQL
        migrations.RunPython(create, drop, elidable=False),
    ]
