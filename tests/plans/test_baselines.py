"""An indicator's baseline: one per indicator, in the audit trail with its motivation, and used wherever an
indicator is scored (the indicators' page, the indicator's page, the Relazione) at no extra query."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from plans.models import Indicator, IndicatorBaseline, IndicatorTarget, Measurement
from plans.models.indicator import baseline_of
from plans.parsing import parse_value
from reports.as_of import build_monitoring
from reports.relazione import build_relazione
from tests.reports.as_of_story import database_now
from tests.workflow.world import World
from web.indicators import achievements, indicators_of
from workflow.models import AuditEntry
from workflow.trail.context import Source, recorded_as

pytestmark = pytest.mark.django_db


def _value(raw: str) -> dict[str, object]:
    return IndicatorBaseline.spec_values(parse_value(raw))


@pytest.fixture
def relative(world: World) -> IndicatorBaseline:
    """Aurelia's indicator: at least 30% more than its 2025 baseline of 200 accesses, 247 recorded."""
    indicator = world.indicator
    indicator.targets.all().delete()
    IndicatorTarget.objects.create(indicator=indicator, year=2026, **_value("Aumento del 30% rispetto alla baseline"))
    Measurement.objects.create(indicator=indicator, year=2026, recorded_by=world.sara, **_value("247"))
    return IndicatorBaseline.objects.create(indicator=indicator, year=2025, source="Registro 2025", **_value("200"))


def test_an_indicator_has_one_baseline(world: World, relative: IndicatorBaseline) -> None:
    assert baseline_of(world.indicator) == relative
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorBaseline.objects.create(indicator=world.indicator, year=2024, **_value("180"))
    without = Indicator.objects.create(objective=world.transversal, position=1, name="Pratiche digitalizzate")
    assert baseline_of(without) is None


def test_a_baseline_changed_is_in_the_trail_with_its_motivation(world: World, relative: IndicatorBaseline) -> None:
    with transaction.atomic(), recorded_as(Source.ADMIN, user=world.diana, comment="Dato 2025 rettificato"):
        IndicatorBaseline.objects.filter(pk=relative.pk).update(raw="210", value=210)
    change = AuditEntry.objects.data_changes().get(subject="plans.indicatorbaseline", event="changed")
    assert change.before is not None and change.after is not None
    assert (change.before["raw"], change.after["raw"]) == ("200", "210")
    assert (change.actor, change.comment, change.organization) == (world.diana, "Dato 2025 rettificato", world.aurelia)


def test_the_indicators_page_scores_a_relative_target_against_the_baseline(
    world: World, relative: IndicatorBaseline, client: Client
) -> None:
    client.force_login(world.diana)
    page = client.get(reverse("web:indicator", args=[world.indicator.pk])).content.decode()
    assert "baseline 200 (2025), +30% → atteso ≥ 260" in page


def test_the_relazione_scores_a_relative_target_against_the_baseline(world: World, relative: IndicatorBaseline) -> None:
    relazione = build_relazione(plan=world.plan, year=2026)
    section = next(section for section in relazione.objectives if section.code == world.objective.code)
    (row,) = section.indicators
    assert row.explanation.startswith("baseline 200 (2025), +30% → atteso ≥ 260; valore 247 non ≥ 260 atteso")
    assert (row.percent, row.level) == (Decimal("95.0"), "parzialmente")


def test_the_indicators_list_reads_the_baselines_with_the_indicators(
    world: World, relative: IndicatorBaseline, django_assert_max_num_queries: Any
) -> None:
    for position in range(2, 12):
        indicator = Indicator.objects.create(
            objective=world.objective, position=position, name=f"Indicatore {position}"
        )
        IndicatorTarget.objects.create(indicator=indicator, year=2026, **_value("+10% sulla baseline"))
        IndicatorBaseline.objects.create(indicator=indicator, year=2025, **_value(str(position * 10)))
        Measurement.objects.create(indicator=indicator, year=2026, **_value(str(position * 11)))
    listed = indicators_of(world.diana, world.plan)
    # The indicators with their baselines, their targets, their values, their historical values (issue 19).
    with django_assert_max_num_queries(4):
        rows = achievements(listed, 2026)
    assert [row.result.score for row in rows] == [Decimal(95), *[Decimal(100)] * 10]
    assert all("manca la baseline" not in row.result.explanation for row in rows)


def test_the_report_as_of_a_date_uses_the_baseline_as_it_was_then(world: World, relative: IndicatorBaseline) -> None:
    year = database_now().year  # the trail runs on the database's clock: the report reads that year's values
    if year != 2026:
        target = IndicatorTarget.objects.get(indicator=world.indicator)
        IndicatorTarget.objects.create(indicator=world.indicator, year=year, **_value(target.raw))
        Measurement.objects.create(indicator=world.indicator, year=year, recorded_by=world.sara, **_value("247"))
    moment = database_now()
    IndicatorBaseline.objects.filter(pk=relative.pk).update(raw="100", value=100)  # after the moment: 247 ≥ 130
    plan = world.plan
    then = build_monitoring(plan=plan, moment=moment)
    now = build_monitoring(plan=plan, moment=database_now())

    def percent(report: Any) -> Decimal | None:
        rows = [i for area in report.areas for o in area.objectives if o.code == "SOC-1" for i in o.indicators]
        return rows[0].percent

    assert percent(then) == Decimal("95.0")  # 247 against at least 260 (200 + 30%)
    assert percent(now) == Decimal("190.0")  # 247 against at least 130 (100 + 30%)
