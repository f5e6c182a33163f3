"""The limit of bench_import: the rows an import of a plan file writes, loaded into the same tables by psycopg
COPY in one transaction, with every value parsed beforehand by the project's own parsers.

It runs as a child process of bench_import (`python -m bench.bench_import --child copy FILE SLUG`), so that
its peak RSS is its own. Only the sequence calls, the COPYs and the commit are timed; reading the file,
parsing values and building rows are not.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, stopwatch

REFERENCE_DATE = dt.date(2026, 12, 31)  # the import's, so that the states are the same
OBJECTIVE_TEXTS = (
    *("programme", "typology", "classification", "description", "strategic_area", "operational_objective"),
    *("peg_project", "services", "end_users", "networks"),
)


def child_copy(path: Path, slug: str) -> dict[str, Any]:
    """The limit: the rows an import writes, loaded by COPY in one transaction. Only the sequence calls, the
    COPYs and the commit are timed; reading the file, parsing values and building rows are not."""
    from django.db import connection, transaction

    document = json.loads(path.read_text(encoding="utf-8"), parse_float=str)
    with transaction.atomic():
        plan, areas = _plan_rows(document, slug)
        items = document["objectives"]
        with stopwatch() as allocating:
            ids = {model: _next_ids(model, count) for model, count in _row_counts(items).items()}
        tables = _tables(items, plan, areas, ids)
        with stopwatch() as copying:
            for model, rows in tables.items():
                _copy(connection, model, rows)
        commit_started = time.perf_counter()
    commit_seconds = time.perf_counter() - commit_started
    return {
        "seconds": allocating["seconds"] + copying["seconds"] + commit_seconds,
        "rows": {model._meta.db_table: len(rows) for model, rows in tables.items()},
        "peak_rss_mb": peak_rss_mb(),
    }


def _plan_rows(document: dict[str, Any], slug: str) -> tuple[Any, dict[str, Any]]:
    from plans.models import Area, Organization, Plan

    organization = Organization.objects.create(slug=slug, name=document["organization"]["name"])
    areas = {
        item["code"]: Area.objects.create(
            organization=organization, code=item["code"], slug=item["code"].lower(), name=item["name"]
        )
        for item in document["areas"]
    }
    data = document["plan"]
    plan = Plan.objects.create(
        organization=organization,
        code=data["code"],
        kind=data["kind"],
        title=data["title"],
        year_start=data["year_start"],
        year_end=data["year_end"],
    )
    return plan, areas


def _row_counts(items: list[dict[str, Any]]) -> dict[Any, int]:
    from plans.models import Activity, Indicator, IndicatorTarget, Measurement, Objective, ObjectiveReport

    indicators = [indicator for item in items for indicator in item.get("indicators", [])]
    return {
        Objective: len(items),
        Objective.areas.through: sum(len(item["areas"]) for item in items),
        Activity: sum(len(item.get("activities", [])) for item in items),
        Indicator: len(indicators),
        IndicatorTarget: sum(len(indicator.get("targets", [])) for indicator in indicators),
        Measurement: sum(len(indicator.get("measurements", [])) for indicator in indicators),
        ObjectiveReport: sum(len(item.get("reports", [])) for item in items),
    }


def _next_ids(model: Any, count: int) -> Iterator[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return iter([row[0] for row in cursor.fetchall()])


def _tables(
    items: list[dict[str, Any]], plan: Any, areas: dict[str, Any], ids: dict[Any, Iterator[int]]
) -> dict[Any, list[tuple[Any, ...]]]:
    """Every row as the tuple of database values Django would insert, built with the project's parsers."""
    from django.db import connection

    from plans.models import Objective

    objective_ids = {item["code"]: next(ids[Objective]) for item in items}
    built: dict[Any, list[Any]] = defaultdict(list)
    for item in items:
        _objective_rows(item, plan, areas, objective_ids, ids, built)
    return {
        model: [
            tuple(
                field.get_db_prep_save(field.pre_save(row, True), connection) for field in model._meta.concrete_fields
            )
            for row in rows
        ]
        for model, rows in built.items()
    }


def _objective_rows(
    item: dict[str, Any],
    plan: Any,
    areas: dict[str, Any],
    objective_ids: dict[str, int],
    ids: dict[Any, Iterator[int]],
    built: dict[Any, list[Any]],
) -> None:
    from plans.importing.states import initial_activity_state, initial_objective_state
    from plans.models import Activity, Objective, ObjectiveReport, WorkState
    from plans.models.activity import time_columns
    from plans.parsing import parse_italian_decimal, parse_time

    pk, year, activities = objective_ids[item["code"]], plan.year_start, item.get("activities", [])
    specs = [
        (parse_time(a.get("planned", ""), year=year), parse_time(a.get("actual", ""), year=year)) for a in activities
    ]
    states = [initial_activity_state(planned, actual, REFERENCE_DATE) for planned, actual in specs]
    state = initial_objective_state(states)
    concluded = state == WorkState.CONCLUSO
    built[Objective].append(
        Objective(
            pk=pk,
            plan=plan,
            parent_id=objective_ids.get(item.get("parent", "")),
            code=item["code"],
            title=item["title"],
            number=item.get("number"),
            weight=parse_italian_decimal(item["weight"]) if "weight" in item else None,
            budget_expense=parse_italian_decimal(item["budget_expense"]) if "budget_expense" in item else None,
            planned_start=min((p.start for p, _ in specs if p.start), default=None),
            planned_end=max((p.end for p, _ in specs if p.end), default=None),
            state=state,
            actual_end=max((a.end for _, a in specs if a.end), default=None) if concluded else None,
            **{field: item.get(field, "") for field in OBJECTIVE_TEXTS},
        )
    )
    through = Objective.areas.through
    built[through] += [
        through(pk=next(ids[through]), objective_id=pk, area_id=areas[code].pk) for code in item["areas"]
    ]
    for position, (activity, (planned, actual), activity_state) in enumerate(
        zip(activities, specs, states, strict=True), start=1
    ):
        columns = time_columns("planned", planned) | time_columns("actual", actual)
        built[Activity].append(
            Activity(
                pk=next(ids[Activity]),
                objective_id=pk,
                position=position,
                description=activity["description"],
                state=activity_state,
                **columns,
            )
        )
    for position, indicator in enumerate(item.get("indicators", []), start=1):
        _indicator_rows(indicator, pk, position, ids, built)
    for report in item.get("reports", []):
        date = dt.date.fromisoformat(report["date"])
        built[ObjectiveReport].append(
            ObjectiveReport(pk=next(ids[ObjectiveReport]), objective_id=pk, date=date, text=report["text"])
        )


def _indicator_rows(
    indicator: dict[str, Any],
    objective_id: int,
    position: int,
    ids: dict[Any, Iterator[int]],
    built: dict[Any, list[Any]],
) -> None:
    from plans.models import Indicator, IndicatorTarget, Measurement
    from plans.models.indicator import ParsedValue
    from plans.parsing import parse_value

    pk = next(ids[Indicator])
    built[Indicator].append(
        Indicator(
            pk=pk,
            objective_id=objective_id,
            position=position,
            name=indicator["name"],
            indicator_type=indicator.get("type", ""),
            unit=indicator.get("unit", ""),
            description=indicator.get("description", ""),
        )
    )
    for target in indicator.get("targets", []):
        values = ParsedValue.spec_values(parse_value(str(target["value"])))
        built[IndicatorTarget].append(
            IndicatorTarget(pk=next(ids[IndicatorTarget]), indicator_id=pk, year=target["year"], **values)
        )
    for measurement in indicator.get("measurements", []):
        values = ParsedValue.spec_values(parse_value(str(measurement["value"])))
        measured_on = dt.date.fromisoformat(measurement["date"]) if "date" in measurement else None
        built[Measurement].append(
            Measurement(
                pk=next(ids[Measurement]), indicator_id=pk, year=measurement["year"], measured_on=measured_on, **values
            )
        )


def _copy(connection: Any, model: Any, rows: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(f'"{field.column}"' for field in model._meta.concrete_fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)
