"""plans.lookups.AnyOf (a list of ids as one parameter) and the models' own get_state_display."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.lookups import AnyOf
from plans.models import Activity, Indicator, Objective
from plans.models.states import WorkState, work_state_label
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def test_any_of_selects_what_in_selects(world: World) -> None:
    second = Indicator.objects.create(objective=world.transversal, position=1, name="Sportelli aperti")
    ids = [world.objective.pk, world.transversal.pk, 10**9]
    chosen = Indicator.objects.filter(AnyOf("objective_id", ids)).order_by("pk")
    assert (
        list(chosen)
        == list(Indicator.objects.filter(objective_id__in=ids).order_by("pk"))
        == [
            world.indicator,
            second,
        ]
    )
    assert list(Indicator.objects.filter(AnyOf("objective_id", [world.transversal.pk]))) == [second]


def test_any_of_sends_the_ids_as_one_parameter(world: World) -> None:
    ids = [*range(10**8, 10**8 + 3000), world.objective.pk]
    chosen = Indicator.objects.filter(AnyOf("objective_id", ids))
    assert list(chosen) == [world.indicator]
    sql, params = chosen.query.sql_with_params()
    if connection.vendor == "postgresql":
        # Django's `__in` writes the 3,001 ids as as many placeholders, which the driver parses at every call.
        assert '"objective_id" = ANY(%s)' in sql and "IN (" not in sql
        assert params == (ids,)
    else:
        assert sql.count("%s") == len(params) == len(ids)


def test_any_of_an_empty_list_is_no_rows_and_no_query(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert list(Indicator.objects.filter(AnyOf("objective_id", []))) == []
    assert queries.captured_queries == []


@pytest.mark.parametrize("state", [state.value for state in WorkState])
def test_state_labels_are_django_choices_labels(world: World, state: str) -> None:
    """The models define get_state_display (Django's rebuilt a dict of translated labels at every call): the same
    label, in the active language."""
    activity = Activity(objective=world.objective, state=state)
    objective = Objective(plan=world.plan, state=state)
    expected = dict(WorkState.choices)[state]  # the choices the field is declared with
    assert activity.get_state_display() == objective.get_state_display() == str(expected)


def test_a_state_that_is_none_of_them_shows_as_stored() -> None:
    assert work_state_label("sospeso") == "sospeso"
