"""One indicator's row of a year, as the Relazione and its open data show it: the year's target, the value that
counts (plans.measured), how far it is reached under the year's rule, the values waiting for confirmation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from plans.achievement import DEFAULT_RULE, ScoringRule, achievement
from plans.lookups import AnyOf
from plans.measured import value_that_counts
from plans.models import HistoricalValue, Indicator, IndicatorMotivation, IndicatorTarget, Measurement
from plans.models.indicator import HISTORY_ROWS, history_prefetch, references_of
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
            Prefetch("measurements", queryset=_measurements(year).select_related("recorded_by"), to_attr=MEASUREMENTS),
            history_prefetch(),
        )
    )


def open_data_indicators(objective_ids: Sequence[int], year: int) -> list[Indicator]:
    """The objectives' indicators (by position) with what their open data row reads: the year's targets and
    measurements and the baseline; not who recorded a value nor the motivations, which the open data never show
    (indicator_row leaves them empty). Four queries whatever the number, each list of ids one parameter."""
    indicators = list(
        Indicator.objects.filter(AnyOf("objective_id", objective_ids)).order_by("position").select_related("baseline")
    )
    ids = [indicator.pk for indicator in indicators]
    # One target a year: no order (the model's orders by indicator, which joins up to the organization).
    targets = _by_indicator(IndicatorTarget.objects.filter(AnyOf("indicator_id", ids), year=year).order_by())
    measurements = _by_indicator(_measurements(year).filter(AnyOf("indicator_id", ids)))
    history = _by_indicator(HistoricalValue.objects.filter(AnyOf("indicator_id", ids)).order_by("year"))
    for indicator in indicators:
        setattr(indicator, TARGETS, targets[indicator.pk])
        setattr(indicator, MEASUREMENTS, measurements[indicator.pk])
        setattr(indicator, HISTORY_ROWS, history[indicator.pk])
    return indicators


def _measurements(year: int) -> QuerySet[Measurement]:
    # Oldest first; an undated measurement counts as recorded when it was entered, after the dated ones
    # (the model's order on PostgreSQL, and what the web pages show), on every database.
    return Measurement.objects.filter(year=year).order_by(F("measured_on").asc(nulls_last=True), "recorded_at", "pk")


def _by_indicator(rows: QuerySet[Any]) -> defaultdict[int, list[Any]]:
    grouped: defaultdict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.indicator_id].append(row)
    return grouped


def indicator_row(
    indicator: Indicator, confirms: bool, rule: ScoringRule = DEFAULT_RULE, *, open_data: bool = False
) -> IndicatorRow:
    """The indicator's row of the year its rows were read for: by indicators_of_year, or by open_data_indicators
    with `open_data` (no motivation, nobody named)."""
    targets = _of_year(indicator, TARGETS)
    # The last measurement of the year is the current value.
    measurements = _of_year(indicator, MEASUREMENTS)
    target = targets[0] if targets else None
    measurement = value_that_counts(measurements, confirms=confirms)
    # Values recorded after the one that counts, still waiting for the area head's confirmation.
    waiting = measurements[measurements.index(measurement) + 1 :] if measurement else measurements
    reached = achievement(target, measurement, indicator.direction, rule, baseline=references_of(indicator))
    motivations = [] if open_data else _of_year(indicator, MOTIVATIONS)
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
        recorded_by=person_name(measurement.recorded_by) if measurement and not open_data else "",
        awaiting_confirmation=len(waiting) if confirms else 0,
    )


def _of_year(indicator: Indicator, name: str) -> list[Any]:
    """The year's rows indicators_of_year prefetched under `name`."""
    rows: list[Any] = getattr(indicator, name)
    return rows
