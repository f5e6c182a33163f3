"""One indicator's row of a year, as the Relazione and its open data show it: the year's target, the value that
counts (plans.measured), how far it is reached under the year's rule, the values waiting for confirmation."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet

from plans.achievement import DEFAULT_RULE, ScoringRule, achievement
from plans.measured import value_that_counts
from plans.models import Indicator, IndicatorMotivation, IndicatorTarget, Measurement
from plans.models.indicator import baseline_of
from reports.facts import person_name
from reports.sections import IndicatorRow

# The year's rows, as plain lists on each indicator (Prefetch's to_attr): reading them through the related managers
# (`indicator.targets.all()`) builds a queryset each time, a third of the CSV's cost for a large plan.
TARGETS, MEASUREMENTS, MOTIVATIONS = "targets_of_year", "measurements_of_year", "motivations_of_year"


def indicators_of_year(year: int) -> QuerySet[Indicator]:
    """Indicators with what their row of `year` reads (indicator_row): the year's targets, measurements and
    motivations, and the baseline."""
    return (
        Indicator.objects.order_by("position")
        .select_related("baseline")
        .prefetch_related(
            Prefetch("motivations", queryset=IndicatorMotivation.objects.filter(year=year), to_attr=MOTIVATIONS),
            Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year), to_attr=TARGETS),
            # Oldest first; an undated measurement counts as recorded when it was entered, after the dated ones
            # (the model's order on PostgreSQL, and what the web pages show), on every database.
            Prefetch(
                "measurements",
                queryset=Measurement.objects.filter(year=year)
                .select_related("recorded_by")
                .order_by(F("measured_on").asc(nulls_last=True), "recorded_at", "pk"),
                to_attr=MEASUREMENTS,
            ),
        )
    )


def indicator_row(indicator: Indicator, confirms: bool, rule: ScoringRule = DEFAULT_RULE) -> IndicatorRow:
    targets = _of_year(indicator, TARGETS)
    # The last measurement of the year is the current value.
    measurements = _of_year(indicator, MEASUREMENTS)
    target = targets[0] if targets else None
    measurement = value_that_counts(measurements, confirms=confirms)
    # Values recorded after the one that counts, still waiting for the area head's confirmation.
    waiting = measurements[measurements.index(measurement) + 1 :] if measurement else measurements
    reached = achievement(target, measurement, indicator.direction, rule, baseline=baseline_of(indicator))
    motivations = _of_year(indicator, MOTIVATIONS)
    return IndicatorRow(
        position=indicator.position,
        name=indicator.name,
        description=indicator.description,
        unit=indicator.unit,
        direction=indicator.direction,
        expected=target.raw if target else "",
        actual=measurement.raw if measurement else "",
        measured_on=measurement.measured_on if measurement else None,
        percent=reached.percent,
        light=reached.light,
        level=reached.level,
        score=reached.score,
        explanation=reached.explanation,
        target_id=target.pk if target else None,
        motivation=motivations[0].text if motivations else "",
        recorded_by=person_name(measurement.recorded_by) if measurement else "",
        awaiting_confirmation=len(waiting) if confirms else 0,
    )


def _of_year(indicator: Indicator, name: str) -> list[Any]:
    """The year's rows indicators_of_year prefetched under `name`."""
    rows: list[Any] = getattr(indicator, name)
    return rows
