"""Filters of the list endpoints: plan, area, state, owner and overdue."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Area, Indicator, Objective, Plan, WorkState

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

    def filter_area(queryset: QuerySet[Any], name: str, value: Area | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        in_area = ObjectiveAreas.objects.filter(area=value).values("objective_id")
        return queryset.filter(**{f"{objective_field}__in": in_area})

    return filter_area


class ItemFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=WorkState.choices)
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Open and past its planned end, in an adopted plan or one in execution"
    )
    plan_path = "plan__"

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        return _overdue(queryset, value, self.plan_path)


class ObjectiveFilter(ItemFilter):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all())
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), method=_in_area("pk"))

    class Meta:
        model = Objective
        fields = ["plan", "area", "state", "owner", "overdue"]


class ActivityFilter(ItemFilter):
    plan_path = "objective__plan__"
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), field_name="objective__plan")
    objective = django_filters.ModelChoiceFilter(queryset=Objective.objects.all())
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), method=_in_area("objective_id"))

    class Meta:
        model = Activity
        fields = ["plan", "objective", "area", "state", "owner", "overdue"]


class IndicatorFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), field_name="objective__plan")
    objective = django_filters.ModelChoiceFilter(queryset=Objective.objects.all())
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), method=_in_area("objective_id"))

    class Meta:
        model = Indicator
        fields = ["plan", "objective", "area"]
