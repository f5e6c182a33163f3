"""Which of an indicator's values counts: a rule of the plan's data, read by the pages, the scores, the
forecasts and the Relazione alike (the workflow's services record and confirm the values)."""

from __future__ import annotations

from collections.abc import Sequence

from plans.models import Measurement


def value_that_counts(measurements: Sequence[Measurement], *, confirms: bool) -> Measurement | None:
    """The value of a year that the pages, and the Relazione, should score, from its values oldest first: the
    latest one; where the organization confirms values, the latest confirmed one (a value still to confirm is
    shown as such, never scored)."""
    counted = [m for m in measurements if counts_as_confirmed(m)] if confirms else list(measurements)
    return counted[-1] if counted else None


def counts_as_confirmed(measurement: Measurement) -> bool:
    """Confirmed by the area head, or recorded by nobody: a value imported from the body's own adopted document
    (the import, the demo) is the document's, not a member of staff's awaiting a check."""
    return measurement.confirmed_at is not None or measurement.recorded_by_id is None
