"""The director's dashboard: slipped deadlines, on time against late per area and month, indicators.

A slipped deadline is an item of a live plan (adopted or in execution, plans.freeze) that is overdue and not
concluded, ended after its planned end (its Consuntivo later than its Tempi), or rinviato. A draft's items
are not due yet and a closed or validated year is over: their items never appear in the list, and in the
punctuality chart an item of theirs left open is not counted as late today (what ended late stays late).
Every function here runs a fixed number of queries, whatever the number of items.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth

from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Area, Objective, WorkState
from plans.rules import roles_of, visible_activities, visible_objectives


@dataclass(frozen=True)
class Filters:
    plan_id: int | None = None
    area_id: int | None = None
    kind: str = ""  # "", "activity" or "objective"
    min_days_late: int = 0
    result: str = ""  # the indicators: "" or "below" (below their target)


def _late(today: dt.date) -> Case:
    """How late an item is: by its Consuntivo when that is later than its Tempi, otherwise, while it is
    open, by today; an item that ended on time is not late."""
    return Case(
        When(actual_end__gt=F("planned_end"), then=F("actual_end") - F("planned_end")),
        When(state__in=OPEN_STATES, then=Value(today, output_field=DateField()) - F("planned_end")),
        default=Value(dt.timedelta(0), output_field=DurationField()),
        output_field=DurationField(),
    )


def slipped_q(today: dt.date, plan: str) -> Q:
    """Slipped items; `plan` is the path to their plan ("objective__plan__" or "plan__"): only a live plan's
    open items are overdue today."""
    ended_late = Q(actual_end__gt=F("planned_end"))
    open_overdue = Q(state__in=[WorkState.PROGRAMMATO, WorkState.AVVIATO], planned_end__lt=today) & live_q(plan)
    return Q(planned_end__isnull=False) & (ended_late | open_overdue | Q(state=WorkState.RINVIATO))


# What orders and counts the slipped rows: the statement that pages them carries these alone, over every slipped
# item of the plan; the names shown (DETAILS) are read afterwards for the page's rows only (`add_details`).
COLUMNS = ("kind", "pk", "area_id", "area_name", "state", "planned_end", "actual_end", "late")
DETAILS = (
    "title",
    "objective_id",
    "objective_code",
    "objective_title",
    "plan_code",
    "planned_raw",
    "actual_raw",
    "owner_first",
    "owner_last",
)


def _activity_rows(user: Any, filters: Filters, today: dt.date) -> QuerySet[Activity, dict[str, Any]]:
    rows = visible_activities(user).filter(slipped_q(today, "objective__plan__"), live_q("objective__plan__"))
    if filters.plan_id:
        rows = rows.filter(objective__plan_id=filters.plan_id)
    if filters.area_id:
        rows = rows.filter(objective__areas=filters.area_id)
    return rows.annotate(
        kind=Value("activity", output_field=CharField()),
        area_id=F("objective__areas__id"),
        area_name=F("objective__areas__name"),
        late=_late(today),
    ).values(*COLUMNS)


def _objective_rows(user: Any, filters: Filters, today: dt.date) -> QuerySet[Objective, dict[str, Any]]:
    rows = visible_objectives(user).filter(slipped_q(today, "plan__"), live_q("plan__"))
    if filters.plan_id:
        rows = rows.filter(plan_id=filters.plan_id)
    if filters.area_id:
        rows = rows.filter(areas=filters.area_id)
    return rows.annotate(
        kind=Value("objective", output_field=CharField()),
        area_id=F("areas__id"),
        area_name=F("areas__name"),
        late=_late(today),
    ).values(*COLUMNS)


ORDERING = ("area_name", "-late", "kind", "pk")  # most late first within each area


def slipped_deadlines(user: Any, filters: Filters, today: dt.date) -> QuerySet[Any, dict[str, Any]]:
    """One row per slipped item and area (an objective shared by two areas is late in both), most late
    first within each area, with the COLUMNS that order them. A queryset: `slipped_statement` compiles it and
    `SlippedPaginator` pages it, adding the DETAILS of the page's rows."""
    parts: list[QuerySet[Any, dict[str, Any]]] = []
    if filters.kind in ("", "activity"):
        parts.append(_activity_rows(user, filters, today))
    if filters.kind in ("", "objective"):
        parts.append(_objective_rows(user, filters, today))
    if filters.min_days_late:
        minimum = dt.timedelta(days=filters.min_days_late)
        parts = [part.filter(late__gte=minimum) for part in parts]
    parts = [part.order_by() for part in parts]  # a compound statement takes no ORDER BY in its parts
    rows = parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)
    return rows.order_by(*ORDERING)


def add_details(rows: list[dict[str, Any]], using: str) -> None:
    """Fill in the DETAILS of these slipped rows (a page of them): their titles, codes, Tempi and Consuntivo and
    owners, in one statement. Joined in the paging statement, the owners and the texts were read for every slipped
    item of the plan (thousands) to show fifty."""
    found = {(detail["kind"], detail["pk"]): detail for detail in details_of(rows, using)}
    rows[:] = [row for row in rows if (row["kind"], row["pk"]) in found]  # an item deleted in between: not shown
    for row in rows:
        detail = found[row["kind"], row["pk"]]
        row.update((name, detail[name]) for name in DETAILS)


def details_of(rows: list[dict[str, Any]], using: str) -> QuerySet[Any, dict[str, Any]]:
    """The statement add_details reads: the DETAILS of these rows, with their kind and id."""
    ids = {kind: [row["pk"] for row in rows if row["kind"] == kind] for kind in ("activity", "objective")}
    activities = (
        Activity.objects.using(using)
        .filter(pk__in=ids["activity"])
        .annotate(
            kind=Value("activity", output_field=CharField()),
            title=F("description"),
            objective_code=F("objective__code"),
            objective_title=F("objective__title"),
            plan_code=F("objective__plan__code"),
            owner_first=F("owner__first_name"),
            owner_last=F("owner__last_name"),
        )
        .values("kind", "pk", *DETAILS)
        .order_by()
    )
    objectives = (
        Objective.objects.using(using)
        .filter(pk__in=ids["objective"])
        .annotate(
            kind=Value("objective", output_field=CharField()),
            objective_id=F("pk"),
            objective_code=F("code"),
            objective_title=F("title"),
            plan_code=F("plan__code"),
            planned_raw=Value("", output_field=CharField()),  # an objective's Tempi are its activities'
            actual_raw=Value("", output_field=CharField()),
            owner_first=F("owner__first_name"),
            owner_last=F("owner__last_name"),
        )
        .values("kind", "pk", *DETAILS)
        .order_by()
    )
    return activities.union(objectives, all=True).order_by()


def count_slipped(user: Any, today: dt.date) -> int:
    """How many rows `slipped_deadlines(user, Filters(), today)` holds (one per item and area), in one statement
    on the items and their areas alone: the home page's figure, without the names, the lateness and the order
    that the list needs (their joins cost more than the count itself)."""
    activities = visible_activities(user).filter(slipped_q(today, "objective__plan__"), live_q("objective__plan__"))
    objectives = visible_objectives(user).filter(slipped_q(today, "plan__"), live_q("plan__"))
    # An item is a row for each area of its objective, one when it has none: its objective's links counted by
    # their index (joined to the links instead, PostgreSQL read every link of the installation for the objectives).
    total = 0
    for items, objective in ((activities, "objective_id"), (objectives, "pk")):
        of_objective: QuerySet[Any] = Objective.areas.through.objects.filter(objective_id=OuterRef(objective))
        links = of_objective.order_by().values("objective_id").annotate(n=Count("pk")).values("n")
        rows = Greatest(Coalesce(Subquery(links[:1]), 0), 1)
        total += items.order_by().aggregate(rows=Coalesce(Sum(rows), 0))["rows"]
    return total


@dataclass(frozen=True)
class SlippedStatement:
    """`slipped_deadlines` compiled: its SQL and parameters, on database `using`."""

    sql: str
    params: tuple[Any, ...]
    using: str


_statements: OrderedDict[tuple[Any, ...], SlippedStatement] = OrderedDict()
_statements_lock = threading.Lock()
STATEMENTS_KEPT = 256  # about 3 kB each


def slipped_statement(user: Any, filters: Filters, today: dt.date) -> SlippedStatement:
    """`slipped_deadlines(user, filters, today)` compiled to SQL. The SQL depends only on the person, their roles
    (read afresh for each request), the filters and the day, so each process keeps the latest STATEMENTS_KEPT:
    reloading the dashboard, turning its pages or coming back to a filter builds nothing again (building and
    compiling the statement costs about as much CPU as PostgreSQL takes to run it on a typical plan). The rows
    themselves are always read from the database."""
    key = (user.pk, roles_of(user), filters, today)
    with _statements_lock:
        found = _statements.get(key)
        if found is not None:
            _statements.move_to_end(key)
            return found
    rows = slipped_deadlines(user, filters, today)
    sql, params = rows.order_by().query.sql_with_params()
    statement = SlippedStatement(sql, tuple(params), rows.db)
    with _statements_lock:
        _statements[key] = statement
        while len(_statements) > STATEMENTS_KEPT:
            _statements.popitem(last=False)
    return statement


class SlippedPaginator(Paginator):
    """Pages `slipped_statement` with one statement per page: each row of the page carries the count of all
    rows (a window count), which the page would otherwise ask for in a second, as costly, statement; then the
    page's rows get their DETAILS (`add_details`).
    Past the last page (an old link) it counts apart and shows the last page, as get_page() does."""

    def __init__(self, statement: SlippedStatement, per_page: int) -> None:
        super().__init__([], per_page)
        self.inner = statement

    def get_page(self, number: Any) -> Page:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        rows, total = self._fetch(number)
        if total is None:  # nothing from this page on: how many are there?
            total = self._count()
            number = max(ceil(total / self.per_page), 1)
            rows, _ = self._fetch(number) if total else ([], 0)
        self.count = total  # the cached property, filled
        return Page(rows, number, self)

    def statement(self, number: int) -> tuple[str, tuple[Any, ...]]:
        """The SQL of page `number` and its parameters: the rows of the page, each with the count of all."""
        quote = connections[self.inner.using].ops.quote_name
        order = ", ".join(f"{quote(name.lstrip('-'))} {'DESC' if name[0] == '-' else 'ASC'}" for name in ORDERING)
        inner = self.inner.sql
        statement = f"SELECT *, COUNT(*) OVER () FROM ({inner}) {quote('slipped')} ORDER BY {order} LIMIT %s OFFSET %s"
        return statement, (*self.inner.params, self.per_page, (number - 1) * self.per_page)

    def _count(self) -> int:
        with connections[self.inner.using].cursor() as cursor:
            quote = connections[self.inner.using].ops.quote_name
            cursor.execute(f"SELECT COUNT(*) FROM ({self.inner.sql}) {quote('slipped')}", self.inner.params)
            return int(cursor.fetchone()[0])

    def _fetch(self, number: int) -> tuple[list[dict[str, Any]], int | None]:
        statement, params = self.statement(number)
        with connections[self.inner.using].cursor() as cursor:
            cursor.execute(statement, params)
            fetched = cursor.fetchall()
        if not fetched:
            return [], None
        rows = [dict(zip(COLUMNS, row[:-1], strict=True)) for row in fetched]
        for row in rows:  # SQLite hands dates back as text (PostgreSQL as dates)
            for name in ("planned_end", "actual_end"):
                if isinstance(row[name], str):
                    row[name] = dt.date.fromisoformat(row[name])
        add_details(rows, self.inner.using)
        return rows, fetched[0][-1]


def days(late: dt.timedelta | int | None) -> int:
    """Days late as a whole number: SQLite hands the interval back as microseconds, PostgreSQL as a timedelta."""
    if late is None:
        return 0
    if isinstance(late, dt.timedelta):
        return max(late.days, 0)
    return max(int(late) // 86_400_000_000, 0)


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    on_time: int
    late: int


def punctuality(user: Any, filters: Filters, today: dt.date) -> dict[str, list[MonthCount]]:
    """Activities due by today per area and month of their planned end: concluded on time against late."""
    rows = visible_activities(user).filter(planned_end__isnull=False, planned_end__lte=today)
    if filters.plan_id:
        rows = rows.filter(objective__plan_id=filters.plan_id)
    if filters.area_id:
        rows = rows.filter(objective__areas=filters.area_id)
    on_time = Q(actual_end__isnull=False, actual_end__lte=F("planned_end")) & ~Q(state=WorkState.RINVIATO)
    # Grouped by the area's id, which PostgreSQL hashes; by its name, a large plan's rows were sorted on disk
    # (324 ms for 100,000 activities). Areas of the same name are then summed, as grouping by name did.
    counted = (
        rows.annotate(area=F("objective__areas"), month=TruncMonth("planned_end"))
        .values("area", "month")
        .annotate(
            # planned_end (never null here) rather than the id: an index on (objective, planned_end) covering
            # the columns read could then answer alone, without reading the table.
            on_time=Count("planned_end", filter=on_time, output_field=IntegerField()),
            late=Count("planned_end", filter=slipped_q(today, "objective__plan__"), output_field=IntegerField()),
        )
        .order_by()
    )
    rows_counted = list(counted)
    # The areas by name in the database's collation (as the chart was ordered), those without an area last.
    names = list(
        Area.objects.filter(pk__in={row["area"] for row in rows_counted}).order_by("name").values_list("pk", "name")
    )
    rank: dict[str | None, int] = {name: position for position, (_pk, name) in enumerate(names)}
    name_of = dict(names)
    merged: dict[tuple[str | None, dt.date], list[int]] = {}
    for row in rows_counted:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        both = merged.setdefault((name_of.get(row["area"]), month), [0, 0])
        both[0] += row["on_time"]
        both[1] += row["late"]
    chart: dict[str, list[MonthCount]] = {}
    for (name, month), (on, late) in sorted(
        merged.items(), key=lambda item: (rank.get(item[0][0], len(names)), item[0][1])
    ):
        chart.setdefault(name or "", []).append(MonthCount(month, on, late))
    return chart
