"""Reading the measurement system (SMVP) of an organization's year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from evaluation.models import EvaluationSheet, MeasurementSystem
from plans.rules import roles_of


def system_for(organization_id: int, year: int) -> MeasurementSystem:
    """The organization's system for `year`: its row, or the defaults (an unsaved row) when it has none."""
    found = MeasurementSystem.objects.filter(organization_id=organization_id, year=year).first()
    return found or MeasurementSystem(organization_id=organization_id, year=year)


def systems_for(organization_id: int, years: Iterable[int]) -> dict[int, MeasurementSystem]:
    """The systems of several years in one query, the defaults where a year has no row."""
    years = list(years)
    found = {
        system.year: system
        for system in MeasurementSystem.objects.filter(organization_id=organization_id, year__in=years)
    }
    return {year: found.get(year) or MeasurementSystem(organization_id=organization_id, year=year) for year in years}


def visible_sheets(user: Any) -> QuerySet[EvaluationSheet]:
    """The evaluation sheets `user` may see: their own, those they evaluate, and every sheet of the
    organizations they direct or audit (OIV). Nobody else: another area head or staff sees none of them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EvaluationSheet.objects.none()
    roles = roles_of(user)
    return EvaluationSheet.objects.filter(
        Q(person=user) | Q(evaluator=user) | Q(organization__in=roles.director_of | roles.auditor_of)
    )


def readable_sheets(user: Any) -> QuerySet[EvaluationSheet]:
    """The sheets whose scores and comments `user` may read: those of `visible_sheets`, but her own only once the
    evaluator has submitted it (the sheet's page hides the draft's scores and comments from the evaluated person,
    even when she directs the organization)."""
    return visible_sheets(user).exclude(person=user, state=EvaluationSheet.State.DRAFT)


def can_see_all_sheets(user: Any, organization_id: int) -> bool:
    """Whether `user` sees every sheet of the organization and its payroll export: its director and its OIV."""
    roles = roles_of(user)
    return organization_id in roles.director_of | roles.auditor_of
