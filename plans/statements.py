"""Queries compiled once and run many times: the SELECTs a transition runs on every request.

Django compiles a queryset to SQL each time it is evaluated. For the short queries of the transition path
the compiling costs several times what the database takes to run them (BENCHMARKS.md: about 1 ms against
0.1 ms for the locked read of an activity). A Statement is written as an ordinary queryset with named
parameters; it is compiled once per database, then each call binds new values into the same SQL and gives
back what the queryset would: model instances (with their select_related objects) or, for values_list
querysets, rows.

The parameters are scalars (int, str, date or aware datetime). To find where each one lands among the compiled SQL's
parameters, the queryset is built once with a marker value in its place: a parameter that Django does not
pass through unchanged (an `icontains`, a list for `__in`) is refused when the statement is compiled.

The queryset runs as iterating it would, with its model's default ordering (`.get()` drops it): add
`.order_by()` where the order does not matter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import DEFAULT_FETCH_MODE, ModelIterable, get_related_populators

Kind = type[int] | type[str] | type[dt.date] | type[dt.datetime]

_INT_MARKER = -7_319_000_000_000_000  # no id, year or count is ever this


def _marker(kind: Kind, index: int) -> Any:
    if kind is int:
        return _INT_MARKER - index
    if kind is str:
        return f"\x1fstatement-parameter-{index}\x1f"
    if kind is dt.datetime:  # before date: a datetime is a date too
        return dt.datetime(1, 1, 2, tzinfo=dt.UTC) + dt.timedelta(days=index)
    if kind is dt.date:
        return dt.date(1, 1, 1) + dt.timedelta(days=index)
    raise TypeError(f"a statement parameter is an int, a str, a date or a datetime, not {kind!r}")


def _adapt(kind: Kind, value: Any, connection: Any) -> Any:
    """The value as Django passes it to the database for a field of this kind."""
    if kind is int:
        return int(value)
    if kind is str:
        return str(value)
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


class StatementError(Exception):
    """A queryset that cannot be compiled once for all calls."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position among the params, parameter name)
    converters: tuple[tuple[int, list[Any], Any], ...]  # (column, converters, expression)
    col_count: int | None  # rows are cut to this many columns (Django's extra ordering columns)
    klass_info: dict[str, Any] | None  # None: a values_list query, rows are returned as they are
    select: list[Any]


class Statement[M: Model]:
    """A queryset with named parameters, compiled once per database.

    `build` takes the parameters as keyword arguments and returns the queryset; `kinds` names each
    parameter with its type. For example::

        ACTIVITY = Statement(lambda pk: Activity.objects.filter(pk=pk), pk=int)
        ACTIVITY.all(pk=42)  # [<Activity: ...>]
    """

    def __init__(self, build: Callable[..., QuerySet[M, Any]], **kinds: Kind) -> None:
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, _Compiled] = {}

    def all(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        """The model instances, as iterating the queryset would give them."""
        compiled, rows = self._run(using, values)
        if compiled.klass_info is None:
            raise StatementError("a values_list statement gives rows: call rows()")
        return _instances(compiled, rows, using)

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> M | None:
        found = self.all(using, **values)
        return found[0] if found else None

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        """The rows of a values_list statement, converted as Django converts them."""
        return [tuple(row) for row in self._run(using, values)[1]]

    def _run(self, using: str, values: dict[str, Any]) -> tuple[_Compiled, list[Any]]:
        if values.keys() != self._kinds.keys():
            raise TypeError(f"statement parameters: expected {sorted(self._kinds)}, got {sorted(values)}")
        connection = connections[using]
        compiled = self._compiled.get(using) or self._compile(using)
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = _adapt(self._kinds[name], values[name], connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Any] = cursor.fetchall()
        if compiled.col_count is not None:
            rows = [row[: compiled.col_count] for row in rows]
        if compiled.converters:
            rows = [_convert(list(row), compiled.converters, connection) for row in rows]
        return compiled, rows

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        markers = {name: _marker(kind, index) for index, (name, kind) in enumerate(self._kinds.items())}
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        adapted = {name: _adapt(self._kinds[name], marker, connection) for name, marker in markers.items()}
        slots = tuple(
            (position, name)
            for position, param in enumerate(params)
            for name, marker in adapted.items()
            if type(param) is type(marker) and param == marker
        )
        for name, marker in adapted.items():
            if not any(slot_name == name for _, slot_name in slots) or str(marker) in sql:
                raise StatementError(f"the parameter {name!r} does not reach the SQL unchanged: {sql}")
        expressions = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = tuple(
            (column, found, expression) for column, (found, expression) in compiler.get_converters(expressions).items()
        )
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            converters=converters,
            col_count=compiler.col_count if compiler.has_extra_select else None,
            klass_info=compiler.klass_info if issubclass(queryset._iterable_class, ModelIterable) else None,
            select=compiler.select,
        )
        self._compiled[using] = compiled
        return compiled


def _convert(row: list[Any], converters: tuple[tuple[int, list[Any], Any], ...], connection: Any) -> list[Any]:
    for column, found, expression in converters:
        value = row[column]
        for converter in found:
            value = converter(value, expression, connection)
        row[column] = value
    return row


def _instances[M: Model](compiled: _Compiled, rows: list[Any], using: str) -> list[M]:
    """The rows as model instances, as django.db.models.query.ModelIterable makes them."""
    klass_info = compiled.klass_info
    assert klass_info is not None
    model: type[M] = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in compiled.select[start:end]]
    populators = get_related_populators(klass_info, compiled.select, using, DEFAULT_FETCH_MODE)
    instances = []
    for row in rows:
        instance = model.from_db(using, init_list, row[start:end], fetch_mode=DEFAULT_FETCH_MODE)
        for populator in populators:
            populator.populate(row, instance)
        instances.append(instance)
    return instances
