"""The open data for "Amministrazione trasparente": the Italian CSV that Italian spreadsheets open in columns,
beside the machine-oriented CSV, which stays as it was."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from plans.models import Plan
from reports.relazione import build_relazione
from reports.render.opendata import CSV_COLUMNS, render_csv
from reports.render.opendata_it import render_csv_it
from reports.sections import AreaSection, IndicatorRow, ObjectiveSection, Relazione
from tests.reports.commands import export_report

pytestmark = pytest.mark.django_db

BODY = "Consorzio IN.RE.TE."
FIRST_AREA = "Area Direzione"


@pytest.fixture(scope="module")
def relazione(demo_plan: Plan, django_db_blocker: DjangoDbBlocker) -> Relazione:
    with django_db_blocker.unblock():
        return build_relazione(plan=demo_plan, year=2021)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def italian_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel the file is UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_italian_csv_is_downloaded_beside_the_machine_one(demo_plan: Plan, director: User) -> None:
    url = reverse("reports:opendata", kwargs={"plan_id": demo_plan.pk, "year": 2021, "fmt": "it.csv"})
    response = client_for(director).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dati-aperti-RP-2021-2021.it.csv"'
    header, *rows = italian_rows(response.getvalue())
    assert header == [
        "Ente",
        "Codice piano",
        "Piano",
        "Anno",
        "Centri di responsabilità",
        "Codice obiettivo",
        "Programma",
        "Numero obiettivo",
        "Obiettivo",
        "N. indicatore",
        "Indicatore",
        "Descrizione indicatore",
        "Unità di misura",
        "Valore atteso 2021",
        "Valore consuntivo 2021",
        "Data di rilevazione",
        "% raggiungimento",
        "Semaforo",
    ]
    assert len(rows) == 53
    first = dict(zip(header, rows[0], strict=True))
    assert (first["Ente"], first["Codice piano"], first["Centri di responsabilità"]) == (BODY, "RP-2021", FIRST_AREA)
    assert (first["Indicatore"], first["Valore atteso 2021"], first["Valore consuntivo 2021"]) == (
        "Atti/documenti",
        "100",
        "83",
    )
    assert (first["Data di rilevazione"], first["% raggiungimento"], first["Semaforo"]) == (
        "31/12/2021",
        "83,0",
        "giallo",
    )


def test_an_outsider_gets_404_for_the_italian_csv(demo_plan: Plan, outsider: User) -> None:
    url = reverse("reports:opendata", kwargs={"plan_id": demo_plan.pk, "year": 2021, "fmt": "it.csv"})
    response = client_for(outsider).get(url)
    assert response.status_code == 404
    assert b"Ente;" not in response.content


def test_the_machine_csv_is_unchanged(relazione: Relazione) -> None:
    content = render_csv(relazione)
    assert not content.startswith(b"\xef\xbb\xbf")
    header = content.split(b"\r\n", 1)[0].decode()
    assert header == ",".join(CSV_COLUMNS)
    assert CSV_COLUMNS == (
        "organization",
        "plan",
        "year",
        "areas",
        "objective_code",
        "objective_programme",
        "objective_number",
        "objective_title",
        "indicator_position",
        "indicator",
        "indicator_description",
        "unit",
        "expected",
        "actual",
        "percent",
        "light",
    )
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert (rows[0]["percent"], rows[0]["light"]) == ("83.0", "giallo")
    assert len(rows) == len(italian_rows(render_csv_it(relazione))) - 1


def test_the_italian_csv_keeps_formulas_as_text_and_separators_inside_quotes() -> None:
    indicator = IndicatorRow(
        position=1,
        name="@SUM(A1:A9)",
        description='Pratiche; chiuse e "archiviate"',
        unit="%",
        direction="increase",
        expected="=>4",
        actual='=HYPERLINK("http://example.invalid")',
        measured_on=dt.date(2021, 3, 5),
        percent=Decimal("12.5"),
        light=None,
    )
    objective = ObjectiveSection(
        code="X-1",
        number=None,
        programme="",
        title="-2 obiettivi; in corso",
        state="planned",
        area_codes=("A",),
        strategic_area="",
        operational_objective="",
        peg_project="",
        services="",
        end_users="",
        networks="",
        description="",
        activities=(),
        indicators=(indicator,),
        reports=(),
    )
    relazione = Relazione(
        organization_slug="borgo",
        organization_name="Comune di Borgo",
        plan_code="P-1",
        plan_title="+Piano",
        year=2021,
        areas=(AreaSection(code="A", name="Area Uno", objectives=(objective,)),),
        objectives=(objective,),
    )
    _header, row = italian_rows(render_csv_it(relazione))
    assert row == [
        "Comune di Borgo",
        "P-1",
        "'+Piano",
        "2021",
        "Area Uno",
        "X-1",
        "",
        "",
        "'-2 obiettivi; in corso",
        "1",
        "'@SUM(A1:A9)",
        'Pratiche; chiuse e "archiviate"',
        "%",
        "'=>4",
        '\'=HYPERLINK("http://example.invalid")',
        "05/03/2021",
        "12,5",
        "",
    ]


def test_export_report_writes_the_italian_csv(demo_plan: Plan, tmp_path: Path) -> None:
    output = tmp_path / "dati.it.csv"
    export_report(output, "it.csv", plan="RP-2021", year="2021")
    header, *rows = italian_rows(output.read_bytes())
    assert header[:4] == ["Ente", "Codice piano", "Piano", "Anno"]
    assert len(rows) == 53
