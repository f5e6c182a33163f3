"""Write many rows at once with PostgreSQL COPY, sending the values Django's bulk_create/bulk_update would.

bulk_create spends most of its time building one large INSERT per batch and adapting every parameter, and
bulk_update builds a CASE WHEN per field and row; COPY streams the rows instead, several times faster for
the 100,000-row tables of a large plan. New rows get their primary keys from the table's own sequence
first, as an INSERT would. Row-level triggers fire on COPY as on INSERT; no signals are sent by any of them.

Rows are either model instances (`insert_rows`) or plain dicts of attribute names (`insert_values`,
`update_values`): building a model instance costs more than writing its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

FALLBACK_BATCH_SIZE = 2000
Values = Mapping[str, Any]

# Field classes whose database value is the Python value itself when it has one of these exact types (their
# to_python/get_prep_value return such a value unchanged); any other value goes through get_db_prep_save.
_NONE = type(None)
_UNCHANGED: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str, _NONE),
    models.TextField: (str, _NONE),
    models.BooleanField: (bool, _NONE),
    models.DateField: (dt.date, _NONE),
    models.DecimalField: (_NONE,),
    models.IntegerField: (int, _NONE),
    models.PositiveIntegerField: (int, _NONE),
    models.PositiveSmallIntegerField: (int, _NONE),
    models.SmallIntegerField: (int, _NONE),
    models.BigIntegerField: (int, _NONE),
    models.AutoField: (int, _NONE),
    models.BigAutoField: (int, _NONE),
    models.ForeignKey: (int, _NONE),
}


def _connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def _fills_itself(field: models.Field[Any, Any]) -> bool:
    """Whether pre_save computes the value of a new row (auto_now, auto_now_add, and unknown overrides)."""
    if isinstance(field, models.DateField):
        return field.auto_now or field.auto_now_add or type(field).pre_save is not models.DateField.pre_save
    return type(field).pre_save is not models.Field.pre_save


def _unchanged_types(field: models.Field[Any, Any]) -> tuple[type, ...]:
    """The exact Python types whose values this field sends to the database as they are."""
    if isinstance(field, models.ForeignKey) and type(field.target_field) not in _UNCHANGED:
        return ()
    return _UNCHANGED.get(type(field), ())


def _filled_later(value: Any, connection: BaseDatabaseWrapper) -> None:
    return None


def _converter(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """Python value → the value bulk_create would send for this field."""
    unchanged, prepare = _unchanged_types(field), field.get_db_prep_save
    return lambda value: value if type(value) in unchanged else prepare(value, connection)


def _columns(model: type[models.Model], fields: Iterable[models.Field[Any, Any]]) -> str:
    quote = _connection().ops.quote_name
    return ", ".join(quote(_column(field)) for field in fields)


def _column(field: models.Field[Any, Any]) -> str:
    assert field.column is not None  # concrete fields have a column
    return field.column


def _allocate_keys(model: type[models.Model], count: int) -> list[int]:
    meta = model._meta
    assert meta.pk is not None
    with _connection().cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [key for (key,) in cursor.fetchall()]


def _copy(model: type[models.Model], fields: Sequence[models.Field[Any, Any]], rows: Iterable[list[Any]]) -> None:
    connection = _connection()
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({_columns(model, fields)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _writable(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if not field.generated]


def _copy_possible(model: type[models.Model]) -> bool:
    """PostgreSQL, a primary key drawn from a sequence, and no default computed by the database."""
    automatic_key = isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
    return (
        _connection().vendor == "postgresql"
        and automatic_key
        and not any(field.has_db_default() for field in _writable(model))
    )


def _reader(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """Model instance → the value bulk_create would send for this field."""
    if _fills_itself(field):
        return lambda row: field.get_db_prep_save(field.pre_save(row, True), connection)
    convert, attname = _converter(field, connection), field.attname
    return lambda row: convert(getattr(row, attname))


def insert_rows[M: models.Model](model: type[M], rows: Sequence[M]) -> None:
    """Insert `rows` (new, unsaved instances of `model`) and set their primary keys."""
    if not rows:
        return
    if not _copy_possible(model):
        model._default_manager.bulk_create(rows, batch_size=FALLBACK_BATCH_SIZE)
        return
    connection = _connection()
    pk = model._meta.pk
    assert pk is not None
    for row, key in zip(rows, _allocate_keys(model, len(rows)), strict=True):
        setattr(row, pk.attname, key)
    fields = _writable(model)
    readers = [_reader(field, connection) for field in fields]
    _copy(model, fields, ([read(row) for read in readers] for row in rows))
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


def insert_values(model: type[models.Model], count: int, rows: Iterable[Values]) -> list[int]:
    """Insert `count` new rows given as {attname: value} (other fields take their defaults, as in
    `model(**row)`), read one at a time; return their primary keys, in order."""
    if not count:
        return []
    if not _copy_possible(model):
        instances = [model(**row) for row in rows]
        insert_rows(model, instances)
        return [instance.pk for instance in instances]
    connection = _connection()
    pk = model._meta.pk
    assert pk is not None
    keys = _allocate_keys(model, count)
    fields = _writable(model)
    key_index = fields.index(pk)
    self_filled = [(index, field) for index, field in enumerate(fields) if _fills_itself(field)]
    plan = [(field.attname, _unchanged_types(field), field.get_db_prep_save, field.get_default) for field in fields]
    for index, field in self_filled:
        plan[index] = (field.attname, (), _filled_later, field.get_default)

    def database_row(key: int, row: Values) -> list[Any]:
        values = [
            value if type(value) in unchanged else prepare(value, connection)
            for attname, unchanged, prepare, default in plan
            for value in (row[attname] if attname in row else default(),)
        ]
        values[key_index] = key
        if self_filled:
            # pre_save computes these (auto_now_add): give it the row, as it would read a model instance.
            shim = SimpleNamespace(**row)
            for index, field in self_filled:
                setattr(shim, field.attname, row[field.attname] if field.attname in row else field.get_default())
                values[index] = field.get_db_prep_save(field.pre_save(shim, True), connection)  # type: ignore[arg-type]
        return values

    _copy(model, fields, (database_row(key, row) for key, row in zip(keys, rows, strict=True)))
    return keys


def update_values(model: type[models.Model], rows: Sequence[tuple[int, Values]], names: Sequence[str]) -> None:
    """Set the fields `names` (attnames) of existing rows given as (primary key, {attname: value}); every row
    must carry every name. One COPY into a temporary table and one UPDATE, instead of bulk_update's CASEs."""
    if not rows:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    by_attname = {field.attname: field for field in _writable(model)}
    fields = [by_attname[name] for name in names]
    if _connection().vendor != "postgresql":
        instances = []
        for key, values in rows:
            instance = model(**{pk.attname: key})
            for name in names:
                setattr(instance, name, values[name])
            instances.append(instance)
        model._default_manager.bulk_update(instances, [field.name for field in fields], batch_size=FALLBACK_BATCH_SIZE)
        return
    connection = _connection()
    quote = connection.ops.quote_name
    # In pg_temp only: this session's own temporary table, never a table of the database by that name.
    table, staging = quote(meta.db_table), "pg_temp." + quote(f"import_update_{meta.db_table}")
    columns = _columns(model, [pk, *fields])
    converters = [_converter(field, connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TABLE {staging} AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for key, values in rows:
                copy.write_row([key, *(convert(values[name]) for convert, name in zip(converters, names, strict=True))])
        assignments = ", ".join(f"{quote(_column(field))} = staged.{quote(_column(field))}" for field in fields)
        key_column = quote(_column(pk))
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {staging} AS staged "
            f"WHERE {table}.{key_column} = staged.{key_column}"
        )
        cursor.execute(f"DROP TABLE {staging}")
