"""The bench's data generator (bench.generate) COPYs rows with its own column lists, for speed: a column it does
not name must take a value by itself (nullable, or a database default), or the generator fails on the next
benchmark run, as it did when the activity's code was added (issue 19). Checked here against the models, so that
a new column breaks a test rather than the next benchmark."""

from __future__ import annotations

from django.apps import apps
from django.db.models import NOT_PROVIDED

from bench.generate import ACTIVITY_COLUMNS, COLUMNS


def test_every_column_the_generator_leaves_out_fills_itself() -> None:
    tables = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    listed = COLUMNS | {"plans_activity": ACTIVITY_COLUMNS}
    unfilled = []
    for table, columns in listed.items():
        named = {column.strip() for column in columns.split(",")}
        for field in tables[table]._meta.concrete_fields:
            if field.column in named or field.null or field.db_default is not NOT_PROVIDED:
                continue
            unfilled.append(f"{table}.{field.column}")
    assert unfilled == []
