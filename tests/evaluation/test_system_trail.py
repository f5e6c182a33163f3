"""Every version of a measurement system is in the audit trail, a change made after adoption with its motivation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluation.models import MeasurementSystem
from tests.workflow.world import World
from workflow.models import AuditEntry
from workflow.trail.context import Source, recorded_as

pytestmark = pytest.mark.django_db


def test_a_change_of_the_system_is_in_the_trail_with_its_motivation(world: World) -> None:
    with recorded_as(Source.WEB, user=world.diana):
        system = MeasurementSystem.objects.create(organization=world.aurelia, year=2026)
    with recorded_as(Source.WEB, user=world.diana, comment="Delibera 12/2026: soglia intermedia al 90%"):
        system.partial = Decimal(90)
        system.save()

    created, changed = AuditEntry.objects.filter(subject="evaluation.measurementsystem", subject_id=system.pk).order_by(
        "pk"
    )

    assert (created.event, created.comment) == ("created", "")
    assert changed.event == "changed"
    assert changed.organization_id == world.aurelia.pk
    assert changed.actor_id == world.diana.pk
    assert changed.comment == "Delibera 12/2026: soglia intermedia al 90%"
    assert changed.before == {"partial": 80.0}
    assert changed.after == {"partial": 90.0}
