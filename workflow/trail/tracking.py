"""Which plan data the trail records, and the trigger that records each change.

Triggers on each table write a data row into the trail for every insert, change and deletion, whoever makes it
(the admin, an import, a service, a shell): its organization, the subject (label and id), the columns before and
after (for a change, only those that changed), and who and from where as the application's context says
(`workflow.trail.context`), with the motivation the context carries, if any. Columns that are bookkeeping,
not data, are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem
from plans.models import (
    ActionSheet,
    ActionSheetIndicator,
    Activity,
    Area,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    MeasurementEvidence,
    Objective,
    ObjectiveReport,
    Organization,
    OrganizationRole,
    Plan,
    PlanImport,
    PlanReopening,
)
from reports.models import PiaoUpload, RelazioneChapter
from workflow.models import (
    ApprovalPolicy,
    Delegation,
    SeparationPolicy,
    Validation,
    ValidationCheck,
    ValidationCriterion,
)
from workflow.trail.guards import SEARCH_PATH


@dataclass(frozen=True)
class Tracked:
    model: type[Model]
    organization: str  # the path from the model to its organization ("" for the organization itself)
    ignored: tuple[str, ...] = ()  # columns that are not data

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


# The day the next reminder is due is the scan's bookkeeping (plans.models.lifecycle), rewritten every day.
_REMINDER = ("next_reminder_on",)

TRACKED = (
    Tracked(Organization, ""),
    Tracked(OrganizationRole, "organization"),
    Tracked(Area, "organization"),
    Tracked(Area.members.through, "area__organization"),
    Tracked(Plan, "organization"),
    Tracked(PlanReopening, "plan__organization"),
    # Who imported which file into which body, and what it found; not the file itself (kept with the job, up to
    # 50 MB) nor the worker's lease.
    Tracked(PlanImport, "organization", ("content", "lease_until")),
    Tracked(Objective, "plan__organization", _REMINDER),
    Tracked(Objective.areas.through, "objective__plan__organization"),
    Tracked(ObjectiveReport, "objective__plan__organization"),
    Tracked(Activity, "objective__plan__organization", _REMINDER),
    Tracked(Indicator, "objective__plan__organization"),
    Tracked(IndicatorTarget, "indicator__objective__plan__organization"),
    Tracked(IndicatorBaseline, "indicator__objective__plan__organization"),
    Tracked(HistoricalValue, "indicator__objective__plan__organization"),
    Tracked(Measurement, "indicator__objective__plan__organization"),
    Tracked(MeasurementEvidence, "measurement__indicator__objective__plan__organization"),
    Tracked(IndicatorMotivation, "indicator__objective__plan__organization"),
    Tracked(RelazioneChapter, "plan__organization"),
    Tracked(PiaoUpload, "plan__organization"),
    Tracked(ActionSheet, "plan__organization"),
    Tracked(ActionSheetIndicator, "sheet__plan__organization"),
    Tracked(ApprovalPolicy, "organization"),
    Tracked(SeparationPolicy, "organization"),
    Tracked(Delegation, "organization"),
    Tracked(MeasurementSystem, "organization"),
    Tracked(Behaviour, "system__organization"),
    Tracked(EvaluationSheet, "organization"),
    Tracked(BehaviourScore, "sheet__organization"),
    Tracked(ValidationCriterion, "organization"),
    Tracked(Validation, "plan__organization"),
    Tracked(ValidationCheck, "validation__plan__organization"),
)


def _q(name: str | None) -> str:
    assert name is not None  # a concrete column
    return connection.ops.quote_name(name)


def organization_sql(tracked: Tracked, row: str) -> str:
    """SQL for the organization id of `row` (a record of the tracked table), following the path's foreign keys
    with one subquery each."""
    model: type[Model] = tracked.model
    if not tracked.organization:
        return f"{row}.{_q(model._meta.pk.column)}"
    expression = ""
    for name in tracked.organization.split("__"):
        field = model._meta.get_field(name)
        column = _q(field.column)  # type: ignore[union-attr]
        if not expression:
            expression = f"{row}.{column}"
        else:
            table, key = f"public.{_q(model._meta.db_table)}", _q(model._meta.pk.column)
            expression = f"(SELECT {column} FROM {table} WHERE {key} = {expression})"
        model = field.related_model  # type: ignore[assignment]
    return expression


def _content(tracked: Tracked, row: str) -> str:
    """The row's data as a SQL row value: every column but the ignored ones."""
    columns = [f.column for f in tracked.model._meta.concrete_fields if f.column not in tracked.ignored]
    return "ROW(" + ", ".join(f"{row}.{_q(column)}" for column in columns) + ")"


def function_name(tracked: Tracked) -> str:
    return f"traguardi_history_{tracked.table}"


# From this many rows, a statement's trail rows are sealed as they are written (workflow.trail.chain,
# traguardi_audit_seal_as_written), for the organization of its first row: sealing each at commit rewrote it.
SEALED_AS_WRITTEN_FROM = 1000


def history_sql(tracked: Tracked) -> str:
    """The table's history function and its three triggers (insert, change, deletion), one call per statement
    with the statement's rows as transition tables: an import inserting 100,000 activities writes their trail rows
    in one INSERT, where a trigger for each row took most of its time."""
    table, function = f"public.{_q(tracked.table)}", function_name(tracked)
    ignored = "'{" + ",".join(tracked.ignored) + "}'::text[]"
    pk = _q(tracked.model._meta.pk.column)
    moved = f"{_content(tracked, 'n')} IS DISTINCT FROM {_content(tracked, 'o')}"
    changed = f"_new n JOIN _old o ON o.{pk} = n.{pk} WHERE {moved}"
    many = SEALED_AS_WRITTEN_FROM
    org_new, org_old = organization_sql(tracked, "n"), organization_sql(tracked, "o")
    columns = (
        "organization_id, event, subject, subject_id, before, after, actor_id, source, transition, from_state,"
        " to_state, comment, prev_hash, hash"
    )
    who = (
        "(_context ->> 'user')::bigint, coalesce(_context ->> 'source', ''), '', '', '',"
        " coalesce(_context ->> 'comment', ''), '', ''"
    )
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    _context jsonb := NULLIF(current_setting('pghistory.context_metadata', true), '')::jsonb;
BEGIN
    -- Many trail rows to write: sealed as written (none for a transaction that seals at commit, a dry run).
    IF coalesce(current_setting('traguardi.seal_at_commit', true), '') <> 'on' THEN
        IF TG_OP = 'DELETE' THEN
            IF (SELECT count(*) FROM (SELECT 1 FROM _old LIMIT {many}) o) = {many} THEN
                PERFORM traguardi_audit_seal_as_written((SELECT {org_old} FROM _old o LIMIT 1));
            END IF;
        ELSIF TG_OP = 'INSERT' THEN
            IF (SELECT count(*) FROM (SELECT 1 FROM _new LIMIT {many}) n) = {many} THEN
                PERFORM traguardi_audit_seal_as_written((SELECT {org_new} FROM _new n LIMIT 1));
            END IF;
        -- A change writes a trail row only where the data moved: the scan's bookkeeping writes none.
        ELSIF (SELECT count(*) FROM (SELECT 1 FROM _new LIMIT {many}) n) = {many}
            AND (SELECT count(*) FROM (SELECT 1 FROM {changed} LIMIT {many}) c) = {many}
        THEN
            PERFORM traguardi_audit_seal_as_written((SELECT {org_new} FROM {changed} LIMIT 1));
        END IF;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.workflow_auditentry ({columns})
        SELECT {organization_sql(tracked, "n")}, 'created', '{tracked.label}', n.{pk}, NULL,
            to_jsonb(n) - {ignored}, {who}
        FROM _new n ORDER BY n.{pk};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.workflow_auditentry ({columns})
        SELECT {organization_sql(tracked, "o")}, 'deleted', '{tracked.label}', o.{pk}, to_jsonb(o) - {ignored},
            NULL, {who}
        FROM _old o ORDER BY o.{pk};
    ELSE
        -- A change: only the columns that changed, before and after; none (bookkeeping only), no row.
        INSERT INTO public.workflow_auditentry ({columns})
        SELECT {organization_sql(tracked, "n")}, 'changed', '{tracked.label}', n.{pk}, d.before, d.after, {who}
        FROM _new n JOIN _old o ON o.{pk} = n.{pk}
        CROSS JOIN LATERAL (
            SELECT jsonb_object_agg(e.key, e.value) AS after,
                jsonb_object_agg(e.key, (to_jsonb(o) - {ignored}) -> e.key) AS before
            FROM jsonb_each(to_jsonb(n) - {ignored}) e
            WHERE e.value IS DISTINCT FROM (to_jsonb(o) - {ignored}) -> e.key
        ) d
        WHERE d.after IS NOT NULL
        ORDER BY n.{pk};
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


def tracking_sql() -> str:
    return "".join(history_sql(tracked) for tracked in TRACKED)
