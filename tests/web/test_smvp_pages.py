"""The measurement system's page (/enti/<id>/smvp/<year>/): everybody of the organization reads it, the director
changes it (with a motivation once it is adopted), others' organizations get a 404; the indicators' table
follows the year's bands and words.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from evaluation.models import MeasurementSystem
from evaluation.selectors import system_for
from evaluation.services import EDITABLE_FIELDS, measurement_system_adopt, measurement_system_save
from tests.web.helpers import indicator_values
from tests.web.html import page_text, table_titled
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def url(world: World, year: int = 2026, suffix: str = "") -> str:
    return f"/enti/{world.aurelia.pk}/smvp/{year}/{suffix}"


def form_data(system: MeasurementSystem, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(system, name) for name in EDITABLE_FIELDS}
    data |= {
        "comportamenti-TOTAL_FORMS": "1",
        "comportamenti-INITIAL_FORMS": "0",
        "comportamenti-MIN_NUM_FORMS": "0",
        "comportamenti-MAX_NUM_FORMS": "30",
        "comportamenti-0-name": "Collaborazione",
        "comportamenti-0-description": "",
        "comportamenti-0-weight": "1",
        "motivation": "",
    }
    return data | changes


def adopted(world: World) -> None:
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={})
    measurement_system_adopt(actor=world.diana, organization=world.aurelia, year=2026, adopted_on=dt.date(2026, 1, 20))


def test_everybody_of_the_organization_reads_the_years_system_in_italian(client: Client, world: World) -> None:
    client.force_login(world.sara)
    response = client.get(url(world))

    assert response.status_code == 200
    text = page_text(response)
    assert "Sistema di misurazione e valutazione della performance 2026" in text
    assert "◐ parzialmente raggiunto almeno 80%" in text
    assert "● raggiunto almeno 100%" in text
    assert "Punteggio massimo: 100%" in text
    assert "quota di attività concluse" in text
    assert "scala da 1 a 5" in text
    assert "Modifica il sistema" not in text


def test_staff_cannot_change_the_system(client: Client, world: World) -> None:
    client.force_login(world.sara)
    response = client.post(url(world), form_data(system_for(world.aurelia.pk, 2026), partial="90"))
    adoption = client.post(url(world, suffix="adozione/"), {"adopted_on": "2026-01-20"})

    assert (response.status_code, adoption.status_code) == (403, 403)
    assert "Non consentito" in page_text(response)
    assert not MeasurementSystem.objects.exists()


@pytest.mark.parametrize("suffix", ["", "versioni/"])
def test_another_bodys_director_gets_a_404(client: Client, world: World, suffix: str) -> None:
    client.force_login(world.erica)

    assert client.get(url(world, suffix=suffix)).status_code == 404
    assert client.post(url(world), form_data(system_for(world.aurelia.pk, 2026), partial="90")).status_code == 404
    assert client.get(f"/enti/{world.borgo.pk}/smvp/2026/").status_code == 200  # her own
    assert not MeasurementSystem.objects.filter(organization=world.aurelia).exists()


def test_the_director_changes_the_system_and_its_behaviours(client: Client, world: World) -> None:
    client.force_login(world.diana)
    assert "Modifica il sistema" in page_text(client.get(url(world)))

    response = client.post(url(world), form_data(system_for(world.aurelia.pk, 2026), partial="90", cap="120"))

    assert response.status_code == 302
    saved = system_for(world.aurelia.pk, 2026)
    assert (saved.partial, saved.cap) == (Decimal(90), Decimal(120))
    assert list(saved.behaviours.values_list("name", flat=True)) == ["Collaborazione"]
    assert "Sistema di misurazione 2026 salvato." in page_text(client.get(url(world)))


def test_bands_out_of_order_are_refused_and_change_nothing(client: Client, world: World) -> None:
    client.force_login(world.diana)

    response = client.post(url(world), form_data(system_for(world.aurelia.pk, 2026), partial="110"))

    assert response.status_code == 400
    assert "Le soglie vanno in ordine" in page_text(response)
    assert not MeasurementSystem.objects.exists()


def test_after_adoption_the_page_asks_for_a_motivation(client: Client, world: World) -> None:
    adopted(world)
    client.force_login(world.diana)

    refused = client.post(url(world), form_data(system_for(world.aurelia.pk, 2026), partial="90"))

    assert refused.status_code == 400
    assert "non è stato salvato" in page_text(refused)
    assert system_for(world.aurelia.pk, 2026).partial == Decimal(80)
    saved = client.post(
        url(world), form_data(system_for(world.aurelia.pk, 2026), partial="90", motivation="Nuovo regolamento")
    )
    assert saved.status_code == 302
    assert system_for(world.aurelia.pk, 2026).partial == Decimal(90)


def test_the_director_records_the_adoption(client: Client, world: World) -> None:
    client.force_login(world.diana)

    response = client.post(url(world, suffix="adozione/"), {"adopted_on": "2026-01-20", "act": "DG 4/2026"})

    assert response.status_code == 302
    system = system_for(world.aurelia.pk, 2026)
    assert (system.adopted_on, system.act) == (dt.date(2026, 1, 20), "DG 4/2026")
    assert "adottato il 20/01/2026 (DG 4/2026)" in page_text(client.get(url(world)))
    again = client.post(url(world, suffix="adozione/"), {"adopted_on": "2026-02-01"})
    assert again.status_code == 409
    assert "già stato adottato" in page_text(again)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trail exists only on PostgreSQL")
def test_the_versions_show_who_what_and_why(client: Client, world: World) -> None:
    adopted(world)
    measurement_system_save(
        actor=world.diana, organization=world.aurelia, year=2026, values={"partial": "90"}, motivation="Regolamento"
    )
    client.force_login(world.anna)

    text = page_text(client.get(url(world, suffix="versioni/")))

    assert "Motivazione: Regolamento" in text
    assert "Soglia «parzialmente raggiunto» (%) 80 90" in text
    assert "da Diana" in text


def test_the_indicators_table_follows_the_years_bands_and_words(client: Client, world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    client.force_login(world.diana)
    row = ["SOC-1", "Utenti presi in carico", "n.", "100", "85", "85,0%"]
    assert table_titled(client.get("/scadenze/indicatori/"), "PEG-2026").rows[1] == [*row, "◐ parzialmente raggiunto"]

    measurement_system_save(
        actor=world.diana, organization=world.aurelia, year=2026, values={"partial": "90", "missed_label": "mancato"}
    )

    assert table_titled(client.get("/scadenze/indicatori/"), "PEG-2026").rows[1] == [*row, "○ mancato"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"partial": "ottanta"}, "Inserisci un numero."),
        ({"motivation": "per\x00ché"}, "Richiesta non valida"),  # refused before the view: a NUL anywhere
        ({"comportamenti-0-weight": "0"}, "maggiore o uguale a 0.01"),
    ],
)
def test_bad_form_input_answers_400_and_changes_nothing(
    client: Client, world: World, changes: dict[str, str], message: str
) -> None:
    client.force_login(world.diana)

    response = client.post(url(world), form_data(system_for(world.aurelia.pk, 2026), **changes))

    assert response.status_code == 400
    assert message in page_text(response)
    assert not MeasurementSystem.objects.exists()


def test_an_unknown_year_or_organization_is_a_404(client: Client, world: World) -> None:
    client.force_login(world.diana)

    assert client.get(url(world, year=1800)).status_code == 404
    assert client.get("/enti/999999/smvp/2026/").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trail exists only on PostgreSQL")
def test_the_versions_are_paged(client: Client, world: World) -> None:
    for partial in range(50, 82):  # 32 changes: the row's creation and 31 rows more
        measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={"partial": partial})
    client.force_login(world.diana)

    first = client.get(url(world, suffix="versioni/"))
    last = client.get(url(world, suffix="versioni/"), {"pagina": "2"})

    assert "Meno recenti" in page_text(first) and "Più recenti" in page_text(last)
    assert "80 81" in page_text(first) and "80 81" not in page_text(last)
    assert "definito da Diana" in page_text(last)
