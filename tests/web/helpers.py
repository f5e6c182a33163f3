"""Shared helpers of the page tests: the state of the database, items in a given state, indicator values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User

from plans.models import (
    Activity,
    Indicator,
    IndicatorTarget,
    Measurement,
    Objective,
    Organization,
    OrganizationRole,
    Plan,
    WorkState,
)
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value
from tests.plan_life import put_in_execution

# Every table a page could write to: the plans, the workflow (requests, decisions, the audit trail) and
# the notifications (monthly answers, outbox, calendar feeds).
APPS = ("plans", "workflow", "notifications")


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the application's tables, to prove that a refused request changed nothing."""
    state = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return state


def set_state(item: Activity | Objective, state: WorkState) -> None:
    # The state field is protected: a test that only needs an item in a state writes the column directly.
    type(item).objects.filter(pk=item.pk).update(state=state)
    item.refresh_from_db()


def last_years_peg(organization: Organization) -> Plan:
    """The organization's PEG of 2025: an older plan, for the filters that choose between plans. Still in
    execution (its Relazione is due by 30 June), adopted and started by the organization's director."""
    plan = Plan.objects.create(
        organization=organization, code="PEG-2025", kind=Plan.Kind.PEG, title="PEG 2025", year_start=2025, year_end=2025
    )
    director = OrganizationRole.objects.filter(organization=organization, role=OrganizationRole.Role.DIRECTOR).first()
    assert director is not None, "the organization needs a director to adopt its plan"
    return put_in_execution(plan, director.user)


def activity(
    objective: Objective,
    description: str,
    *,
    planned_end: dt.date,
    state: WorkState = WorkState.PROGRAMMATO,
    actual_end: dt.date | None = None,
    owner: User | None = None,
) -> Activity:
    position = objective.activities.count() + 1
    created = Activity.objects.create(
        objective=objective,
        position=position,
        description=description,
        planned_raw=f"{planned_end:%d/%m/%Y}",
        planned_end=planned_end,
        actual_raw=f"{actual_end:%d/%m/%Y}" if actual_end else "",
        actual_end=actual_end,
        owner=owner,
    )
    if state != WorkState.PROGRAMMATO:
        set_state(created, state)
    return created


def indicator_values(indicator: Indicator, year: int, *, expected: str, actual: str | None = None) -> None:
    """The expected value of `indicator` for `year` and, if given, a measurement, parsed as the importer does."""
    IndicatorTarget.objects.create(indicator=indicator, year=year, **ParsedValue.spec_values(parse_value(expected)))
    if actual is not None:
        Measurement.objects.create(
            indicator=indicator,
            year=year,
            measured_on=dt.date(year, 4, 30),
            **ParsedValue.spec_values(parse_value(actual)),
        )
