"""The daily reminder scan at two sizes with the same work due: its time must follow what is due, not the total.

Measures `notifications.scans.plan_deadline_reminders(scan_day)`, the deadline part of the Celery task
`run_scans` (the rest of that task, digests, monitoring and sending, is not measured here), on the
generator's dataset at 10,000 and at 1,000,000 activities (quick: 10,000 and 100,000), each with exactly
DUE activities whose next reminder falls on the scan day. Every timed run starts from the same state: the
Message rows it planned are deleted and the due items get their next reminder day back. Reports the median
and p95 of the runs, the queries one run makes, the EXPLAIN (ANALYZE) of the scan's main query, and, as the
limit, the same work done in bulk: the main query alone plus one COPY of the same outbox rows and one UPDATE.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from typing import Any

from bench.common import Result, quick, setup_django, stopwatch, summary_ms

REPEAT = 5 if quick() else 7
SIZES = (10_000, 100_000) if quick() else (10_000, 1_000_000)
TARGET_RATIO = 1.5
DEADLINE_KINDS = ("deadline", "overdue", "escalation")


def explain(sql: str, params: Any) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of a statement: its plan as a compact shape, the indexes it reads, the time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        document = cursor.fetchone()[0]
    plan = (document if isinstance(document, list) else json.loads(document))[0]
    indexes: list[str] = []
    scanned: list[str] = []
    return {
        "shape": _shape(plan["Plan"], indexes, scanned),
        "indexes": sorted(set(indexes)),
        "seq_scans": sorted(set(scanned)),
        "estimated_rows": plan["Plan"]["Plan Rows"],
        "actual_rows": plan["Plan"]["Actual Rows"],
        "execution_ms": round(plan["Execution Time"], 2),
        "planning_ms": round(plan["Planning Time"], 2),
        "jit": "JIT" in plan,
    }


def _shape(node: dict[str, Any], indexes: list[str], scanned: list[str]) -> str:
    label = node["Node Type"]
    if "Index Name" in node:
        indexes.append(node["Index Name"])
        label += f" using {node['Index Name']}"
    elif "Relation Name" in node:
        label += f" on {node['Relation Name']}"
        if node["Node Type"] == "Seq Scan":
            scanned.append(node["Relation Name"])
    label += f" (rows={node.get('Actual Rows', '?')})"
    children = [_shape(child, indexes, scanned) for child in node.get("Plans", [])]
    return label + (" → [" + "; ".join(children) + "]" if children else "")


def _due_state(scan_day: dt.date) -> tuple[list[int], list[int]]:
    from plans.models import OPEN_STATES, Activity, Objective

    open_due = {"state__in": OPEN_STATES, "next_reminder_on": scan_day}
    activities = list(Activity.objects.filter(**open_due).values_list("pk", flat=True))
    objectives = list(Objective.objects.filter(**open_due).values_list("pk", flat=True))
    return activities, objectives


def _restore(scan_day: dt.date, activities: list[int], objectives: list[int]) -> None:
    """Back to the state before the scan: no outbox rows of that day, the due items due again."""
    from notifications.models import Message
    from plans.models import Activity, Objective

    Message.objects.filter(due_on=scan_day, kind__in=DEADLINE_KINDS).delete()
    Activity.objects.filter(pk__in=activities).update(next_reminder_on=scan_day)
    Objective.objects.filter(pk__in=objectives).update(next_reminder_on=scan_day)
    # The scan's updates leave dead index entries on the scan day; a daily database would have vacuumed them.
    from bench.database import connect

    with connect(autocommit=True) as connection:
        connection.execute("VACUUM plans_activity, plans_objective, notifications_message")


def _bulk_limit(scan_day: dt.date, rows: list[tuple[Any, ...]], activities: list[int]) -> dict[str, float]:
    """The same writes done in bulk, in a transaction rolled back: one COPY of the outbox rows the scan
    planned and one UPDATE of the due items' next reminder day."""
    from bench.database import connect

    columns = "kind, organization_id, recipient_id, target, period, context, due_on, status, attempts, last_error, "
    columns += "next_attempt_at, created_at"
    with connect() as connection, connection.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy(f"COPY notifications_message ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            "UPDATE plans_activity SET next_reminder_on = %s WHERE id = ANY(%s)",
            [scan_day + dt.timedelta(days=1), activities],
        )
        seconds = time.perf_counter() - started
        connection.rollback()
    return {"bulk_write_ms": round(seconds * 1000, 2)}


def _planned_rows(scan_day: dt.date) -> list[tuple[Any, ...]]:
    from django.utils import timezone

    from notifications.models import Message

    now = timezone.now()
    return [
        (kind, org, recipient, target, period, json.dumps(context), due_on, "pending", 0, "", now, now)
        for kind, org, recipient, target, period, context, due_on in Message.objects.filter(
            due_on=scan_day, kind__in=DEADLINE_KINDS
        ).values_list("kind", "organization_id", "recipient_id", "target", "period", "context", "due_on")
    ]


def _raw_query_ms(sql: str, params: Any) -> float:
    from bench.database import connect

    with connect() as connection:
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            connection.execute(sql, params).fetchall()
            samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 2)


def measure(dataset: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.scans import due_ids_query, plan_deadline_reminders
    from plans.models import Activity, Objective

    scan_day = dt.date.fromisoformat(dataset["scan_day"])
    activities, objectives = _due_state(scan_day)
    plan_deadline_reminders(scan_day)  # warm-up: caches, connection
    rows = _planned_rows(scan_day)
    samples, planned = [], []
    for _ in range(REPEAT):
        _restore(scan_day, activities, objectives)
        with stopwatch() as timing:
            planned.append(plan_deadline_reminders(scan_day))
        samples.append(timing["seconds"])
    _restore(scan_day, activities, objectives)
    with CaptureQueriesContext(connection) as queries:
        plan_deadline_reminders(scan_day)
    _restore(scan_day, activities, objectives)
    sql, params = due_ids_query(Activity, scan_day).query.sql_with_params()
    objective_sql, objective_params = due_ids_query(Objective, scan_day).query.sql_with_params()
    figures = {
        "activities": dataset["spec"]["activities"],
        "due_activities": len(activities),
        "due_objectives": len(objectives),
        "scan_day": scan_day.isoformat(),
        "messages_planned": planned[-1],
        "queries_per_run": len(queries),
        "scan": summary_ms(samples),
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "per_due_item_ms": round(statistics.median(samples) * 1000 / max(1, len(activities)), 3),
        "explain_activities": explain(sql, params),
        "explain_objectives": explain(objective_sql, objective_params),
    }
    limit = {"due_query_ms": _raw_query_ms(sql, params), **_bulk_limit(scan_day, rows, activities)}
    limit["query_plus_bulk_ms"] = round(limit["due_query_ms"] + limit["bulk_write_ms"], 2)
    return {"figures": figures, "limit": limit}


def main() -> None:
    setup_django()
    from bench.database import ensure_database
    from bench.generate import ensure_dataset, standard_spec

    ensure_database()
    figures: dict[str, Any] = {"repeat": REPEAT, "measures": "notifications.scans.plan_deadline_reminders"}
    limit: dict[str, Any] = {}
    for size in SIZES:
        dataset, generated = ensure_dataset(standard_spec(size))
        measured = measure(dataset)
        figures[f"at_{size}"] = measured["figures"] | {"generated_now": generated}
        limit[f"at_{size}"] = measured["limit"]
    small, large = (figures[f"at_{size}"] for size in SIZES)
    ratio = large["median_ms"] / small["median_ms"]
    uses_index = all(
        "activity_reminder_due" in at["explain_activities"]["indexes"]
        and "objective_reminder_due" in at["explain_objectives"]["indexes"]
        for at in (small, large)
    )
    ratios = {
        f"scan_{SIZES[1]}_over_{SIZES[0]}": round(ratio, 3),
        **{
            f"scan_over_bulk_at_{size}": round(
                figures[f"at_{size}"]["median_ms"] / limit[f"at_{size}"]["query_plus_bulk_ms"], 2
            )
            for size in SIZES
        },
    }
    targets = {
        f"scan_at_{SIZES[1]}_within_{TARGET_RATIO}x_of_{SIZES[0]}": ratio <= TARGET_RATIO,
        "same_number_due_at_both_sizes": small["due_activities"] == large["due_activities"],
        "main_query_uses_partial_reminder_index": uses_index,
    }
    Result("scan", figures, limit, ratios, targets).emit()


if __name__ == "__main__":
    main()
