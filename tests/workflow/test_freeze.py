"""The freeze of a validated plan: every service refuses to change it (409, code "plan_frozen", the Italian
message) and writes nothing; the database refuses the same writes made around the application (raw SQL, as the
tests' superuser connection and as the application's own role), with no session setting to switch it off;
a superuser's reopening, with its motivation and act, still works and is recorded; the derived tables (scores,
forecasts) are still refreshed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from psycopg import errors

from notifications.answers import monitoring_answer_record
from notifications.links import AnswerClaim, LinkError
from notifications.models import MonitoringAnswer, MonitoringRound
from plans.models import Activity, IndicatorTarget, Measurement, Plan, PlanReopening, PlanState, WorkState
from tests.plan_life import put_in_execution
from tests.roles import APPLICATION_ROLE, ensure_application_role
from tests.workflow.world import World, build_world
from workflow.errors import Conflict, NotVisible
from workflow.models import AuditEntry, TransitionRequest
from workflow.services import (
    approval_approve,
    approval_reject,
    item_avvia,
    item_concludi,
    item_rinvia,
    measurement_record,
    request_withdraw,
)
from workflow.services.consuntivo import indicator_motivation_write, objective_report_write
from workflow.services.measurements import measurement_confirm
from workflow.services.plan_lifecycle import plan_close, plan_reopen, plan_validate
from workflow.trail.chain import verify
from workflow.trail.install import grant_application_role


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


FROZEN = "è stato validato dall'OIV"


def validate(world: World) -> Plan:
    """The plan's whole life up to the OIV's validation, through the services."""
    plan = put_in_execution(world.plan, world.diana)
    plan = plan_close(actor=world.diana, plan=plan)
    return plan_validate(actor=world.otto, plan=plan)


class Frozen:
    """The world with what was pending when the year ended: a request waiting for anna, a value waiting for
    confirmation, a target; then the plan validated."""

    def __init__(self, world: World) -> None:
        self.world = world
        item_avvia(actor=world.sara, item=world.activity, comment="Iniziamo")
        self.pending = item_concludi(actor=world.sara, item=world.activity).request  # waits for anna
        assert self.pending.status == TransitionRequest.Status.PENDING
        self.value = measurement_record(actor=world.sara, indicator=world.indicator, year=2026, value="12")
        IndicatorTarget.objects.create(indicator=world.indicator, year=2026, raw="20")
        self.round = MonitoringRound.objects.create(
            organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
        )
        self.plan = validate(world)


@pytest.fixture
def frozen(world: World) -> Frozen:
    return Frozen(world)


def _writes(frozen: Frozen) -> dict[str, Callable[[], Any]]:
    w, f = frozen.world, frozen
    return {
        "avvia (staff)": lambda: item_avvia(actor=w.tommaso, item=w.transversal),
        "concludi (area head)": lambda: item_concludi(actor=w.anna, item=w.second_activity),
        "rinvia (director)": lambda: item_rinvia(
            actor=w.diana, item=w.objective, reason="Ritardo", new_planned_end=dt.date(2026, 12, 31)
        ),
        "approve": lambda: approval_approve(actor=w.anna, request=f.pending),
        "reject": lambda: approval_reject(actor=w.anna, request=f.pending, comment="No"),
        "withdraw": lambda: request_withdraw(actor=w.sara, request=f.pending),
        "measurement": lambda: measurement_record(actor=w.anna, indicator=w.indicator, year=2026, value="15"),
        "confirm": lambda: measurement_confirm(actor=w.anna, measurement=f.value),
        "objective report": lambda: objective_report_write(
            actor=w.anna, objective=w.objective, date=dt.date(2026, 12, 31), text="Relazione"
        ),
        "motivation": lambda: indicator_motivation_write(actor=w.anna, indicator=w.indicator, year=2026, text="Perché"),
    }


SERVICES = [
    "avvia (staff)",
    "concludi (area head)",
    "rinvia (director)",
    "approve",
    "reject",
    "withdraw",
    "measurement",
    "confirm",
    "objective report",
    "motivation",
]


def _footprint() -> tuple[int, int, int, list[tuple[int, str]]]:
    return (
        AuditEntry.objects.count(),
        TransitionRequest.objects.filter(status=TransitionRequest.Status.PENDING).count(),
        Measurement.objects.count(),
        sorted(Activity.objects.values_list("pk", "state")),
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_refuses_a_validated_plan_with_the_reason_and_writes_nothing(
    frozen: Frozen, service: str
) -> None:
    before = _footprint()
    with pytest.raises(Conflict) as refused:
        _writes(frozen)[service]()
    assert refused.value.code == "plan_frozen"
    assert refused.value.status == 409
    assert FROZEN in refused.value.message and "PEG-2026" in refused.value.message
    assert "riaprirlo" in refused.value.message  # says how it could change: a reopening
    assert _footprint() == before


def test_who_cannot_see_the_plan_is_told_it_is_not_there_not_that_it_is_frozen(frozen: Frozen) -> None:
    with pytest.raises(NotVisible):
        item_avvia(actor=frozen.world.erica, item=frozen.world.activity)


def test_the_monthly_answer_about_a_validated_plan_is_refused(frozen: Frozen) -> None:
    claim = AnswerClaim(frozen.round.pk, frozen.world.activity.pk, frozen.world.sara.pk)
    with pytest.raises(LinkError) as refused:
        monitoring_answer_record(claim=claim, state=WorkState.AVVIATO, progress=10)
    assert refused.value.reason == "frozen"
    assert not MonitoringAnswer.objects.exists()


RAW_WRITES = [
    "UPDATE plans_activity SET description = 'ritoccata' WHERE id = {activity}",
    "UPDATE plans_activity SET state = 'concluso' WHERE id = {activity}",
    "DELETE FROM plans_activity WHERE id = {second}",
    "INSERT INTO plans_measurement (indicator_id, year, raw, kind, operator, parsed, note, recorded_at)"
    " SELECT indicator_id, year, '99', kind, operator, parsed, '', now() FROM plans_measurement WHERE id = {value}",
    "UPDATE plans_measurement SET raw = '99' WHERE id = {value}",
    "UPDATE plans_indicatortarget SET raw = '1' WHERE indicator_id = {indicator}",
    "DELETE FROM plans_objective_areas WHERE objective_id = {objective}",
    "INSERT INTO plans_objective_areas (objective_id, area_id) VALUES ({objective}, {technical})",
    "UPDATE plans_objective SET plan_id = {other_plan} WHERE id = {objective}",
    "UPDATE plans_plan SET title = 'Un altro piano' WHERE id = {plan}",
    "UPDATE plans_plan SET state = 'closed' WHERE id = {plan}",
    "DELETE FROM plans_plan WHERE id = {plan}",
    "UPDATE workflow_transitionrequest SET status = 'withdrawn', current_step = '', closed_at = now()"
    " WHERE id = {request}",
]


def _ids(frozen: Frozen) -> dict[str, int]:
    w = frozen.world
    other = Plan.objects.create(
        organization=w.aurelia, code="PEG-2027", kind="peg", title="PEG", year_start=2027, year_end=2027
    )
    return {
        "plan": frozen.plan.pk,
        "other_plan": other.pk,
        "objective": w.objective.pk,
        "activity": w.activity.pk,
        "second": w.second_activity.pk,
        "indicator": w.indicator.pk,
        "value": frozen.value.pk,
        "technical": w.technical.pk,
        "request": frozen.pending.pk,
    }


@pytest.mark.parametrize("statement", RAW_WRITES)
def test_the_database_refuses_raw_writes_to_a_validated_plan(frozen: Frozen, statement: str) -> None:
    ids = _ids(frozen)
    before = AuditEntry.objects.count()
    with pytest.raises(IntegrityError, match=r"^plan_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(**ids))
    assert AuditEntry.objects.count() == before
    assert Plan.objects.get(pk=frozen.plan.pk).state == PlanState.VALIDATED


def test_a_plan_is_never_written_already_validated(world: World) -> None:
    with pytest.raises(IntegrityError, match=r"^plan_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO plans_plan (organization_id, code, kind, title, year_start, year_end, adoption_act,"
            " state, source) VALUES (%s, 'X', 'peg', 'X', 2026, 2026, '', 'validated', '')",
            [world.aurelia.pk],
        )


def test_the_reminder_bookkeeping_of_a_validated_plan_may_still_move(frozen: Frozen) -> None:
    """The scan's next reminder day is not plan data (the trail leaves it out too)."""
    Activity.objects.filter(pk=frozen.world.activity.pk).update(next_reminder_on=dt.date(2026, 6, 1))
    assert Activity.objects.get(pk=frozen.world.activity.pk).next_reminder_on == dt.date(2026, 6, 1)


def test_other_plans_stay_writable(frozen: Frozen) -> None:
    other = Plan.objects.create(
        organization=frozen.world.aurelia, code="PEG-2027", kind="peg", title="PEG 2027", year_start=2027, year_end=2027
    )
    objective = other.objectives.create(code="SOC-1", title="Presa in carico")
    objective.areas.add(frozen.world.social)
    assert item_avvia(actor=frozen.world.diana, item=objective).request.pk  # asked, not refused


def test_a_reopening_by_a_superuser_unfreezes_the_plan_and_is_recorded(frozen: Frozen) -> None:
    operator = User.objects.create_superuser("gestore", "gestore@example.org", "segreta")
    plan_reopen(actor=operator, plan=frozen.plan, motivation="Errore materiale nel consuntivo", act="Decreto n. 3")

    assert Plan.objects.get(pk=frozen.plan.pk).state == PlanState.CLOSED
    reopening = PlanReopening.objects.get(plan=frozen.plan)
    assert (reopening.reopened_by, reopening.act, reopening.motivation) == (
        operator,
        "Decreto n. 3",
        "Errore materiale nel consuntivo",
    )
    assert reopening.txid is not None
    recorded = AuditEntry.objects.get(subject="plans.planreopening", subject_id=reopening.pk)
    assert recorded.after is not None and recorded.after["act"] == "Decreto n. 3" and recorded.actor == operator
    # Writable again: anna decides the request that waited.
    assert approval_approve(actor=frozen.world.anna, request=frozen.pending).applied
    # A reopening is evidence: never changed or removed.
    for statement in ("UPDATE plans_planreopening SET act = 'x'", "DELETE FROM plans_planreopening"):
        with pytest.raises(IntegrityError, match="reopening_kept"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)


def test_only_an_active_superuser_writes_a_reopening_even_in_raw_sql(frozen: Frozen) -> None:
    with pytest.raises(IntegrityError, match="reopening_not_allowed"), transaction.atomic():
        PlanReopening.objects.create(plan=frozen.plan, reopened_by=frozen.world.diana, motivation="m", act="a")
    operator = User.objects.create_superuser("gestore", "gestore@example.org", "segreta")
    with pytest.raises(IntegrityError, match="reopening_incomplete"), transaction.atomic():
        PlanReopening.objects.create(plan=frozen.plan, reopened_by=operator, motivation=" ", act="a")
    assert Plan.objects.get(pk=frozen.plan.pk).state == PlanState.VALIDATED


def test_the_daily_scores_and_forecasts_still_run_on_a_validated_plan(frozen: Frozen) -> None:
    from evaluation.forecasting import forecasts_store_all
    from evaluation.models import ScoreSnapshot
    from evaluation.refresh import refresh_scores

    outcome = refresh_scores(dt.date(2026, 5, 15))
    assert ScoreSnapshot.objects.filter(plan=frozen.plan).exists(), outcome
    forecasts_store_all(day=dt.date(2026, 5, 15))


# Around the application: a connection of its own database role, committed data, separate transactions.


@pytest.fixture
def app(committed_world: World) -> Iterator[tuple[psycopg.Connection[tuple[object, ...]], Frozen]]:
    frozen = Frozen(committed_world)
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    ensure_application_role(f"postgres://{settings['USER']}@{host}:{port}/postgres")
    grant_application_role(APPLICATION_ROLE)
    with psycopg.connect(dbname=settings["NAME"], user=APPLICATION_ROLE, host=host, port=port) as application:
        yield application, frozen


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", RAW_WRITES)
def test_the_application_role_cannot_write_to_a_validated_plan(app: Any, statement: str) -> None:
    application, frozen = app
    ids = _ids(frozen)
    with pytest.raises(errors.CheckViolation, match=r"^plan_frozen"), application.transaction():
        application.execute(statement.format(**ids))
    assert Plan.objects.get(pk=frozen.plan.pk).state == PlanState.VALIDATED
    assert verify(frozen.world.aurelia.pk).intact


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement",
    [
        "SET session_replication_role = replica",
        "ALTER TABLE plans_activity DISABLE TRIGGER ALL",
        "DROP TRIGGER traguardi_freeze_plan ON plans_plan",
        "DROP FUNCTION traguardi_freeze_check(bigint[], text) CASCADE",
    ],
)
def test_the_application_role_cannot_switch_the_freeze_off(app: Any, statement: str) -> None:
    application, _frozen = app
    with pytest.raises((errors.InsufficientPrivilege, errors.WrongObjectType)), application.transaction():
        application.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_a_reopening_of_another_transaction_does_not_unfreeze_the_plan(app: Any) -> None:
    """The state moves only with a reopening of the same transaction: an old one, or one committed just before,
    lets nothing through."""
    application, frozen = app
    operator = User.objects.create_superuser("gestore", "gestore@example.org", "segreta")
    with application.transaction():
        application.execute(
            "INSERT INTO plans_planreopening (plan_id, reopened_by_id, motivation, act) VALUES (%s, %s, 'm', 'a')",
            [frozen.plan.pk, operator.pk],
        )
    with pytest.raises(errors.CheckViolation, match=r"^plan_frozen"), application.transaction():
        application.execute("UPDATE plans_plan SET state = 'closed' WHERE id = %s", [frozen.plan.pk])
    # In one transaction with its reopening, as plan_reopen does, the state moves back to closed; only that.
    with application.transaction():
        application.execute(
            "INSERT INTO plans_planreopening (plan_id, reopened_by_id, motivation, act) VALUES (%s, %s, 'm', 'a')",
            [frozen.plan.pk, operator.pk],
        )
        with pytest.raises(errors.CheckViolation, match=r"^plan_frozen"), application.transaction():
            application.execute("UPDATE plans_plan SET state = 'closed', title = 'x' WHERE id = %s", [frozen.plan.pk])
        application.execute("UPDATE plans_plan SET state = 'closed' WHERE id = %s", [frozen.plan.pk])
    assert Plan.objects.get(pk=frozen.plan.pk).state == PlanState.CLOSED


# Rows that reach a plan through their foreign keys but are not the plan's data: the trail itself, the reopenings
# (their own guard), and what is derived from the plan (scores, forecasts, prepared documents).
NOT_PLAN_DATA = {
    "workflow.AuditEntry",
    "plans.PlanReopening",
    "evaluation.ScoreSnapshot",
    "evaluation.ObjectiveForecast",
    "reports.ReportExport",
    # A web import's job: who asked to import which file and what it found; the plan's rows it writes are frozen.
    "plans.PlanImport",
}


def _reaches_a_plan(model: type[Any], depth: int = 5) -> bool:
    if depth == 0:
        return False
    for field in model._meta.concrete_fields:
        related = getattr(field, "related_model", None)
        if related is None or related is model:
            continue
        if related is Plan or _reaches_a_plan(related, depth - 1):
            return True
    return False


def test_every_table_whose_rows_belong_to_a_plan_is_frozen() -> None:
    """A new model hanging from a plan is either in workflow.trail.freeze.FROZEN or named here as not plan data."""
    from django.apps import apps

    from workflow.trail.freeze import FROZEN as FROZEN_TABLES

    frozen = {entry.model for entry in FROZEN_TABLES}
    missing = [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model is not Plan
        and _reaches_a_plan(model)
        and model not in frozen
        and model._meta.label not in NOT_PLAN_DATA
    ]
    assert missing == []
