"""Reading the measurement system (SMVP) of an organization's year."""

from __future__ import annotations

from collections.abc import Iterable

from evaluation.models import MeasurementSystem


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
