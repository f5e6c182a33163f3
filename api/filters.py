"""Filters of the list endpoints: plan, area, state, owner and overdue.

A filter by id takes any id in the range ids have (1 to ID_MAX, as the paths' ids): one that names nothing, or
something the caller does not see, gives an empty list, as the schema says (integer, minimum, maximum), not a 400.
Another value (0, a negative, text, past the range) is outside the schema and answers 400. An unknown id used to be
a 400 that told which ids exist, whoever asked.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from api.serializers.dates import DateFormField
from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Indicator, Objective, WorkState

# The largest id the API takes, in paths and filters: nine digits, within PostgreSQL's integer.
ID_MAX = 999_999_999
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
DIGITS = re.compile(r"[0-9]{1,10}")


class IdField(forms.IntegerField):
    """An id as the schema says it: digits only (forms.IntegerField also reads " 5 ", "5.0", "+5", "1_000" and
    other scripts' digits)."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not (isinstance(value, str) and DIGITS.fullmatch(value)):
            raise forms.ValidationError(_("Un id si scrive con le sole cifre da 0 a 9."), code="invalid")
        return super().to_python(value)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """The rows whose `field_name` is the given id."""

    field_class = IdField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=ID_MAX, **kwargs)


ObjectiveAreas = Objective.areas.through


def _overdue(queryset: QuerySet[Any], value: bool | None, plan: str) -> QuerySet[Any]:
    """Open and past its planned end, in a live plan (plans.freeze): a closed year's items are never overdue.
    `plan` is the path to the item's plan."""
    if value is None:
        return queryset
    late = Q(state__in=OPEN_STATES, planned_end__lt=timezone.localdate()) & live_q(plan)
    return queryset.filter(late) if value else queryset.exclude(late)


def _in_area(objective_field: str) -> Any:
    """A filter method keeping the items whose objective belongs to the area (transversal ones too)."""

    def filter_area(queryset: QuerySet[Any], name: str, value: int | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        in_area = ObjectiveAreas.objects.filter(area_id=value).values("objective_id")
        return queryset.filter(**{f"{objective_field}__in": in_area})

    return filter_area


class IsoDateFilter(django_filters.DateFilter):
    """A date of the query, YYYY-MM-DD only (api.serializers.dates)."""

    field_class = DateFormField


class TruthField(forms.NullBooleanField):
    """true or false, as the schema's boolean is written in a query; empty is not given. Django's NullBooleanField
    reads any other word as not given, so ?overdue=si listed everything as if no filter had been asked: here it is
    refused (its widget, which did the reading, gives the text as it came)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # NullBooleanField's, as Django has it
        if value in (None, ""):
            return None
        if value == "true":
            return True
        if value == "false":
            return False
        raise forms.ValidationError(_("Si indica con true oppure false."), code="invalid")

    def validate(self, value: Any) -> None:
        pass


class TruthFilter(django_filters.BooleanFilter):
    field_class = TruthField


class ItemFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=WorkState.choices)
    owner = IdFilter(field_name="owner_id")
    overdue = extend_schema_field(
        {"type": "boolean", "description": "Open and past its planned end, in an adopted plan or one in execution."}
    )(TruthFilter(method="filter_overdue"))
    plan_path = "plan__"

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        return _overdue(queryset, value, self.plan_path)


class ObjectiveFilter(ItemFilter):
    plan = IdFilter(field_name="plan_id")
    area = IdFilter(method=_in_area("pk"))

    class Meta:
        model = Objective
        fields = ["plan", "area", "state", "owner", "overdue"]


class ActivityFilter(ItemFilter):
    plan_path = "objective__plan__"
    plan = IdFilter(field_name="objective__plan_id")
    objective = IdFilter(field_name="objective_id")
    area = IdFilter(method=_in_area("objective_id"))

    class Meta:
        model = Activity
        fields = ["plan", "objective", "area", "state", "owner", "overdue"]


class IndicatorFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="objective__plan_id")
    objective = IdFilter(field_name="objective_id")
    area = IdFilter(method=_in_area("objective_id"))

    class Meta:
        model = Indicator
        fields = ["plan", "objective", "area"]
