"""plans.statements: a queryset compiled once gives what the queryset itself gives, for any values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from plans.models import Activity, Area
from plans.statements import Statement, StatementError
from tests.workflow.world import World
from workflow.models import Delegation

ACTIVITY = Statement(lambda pk: Activity.objects.select_related("objective__plan").filter(pk=pk), pk=int)
AREAS_OF = Statement(
    lambda organization, code: Area.objects.filter(organization=organization, code__gte=code).order_by("code"),
    organization=int,
    code=str,
)
SUBSTITUTES = Statement(
    lambda day: Delegation.objects.active_on(day).order_by("pk").values_list("substitute__username", "ends_on"),
    day=dt.date,
)


def _fields(instance: object) -> dict[str, object]:
    return {key: value for key, value in vars(instance).items() if key != "_state"}


def test_instances_equal_the_querysets_with_their_related_objects_loaded(world: World) -> None:
    for activity in (world.activity, world.second_activity):
        expected = Activity.objects.select_related("objective__plan").get(pk=activity.pk)
        with CaptureQueriesContext(connection) as queries:
            (found,) = ACTIVITY.all(pk=activity.pk)
            plan = found.objective.plan
        assert len(queries) == 1
        assert _fields(found) == _fields(expected)
        assert _fields(found.objective) == _fields(expected.objective)
        assert _fields(plan) == _fields(expected.objective.plan)
        assert found._state.adding is False and found._state.db == "default"
    assert ACTIVITY.first(pk=0) is None


def test_every_call_binds_its_own_values(world: World) -> None:
    codes = [area.code for area in AREAS_OF.all(organization=world.aurelia.pk, code="")]
    assert codes == ["SOC", "TEC"]
    assert [area.code for area in AREAS_OF.all(organization=world.aurelia.pk, code="T")] == ["TEC"]
    assert [area.code for area in AREAS_OF.all(organization=world.borgo.pk, code="")] == ["AMM"]
    assert AREAS_OF.all(organization=world.borgo.pk, code="Z") == []


def test_rows_are_converted_as_django_converts_them(world: World) -> None:
    Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.anna,
        substitute=world.sara,
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    assert SUBSTITUTES.rows(day=dt.date(2026, 5, 15)) == [("sara", dt.date(2026, 5, 31))]
    assert SUBSTITUTES.rows(day=dt.date(2026, 6, 1)) == []
    queryset = Delegation.objects.active_on(dt.date(2026, 5, 31)).values_list("substitute__username", "ends_on")
    assert SUBSTITUTES.rows(day=dt.date(2026, 5, 31)) == list(queryset)


def test_a_locking_statement_locks_inside_a_transaction(world: World) -> None:
    locked = Statement(lambda pk: Activity.objects.select_for_update(no_key=True).filter(pk=pk), pk=int)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        (found,) = locked.all(pk=world.activity.pk)
    assert found.pk == world.activity.pk
    assert "FOR NO KEY UPDATE" in queries[-1]["sql"]


def test_a_parameter_that_django_changes_is_refused_when_compiled(world: World) -> None:
    wrapped = Statement(lambda name: Area.objects.filter(name__icontains=name), name=str)
    with pytest.raises(StatementError, match="'name' does not reach the SQL unchanged"):
        wrapped.all(name="sociali")
    unused = Statement(lambda pk: Area.objects.filter(Q(pk__gt=0)), pk=int)
    with pytest.raises(StatementError, match="'pk'"):
        unused.all(pk=1)


def test_wrong_calls_say_what_is_wrong(world: World) -> None:
    with pytest.raises(TypeError, match=r"expected \['pk'\], got \['id'\]"):
        ACTIVITY.all(id=world.activity.pk)
    with pytest.raises(StatementError, match="call rows"):
        SUBSTITUTES.all(day=dt.date(2026, 5, 15))
    with pytest.raises(TypeError, match="an int, a str, a date or a datetime"):
        Statement(lambda value: Area.objects.filter(pk=value), value=float).all(value=1.0)  # type: ignore[arg-type]
