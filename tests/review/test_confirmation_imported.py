"""Review of issue 15: turning on the confirmation of values empties the Relazione of the imported consuntivo."""

from __future__ import annotations

import pytest

from plans.models import Measurement, Plan
from reports.relazione import build_relazione
from tests.reports.conftest import DEMO_ORGANIZATION, DEMO_PLAN
from workflow.models import SeparationPolicy

pytestmark = pytest.mark.django_db


def test_imported_values_still_count_when_the_body_turns_on_confirmation(demo_plan: Plan) -> None:
    """The importer writes the seed's measured values with no recorder and no confirmation (confirmed_at NULL).
    Once the body ticks SeparationPolicy.measurements_need_confirmation (workflow/services/measurements.py
    value_that_counts, reports/relazione.py `_indicator_row`), every imported value is "da confermare": seed 002's
    Relazione 2021 loses every actual value and percentage, and all its indicators become "non misurabile". The
    values of an adopted document are not a staff member's entry awaiting the area head; at least the import
    should count as confirmed (or the policy apply only to values recorded after it was turned on)."""
    imported = Measurement.objects.filter(indicator__objective__plan=demo_plan, year=2021)
    assert imported.exists() and not imported.filter(confirmed_at__isnull=False).exists()
    before = build_relazione(plan=demo_plan, year=2021)
    measured = sum(1 for o in before.objectives for i in o.indicators if i.actual)
    assert measured > 0

    SeparationPolicy.objects.update_or_create(
        organization=demo_plan.organization, defaults={"measurements_need_confirmation": True}
    )
    after = build_relazione(plan=Plan.objects.get(organization__slug=DEMO_ORGANIZATION, code=DEMO_PLAN), year=2021)
    still = sum(1 for o in after.objectives for i in o.indicators if i.actual)
    assert still == measured, f"{measured} imported values before, {still} once confirmation is on"
