"""Review of issue 15: the intermediate monitoring report scores values the body has not confirmed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from plans.models import IndicatorTarget
from plans.parsing import parse_value
from reports.as_of import build_monitoring
from reports.relazione import build_relazione
from tests.reports.as_of_story import database_now
from tests.workflow.world import build_world
from workflow.models import SeparationPolicy
from workflow.services.measurements import measurement_record

pytestmark = pytest.mark.django_db


def test_a_value_awaiting_confirmation_is_not_scored_in_the_monitoring_report(db: None) -> None:
    """Where the body confirms values (SeparationPolicy.measurements_need_confirmation), the indicator page and the
    Relazione never score a value still to confirm (value_that_counts). reports/as_of.py `_indicator` takes the
    last measurement known at the date whatever its confirmation, so the OIV's monitoring report shows 85 and a
    percentage for the same indicator the Relazione, built the same day, leaves unmeasured."""
    # The trail is stamped by the database clock, which time_machine cannot move: this test runs on the real clock
    # (as tests/reports/as_of_story.py does).
    world = build_world()
    year = timezone.localdate().year
    world.plan.year_start = world.plan.year_end = year
    world.plan.save()
    SeparationPolicy.objects.create(organization=world.aurelia, measurements_need_confirmation=True)
    IndicatorTarget.objects.create(
        indicator=world.indicator, year=year, **IndicatorTarget.spec_values(parse_value("100"))
    )
    measurement_record(actor=world.sara, indicator=world.indicator, year=year, value="85")  # not confirmed

    relazione = build_relazione(plan=world.plan, year=year)
    scored = next(o for o in relazione.objectives if o.code == "SOC-1").indicators[0]
    assert (scored.actual, scored.percent) == ("", None)  # the Relazione waits for the confirmation

    monitoring = build_monitoring(plan=world.plan, moment=database_now())
    indicator = next(o for area in monitoring.areas for o in area.objectives if o.code == "SOC-1").indicators[0]
    assert (indicator.actual, indicator.percent) == ("", None), (indicator.actual, indicator.percent)
