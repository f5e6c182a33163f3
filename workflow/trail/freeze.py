"""The freeze of a validated plan, in the database: whatever writes (the application, a shell, raw SQL as the
application's role), no row that belongs to a validated plan is inserted, changed or deleted.

Plain PostgreSQL triggers, installed with the trail's (workflow.trail.install): no session setting switches them
off, and their tables are named with their schema. Each refusal starts with the code "plan_frozen", the one
plans.freeze.PlanFrozen and the services' Conflict carry.

- `FROZEN` lists every table whose rows belong to a plan, with the path of foreign keys from a row to its plan
  (several paths when a row hangs from one of several parents: a request names an objective or an activity).
  A new table of plan data is added here, and the test that enumerates plan-owned tables fails until it is.
- A row's plan is looked up for the row before (UPDATE, DELETE) and after (INSERT, UPDATE): a row is neither
  changed in, moved out of nor moved into a validated plan. Once per statement, over its rows (transition
  tables): the statement is refused whole. The plan's row is read FOR SHARE, so that a
  validation that has not committed yet waits for the write (and the write then counts as done before it).
- The plan itself: a validated plan is never changed or deleted, and never inserted already validated; the one
  exception is the reopening (validated → closed, nothing else changed), allowed only when a row of
  plans.PlanReopening for that plan was written in the same transaction (txid_current()). That row is written
  only by a superuser who is active, with a motivation and an act (checked here again), and is append-only.
- Columns that are the scan's bookkeeping (`next_reminder_on`) may still change: they are not plan data.
- Derived tables (evaluation.ScoreSnapshot, evaluation.ObjectiveForecast, reports.ReportExport) are not plan
  data and stay writable: the daily refresh and the prepared documents work on a validated year too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from notifications.models import MonitoringAnswer
from plans.models import (
    ActionSheet,
    ActionSheetIndicator,
    Activity,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    MeasurementEvidence,
    Objective,
    ObjectiveReport,
    Plan,
    PlanReopening,
)
from reports.models import PiaoUpload, RelazioneChapter
from workflow.models import Approval, PlanVersion, TransitionRequest, Validation, ValidationCheck
from workflow.trail.guards import SEARCH_PATH

CODE = "plan_frozen"


@dataclass(frozen=True)
class Frozen:
    model: type[Model]
    paths: tuple[str, ...]  # foreign keys from the row to its plan ("plan", "objective__plan", ...)
    ignored: tuple[str, ...] = ()  # columns that are bookkeeping, not data

    @property
    def table(self) -> str:
        return self.model._meta.db_table


_REMINDER = ("next_reminder_on",)

FROZEN: tuple[Frozen, ...] = (
    Frozen(Objective, ("plan",), _REMINDER),
    Frozen(Objective.areas.through, ("objective__plan",)),
    Frozen(ObjectiveReport, ("objective__plan",)),
    Frozen(Activity, ("objective__plan",), _REMINDER),
    Frozen(Indicator, ("objective__plan",)),
    Frozen(IndicatorTarget, ("indicator__objective__plan",)),
    Frozen(IndicatorBaseline, ("indicator__objective__plan",)),
    Frozen(HistoricalValue, ("indicator__objective__plan",)),
    Frozen(Measurement, ("indicator__objective__plan",)),
    Frozen(MeasurementEvidence, ("measurement__indicator__objective__plan",)),
    Frozen(IndicatorMotivation, ("indicator__objective__plan",)),
    Frozen(ActionSheet, ("plan",)),
    Frozen(ActionSheetIndicator, ("sheet__plan",)),
    Frozen(RelazioneChapter, ("plan",)),
    Frozen(TransitionRequest, ("objective__plan", "activity__objective__plan", "plan")),
    Frozen(Approval, ("request__objective__plan", "request__activity__objective__plan", "request__plan")),
    # The plan's versions (rimodulazione), the OIV's validation (written before the plan's change of state, in
    # the same transaction) and the records of the PIAO's upload are the year's evidence too.
    Frozen(PlanVersion, ("plan",)),
    Frozen(Validation, ("plan",)),
    Frozen(ValidationCheck, ("validation__plan",)),
    Frozen(PiaoUpload, ("plan",)),
    Frozen(MonitoringAnswer, ("activity__objective__plan",)),
)


def _q(name: str | None) -> str:
    assert name is not None  # a concrete column
    return connection.ops.quote_name(name)


def plan_sql(model: type[Model], path: str, row: str) -> str:
    """SQL for the id of the plan of `row` (a record of `model`'s table) along `path`, one subquery per step."""
    expression = ""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        column = _q(field.column)  # type: ignore[union-attr]
        if not expression:
            expression = f"{row}.{column}"
        else:
            table, key = f"public.{_q(model._meta.db_table)}", _q(model._meta.pk.column)
            expression = f"(SELECT {column} FROM {table} WHERE {key} = {expression})"
        model = field.related_model  # type: ignore[assignment]
    assert model is Plan, f"{path} does not lead to a plan"
    return expression


def _plan_of(frozen: Frozen, row: str) -> str:
    expressions = [plan_sql(frozen.model, path, row) for path in frozen.paths]
    return expressions[0] if len(expressions) == 1 else f"coalesce({', '.join(expressions)})"


def _content(frozen: Frozen, row: str) -> str:
    """The row's data as a SQL row value: every column but the bookkeeping ones."""
    columns = [f.column for f in frozen.model._meta.concrete_fields if f.column not in frozen.ignored]
    return "ROW(" + ", ".join(f"{row}.{_q(column)}" for column in columns) + ")"


def function_name(frozen: Frozen) -> str:
    return f"traguardi_freeze_{frozen.table}"


# The plans a statement wrote into, locked FOR SHARE in the order of their ids (two statements never wait on
# each other in a circle); the first validated one refuses the whole statement.
_CHECK = f"""
DROP FUNCTION IF EXISTS traguardi_freeze_check(bigint, text);
CREATE OR REPLACE FUNCTION traguardi_freeze_check(plans bigint[], what text) RETURNS void LANGUAGE plpgsql
{SEARCH_PATH} AS $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT id, state, code FROM public.plans_plan WHERE id = ANY(plans) ORDER BY id FOR SHARE LOOP
        IF p.state = 'validated' THEN
            RAISE EXCEPTION '{CODE}: the plan «%» (id %) is validated: % is read-only until a superuser reopens it',
                p.code, p.id, what USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
END $$;
"""


def _table_sql(frozen: Frozen) -> str:
    """One check per statement, over its rows as transition tables: an import writing 100,000 activities made
    100,000 calls of a row trigger. A change counts only where a row's data moved (the scan's bookkeeping may
    move on a validated plan); a row is compared with the row of the same key before, so a change of key counts
    on both sides."""
    table, function = f"public.{_q(frozen.table)}", function_name(frozen)
    pk = _q(frozen.model._meta.pk.column)
    same = f"o.{pk} = n.{pk} AND {_content(frozen, 'o')} IS NOT DISTINCT FROM {_content(frozen, 'n')}"
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM traguardi_freeze_check(ARRAY(SELECT DISTINCT {_plan_of(frozen, "n")} FROM _new n), TG_TABLE_NAME);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM traguardi_freeze_check(ARRAY(SELECT DISTINCT {_plan_of(frozen, "o")} FROM _old o), TG_TABLE_NAME);
    ELSE
        PERFORM traguardi_freeze_check(ARRAY(
            SELECT {_plan_of(frozen, "o")} FROM _old o WHERE NOT EXISTS (SELECT 1 FROM _new n WHERE {same})
            UNION
            SELECT {_plan_of(frozen, "n")} FROM _new n WHERE NOT EXISTS (SELECT 1 FROM _old o WHERE {same})
        ), TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {function}_write ON {table};
CREATE TRIGGER {function}_write AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS _new FOR EACH STATEMENT EXECUTE FUNCTION {function}();
DROP TRIGGER IF EXISTS {function}_remove ON {table};
CREATE TRIGGER {function}_remove AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS _old FOR EACH STATEMENT EXECUTE FUNCTION {function}();
DROP TRIGGER IF EXISTS {function}_change ON {table};
CREATE TRIGGER {function}_change AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS _old NEW TABLE AS _new FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


# The plan's own row. A reopening moves the state only (every other column as it was), and only with its
# record from this very transaction.
_PLAN = f"""
CREATE OR REPLACE FUNCTION traguardi_freeze_plan() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state = 'validated' THEN
            RAISE EXCEPTION '{CODE}: a plan is validated by its OIV, never written already validated'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.state <> 'validated' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.state = 'closed'
       AND to_jsonb(OLD) - 'state' = to_jsonb(NEW) - 'state'
       AND EXISTS (SELECT 1 FROM public.plans_planreopening
                   WHERE plan_id = OLD.id AND txid = txid_current()) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{CODE}: the plan «%» (id %) is validated: it is read-only until a superuser reopens it',
        OLD.code, OLD.id USING ERRCODE = 'check_violation';
END $$;
DROP TRIGGER IF EXISTS traguardi_freeze_plan ON public.plans_plan;
CREATE TRIGGER traguardi_freeze_plan BEFORE INSERT OR UPDATE OR DELETE ON public.plans_plan
    FOR EACH ROW EXECUTE FUNCTION traguardi_freeze_plan();
"""

# A reopening: of a validated plan, by an active superuser, with a motivation and an act; its time and
# transaction are the database's.
_REOPENING = f"""
CREATE OR REPLACE FUNCTION traguardi_reopening_stamp() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.plans_plan WHERE id = NEW.plan_id AND state = 'validated') THEN
        RAISE EXCEPTION 'plan_not_validated: only a validated plan is reopened' USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.auth_user WHERE id = NEW.reopened_by_id AND is_superuser AND is_active) THEN
        RAISE EXCEPTION 'reopening_not_allowed: only an active superuser reopens a validated plan'
            USING ERRCODE = 'check_violation';
    END IF;
    IF btrim(NEW.motivation) = '' OR btrim(NEW.act) = '' THEN
        RAISE EXCEPTION 'reopening_incomplete: a reopening has its motivation and its act'
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.reopened_at := clock_timestamp();
    NEW.txid := txid_current();
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS traguardi_reopening_stamp ON public.plans_planreopening;
CREATE TRIGGER traguardi_reopening_stamp BEFORE INSERT ON public.plans_planreopening
    FOR EACH ROW EXECUTE FUNCTION traguardi_reopening_stamp();
CREATE OR REPLACE FUNCTION traguardi_reopening_protect() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    RAISE EXCEPTION 'reopening_kept: a reopening is evidence, it is never changed or removed'
        USING ERRCODE = 'check_violation';
END $$;
DROP TRIGGER IF EXISTS traguardi_reopening_protect ON public.plans_planreopening;
CREATE TRIGGER traguardi_reopening_protect BEFORE UPDATE OR DELETE ON public.plans_planreopening
    FOR EACH ROW EXECUTE FUNCTION traguardi_reopening_protect();
"""


def freeze_sql() -> str:
    assert PlanReopening._meta.db_table == "plans_planreopening"
    return _CHECK + _PLAN + _REOPENING + "".join(_table_sql(frozen) for frozen in FROZEN)
