"""A deterministic generator of plans at scale: `python -m bench.generate --activities N`.

Organizations of about ORG_SIZE activities each (one plan of the reference year, a few areas, a director,
an auditor, one head and a few staff per area, all sharing one password hash), optionally one organization
whose single plan is large. Deadlines spread over the year: about 20% slipped (overdue and open,
concluded late, rinviato), the rest concluded on time or open with a future deadline. Each open item's
`next_reminder_on` is what the reminder scan would have left on it after its last run (the working day
before the scan day), and exactly `due` activities fall due on the scan day: the others are moved a day or
two where needed, so the scan finds the same work at every size.

The database is dropped and rebuilt first; every id is assigned here, and the big tables are loaded with
COPY. A small table, bench_dataset, records what was loaded, so a benchmark can tell whether the data it
needs is already there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from dataclasses import asdict
from typing import Any

from bench.common import setup_django
from bench.rows import DUE, SEED, Generator, Spec, standard_spec

__all__ = ["ensure_dataset", "generate", "standard_spec"]

COLUMNS = {
    "plans_organization": "id, slug, name, kind, patron_saint_day",
    "auth_user": "id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, "
    "date_joined",
    "plans_organizationrole": "id, role, organization_id, user_id",
    "plans_area": "id, code, slug, name, kind, head_name, head_id, parent_id, organization_id",
    "plans_area_members": "id, area_id, user_id",
    "plans_plan": "id, code, kind, title, year_start, year_end, adoption_act, adopted_on, state, source, "
    "organization_id",
    "plans_objective": "id, plan_id, code, programme, number, title, typology, classification, description, "
    "strategic_area, operational_objective, peg_project, services, end_users, networks, weight, budget_income, "
    "budget_expense, planned_start, planned_end, actual_end, state, owner_id, parent_id, next_reminder_on",
    "plans_objective_areas": "id, objective_id, area_id",
    "plans_indicator": "id, objective_id, position, name, description, indicator_type, unit, direction, note",
    "plans_indicatortarget": "id, indicator_id, year, raw, kind, operator, value, numerator, denominator, date_value, "
    "boolean, parsed",
    "plans_measurement": "id, indicator_id, year, measured_on, note, recorded_at, recorded_by_id, raw, kind, operator, "
    "value, numerator, denominator, date_value, boolean, parsed",
}
TIME_COLUMNS = "{0}_raw, {0}_kind, {0}_start, {0}_end, {0}_checkpoints, {0}_hint, {0}_remark, {0}_parsed"
ACTIVITY_COLUMNS = "id, objective_id, position, description, owner_id, state, next_reminder_on, " + ", ".join(
    TIME_COLUMNS.format(prefix) for prefix in ("planned", "actual")
)
BIG_TABLES = ("plans_activity", "plans_objective", "plans_objective_areas", "plans_indicator",
              "plans_indicatortarget", "plans_measurement")  # fmt: skip


def generate(spec: Spec) -> dict[str, Any]:
    """Drop and rebuild the bench database and load `spec`; what was loaded, with timings."""
    from django.contrib.auth.hashers import make_password

    from bench.database import connect, copy_lines, drop_secondary_indexes, record_dataset, reset_database

    started = time.perf_counter()
    reset_database()
    migrated = time.perf_counter()
    generator = Generator(spec, make_password("bench", salt="benchgenerator"))
    with connect() as connection, connection.cursor() as cursor:
        # Foreign keys are not checked row by row: the ids are consistent by construction.
        cursor.execute("SET session_replication_role = replica")
        for table in ("plans_organization", "auth_user", "plans_organizationrole", "plans_area",
                      "plans_area_members", "plans_plan"):  # fmt: skip
            copy_lines(cursor, table, COLUMNS[table], generator.lines.pop(table))
        recreate = drop_secondary_indexes(cursor, BIG_TABLES)
        with cursor.copy(f"COPY plans_activity ({ACTIVITY_COLUMNS}) FROM STDIN") as copy:
            for org in generator.orgs:
                generator.objectives(org, copy)
        for table in BIG_TABLES[1:]:
            copy_lines(cursor, table, COLUMNS[table], generator.lines.pop(table))
        copied = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in recreate:
            cursor.execute(statement)
        for table in COLUMNS.keys() | {"plans_activity"}:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        loaded = time.perf_counter()
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM (ANALYZE)")
        summary = _summary(spec, generator)
        record_dataset(cursor, summary)
    summary["seconds"] = {
        "migrate": round(migrated - started, 2),
        "generate_and_copy": round(copied - migrated, 2),
        "indexes": round(loaded - copied, 2),
        "vacuum_analyze": round(time.perf_counter() - loaded, 2),
        "total": round(time.perf_counter() - started, 2),
    }
    summary["activities_per_second"] = round(spec.activities / (time.perf_counter() - migrated))
    return summary


def _summary(spec: Spec, generator: Generator) -> dict[str, Any]:
    counts = {table: generator.ids[table] for table in sorted(generator.ids)}
    typical = min(
        (org for org in generator.orgs if org.slug != "gen-grande"), key=lambda o: abs(o.activities - spec.org_size)
    )
    large = next((org for org in generator.orgs if org.slug == "gen-grande"), None)
    return {
        "spec": {**asdict(spec), "reference_date": spec.reference_date.isoformat()},
        "scan_day": generator.scan_day.isoformat(),
        "organizations": len(generator.orgs),
        "rows": counts,
        "typical": {"director": typical.director, "activities": typical.activities, "organization": typical.slug},
        "large": {"director": large.director, "activities": large.activities, "organization": large.slug}
        if large
        else None,
    }


def ensure_dataset(spec: Spec) -> tuple[dict[str, Any], bool]:
    """The dataset of `spec`, generated unless the database holds exactly it and nothing else (no other
    organization, nothing planned since); True when it was generated now."""
    from bench.database import connect, loaded_dataset

    current = loaded_dataset()
    wanted = {**asdict(spec), "reference_date": spec.reference_date.isoformat()}
    if current and current["spec"] == wanted:
        with connect() as connection:
            organizations = connection.execute("SELECT count(*) FROM plans_organization").fetchone()
            messages = connection.execute("SELECT count(*) FROM notifications_message").fetchone()
        if organizations == (current["organizations"],) and messages == (0,):
            return current, False
    return generate(spec), True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=DUE, help="activities due on the scan day")
    parser.add_argument("--large-plan", type=int, default=None, help="activities of the large plan (default: standard)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--reference-date", type=dt.date.fromisoformat, default=None, help="today of the data")
    options = parser.parse_args()
    setup_django()
    spec = standard_spec(options.activities, options.reference_date)
    large = spec.large_plan if options.large_plan is None else options.large_plan
    spec = Spec(options.activities, spec.reference_date, options.due, large, options.seed)
    summary = generate(spec)
    seconds = summary["seconds"]
    total_rows = sum(summary["rows"].values())
    print(json.dumps(summary, indent=2))
    print(
        f"{spec.activities:,} activities ({total_rows:,} rows) in {seconds['total']} s: "
        f"{summary['activities_per_second']:,} activities/s, {round(total_rows / seconds['total']):,} rows/s overall"
    )


if __name__ == "__main__":
    main()
