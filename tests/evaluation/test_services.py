"""Changing the measurement system (SMVP): who may, what is refused and changes nothing, and the trail that keeps
every version with its motivation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection

from evaluation.models import Behaviour, MeasurementSystem
from evaluation.selectors import system_for
from evaluation.services import measurement_system_adopt, measurement_system_save
from evaluation.versions import system_versions
from plans.scoring import Level
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

BEHAVIOURS = [
    {"name": "Orientamento al risultato", "description": "", "weight": "2"},
    {"name": "Collaborazione", "description": "Con le altre aree", "weight": "1"},
]


def _adopted(world: World) -> MeasurementSystem:
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={}, behaviours=BEHAVIOURS)
    return measurement_system_adopt(
        actor=world.diana, organization=world.aurelia, year=2026, adopted_on=dt.date(2026, 1, 20), act="DG 4/2026"
    )


def test_the_director_saves_the_years_system_with_its_behaviours(world: World) -> None:
    system = measurement_system_save(
        actor=world.diana,
        organization=world.aurelia,
        year=2026,
        values={"partial": "90", "cap": "120", "reached_label": "pienamente raggiunto"},
        behaviours=BEHAVIOURS,
    )

    saved = system_for(world.aurelia.pk, 2026)
    assert saved.pk == system.pk
    assert (saved.partial, saved.cap, saved.reached_label) == (Decimal(90), Decimal(120), "pienamente raggiunto")
    assert saved.rule.level(Decimal(85)) == Level.MISSED
    assert list(saved.behaviours.values_list("position", "name", "weight")) == [
        (1, "Orientamento al risultato", Decimal(2)),
        (2, "Collaborazione", Decimal(1)),
    ]


def test_the_platform_operator_may_change_any_organizations_system(world: World) -> None:
    operator = User.objects.create_superuser("operatore", "op@example.org", "segreta")

    measurement_system_save(actor=operator, organization=world.borgo, year=2026, values={"partial": "70"})

    assert system_for(world.borgo.pk, 2026).partial == Decimal(70)


@pytest.mark.parametrize("who", ["anna", "sara", "otto"])
def test_nobody_but_the_director_changes_the_system(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        measurement_system_save(
            actor=getattr(world, who), organization=world.aurelia, year=2026, values={"partial": "70"}
        )

    assert not MeasurementSystem.objects.exists()


def test_another_bodys_director_does_not_even_see_the_system(world: World) -> None:
    with pytest.raises(NotVisible):
        measurement_system_save(actor=world.erica, organization=world.aurelia, year=2026, values={"partial": "70"})
    with pytest.raises(NotVisible):
        measurement_system_adopt(
            actor=world.erica, organization=world.aurelia, year=2026, adopted_on=dt.date(2026, 1, 1)
        )

    assert not MeasurementSystem.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"partial": "110"}, None),  # above «raggiunto»: the bands out of order
        ({"floor": "90", "partial": "80"}, None),
        ({"cap": "90"}, None),
        ({"partial": "ottanta"}, "partial"),
        ({"partial": "-5"}, "partial"),
        ({"partial_credit": "a volte"}, "partial_credit"),
        ({"behaviour_scale": "1"}, "behaviour_scale"),
        ({"weight_own_objectives": "0", "weight_body": "0", "weight_behaviours": "0"}, None),
        ({"adopted_on": "2026-01-01"}, "adopted_on"),  # adoption has its own service
    ],
)
def test_bad_input_is_refused_in_italian_and_changes_nothing(
    world: World, values: dict[str, str], field: str | None
) -> None:
    before = _adopted(world)

    with pytest.raises(InvalidInput) as refused:
        measurement_system_save(
            actor=world.diana, organization=world.aurelia, year=2026, values=values, motivation="Revisione"
        )

    assert "non è stato salvato" in refused.value.message or "sconosciut" in refused.value.message
    if field:
        assert field in refused.value.fields
    after = system_for(world.aurelia.pk, 2026)
    assert [getattr(after, name) for name in ("partial", "cap", "floor", "partial_credit", "behaviour_scale")] == [
        getattr(before, name) for name in ("partial", "cap", "floor", "partial_credit", "behaviour_scale")
    ]


def test_a_bad_behaviour_changes_nothing(world: World) -> None:
    _adopted(world)

    with pytest.raises(InvalidInput) as refused:
        measurement_system_save(
            actor=world.diana,
            organization=world.aurelia,
            year=2026,
            values={"partial": "90"},
            behaviours=[{"name": "", "weight": "1"}, {"name": "Puntualità", "weight": "zero"}],
            motivation="Nuovi comportamenti",
        )

    assert len(refused.value.fields["behaviours"]) == 2
    assert system_for(world.aurelia.pk, 2026).partial == Decimal(80)
    assert list(Behaviour.objects.values_list("name", flat=True)) == [b["name"] for b in BEHAVIOURS]


def test_after_adoption_a_change_needs_a_motivation(world: World) -> None:
    _adopted(world)

    with pytest.raises(InvalidInput) as refused:
        measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={"partial": "90"})

    assert "motivation" in refused.value.fields
    assert "richiede una motivazione" in refused.value.message
    assert system_for(world.aurelia.pk, 2026).partial == Decimal(80)

    measurement_system_save(
        actor=world.diana,
        organization=world.aurelia,
        year=2026,
        values={"partial": "90"},
        motivation="Allineamento al nuovo regolamento",
    )
    assert system_for(world.aurelia.pk, 2026).partial == Decimal(90)


def test_before_adoption_no_motivation_is_needed_and_nothing_changed_writes_nothing(world: World) -> None:
    first = measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={"partial": "85"})
    again = measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={"partial": "85"})

    assert again.pk == first.pk
    assert MeasurementSystem.objects.count() == 1


def test_a_system_is_adopted_once(world: World) -> None:
    _adopted(world)

    with pytest.raises(Conflict):
        measurement_system_adopt(
            actor=world.diana, organization=world.aurelia, year=2026, adopted_on=dt.date(2026, 2, 1)
        )

    assert system_for(world.aurelia.pk, 2026).adopted_on == dt.date(2026, 1, 20)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trail exists only on PostgreSQL")
@pytest.mark.django_db(transaction=True)  # each service its own transaction, as in a request: one version each
def test_each_version_is_in_the_trail_with_its_motivation(world: World) -> None:
    system = _adopted(world)

    measurement_system_save(
        actor=world.diana,
        organization=world.aurelia,
        year=2026,
        values={"partial": "90"},
        behaviours=[*BEHAVIOURS, {"name": "Puntualità", "weight": "1"}],
        motivation="Allineamento al nuovo regolamento",
    )

    entry = AuditEntry.objects.filter(subject="evaluation.measurementsystem", subject_id=system.pk).latest("pk")
    assert entry.comment == "Allineamento al nuovo regolamento"
    assert entry.actor == world.diana
    assert entry.organization_id == world.aurelia.pk
    assert entry.before is not None and entry.after is not None
    assert Decimal(str(entry.before["partial"])) == Decimal(80)
    assert Decimal(str(entry.after["partial"])) == Decimal(90)
    added = AuditEntry.objects.filter(subject="evaluation.behaviour").latest("pk")
    assert added.comment == "Allineamento al nuovo regolamento"

    versions = system_versions(system)
    newest = versions[0]
    assert newest.motivation == "Allineamento al nuovo regolamento"
    assert newest.actor == world.diana
    assert any(change.before == "80" and change.after == "90" for change in newest.changes)
    assert any("Puntualità" in change.after for change in newest.changes)
    assert len(versions) == 3  # created with its behaviours, adopted, changed


@pytest.mark.parametrize(
    ("values", "behaviours", "field"),
    [
        ({"reached_label": "raggi\x00unto"}, None, "reached_label"),
        ({}, [{"name": "Colla\x00borazione", "weight": "1"}], "behaviours"),
    ],
)
def test_a_nul_character_is_refused_naming_the_field(
    world: World, values: dict[str, str], behaviours: list[dict[str, str]] | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        measurement_system_save(
            actor=world.diana, organization=world.aurelia, year=2026, values=values, behaviours=behaviours
        )

    assert field in refused.value.fields
    assert not MeasurementSystem.objects.exists()
