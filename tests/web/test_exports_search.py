"""The lists as files and the search (issue 20, item 3): the dashboard's slipped deadlines and the indicators as
CSV and XLSX with the page's filters and every row; the search over objectives, activities and indicators by
code and words, only among what the person may see. Today is Friday 15 May 2026; the dashboard's world is
tests/web/test_dashboard.py's."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from plans.models import Activity
from tests.office import assert_office_xlsx
from tests.web.test_dashboard import Slipped, make_slipped
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def slipped(world: World) -> Slipped:
    return make_slipped(world)


HEADER = [
    "Area",
    "Tipo",
    "Piano",
    "Obiettivo",
    "Elemento",
    "Stato",
    "Tempi",
    "Consuntivo",
    "Scadenza prevista",
    "Conclusa il",
    "Giorni di ritardo",
    "Responsabile",
    "Indirizzo",
]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workbook_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_dashboard_list_opens_in_a_spreadsheet_with_every_row_the_filters_select(
    world: World, slipped: Slipped, settings: Settings
) -> None:
    settings.SITE_URL = "https://traguardi.aurelia.example"
    client = client_for(world.diana)
    page = client.get("/scadenze/", {"plan": world.plan.pk, "area": world.social.pk})
    assert page.status_code == 200
    link = f"/scadenze/esporta.xlsx?plan={world.plan.pk}&amp;area={world.social.pk}"
    assert link in page.content.decode()
    answer = client.get("/scadenze/esporta.xlsx", {"plan": world.plan.pk, "area": world.social.pk})
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="scadenze-mancate-2026-05-15.xlsx"'
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.properties.title == "Scadenze mancate"
    assert workbook.properties.creator == "Diana"
    rows = workbook_rows(answer.content)
    assert rows[0] == HEADER
    listed = {(row[4], row[10]) for row in rows[1:]}
    assert listed == {
        ("Formazione degli operatori", 15),
        ("Apertura del nuovo sportello", 10),
        ("Scelta del fornitore", 10),
        ("Revisione del regolamento", 0),
    }
    assert len(rows) - 1 == page.context["page"].paginator.count
    [overdue] = [row for row in rows if row[4] == "Formazione degli operatori"]
    assert overdue[:4] == ["Servizi sociali", "Attività", "PEG-2026", "SOC-1"]
    assert overdue[8] == dt.datetime(2026, 4, 30)  # a date the spreadsheet can sort, shown dd/mm/yyyy
    assert overdue[12] == f"https://traguardi.aurelia.example/attivita/{slipped.overdue.pk}/"


def test_the_csv_is_for_italian_spreadsheets_and_writes_no_formula(world: World, slipped: Slipped) -> None:
    Activity.objects.filter(pk=slipped.overdue.pk).update(description='=HYPERLINK("http://altrove.example")')
    answer = client_for(world.diana).get("/scadenze/esporta.csv", {"plan": str(world.plan.pk), "kind": "activity"})
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeffArea;Tipo;Piano;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    [injected] = [row for row in rows if "HYPERLINK" in row[4]]
    assert injected[4] == '\'=HYPERLINK("http://altrove.example")'
    assert injected[8] == "30/04/2026"
    assert {row[1] for row in rows[1:]} == {"Attività"}


def test_a_wrong_filter_prepares_no_file_and_says_what_is_wrong(world: World, slipped: Slipped) -> None:
    answer = client_for(world.diana).get("/scadenze/esporta.xlsx", {"min_days_late": "molti"})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Nessun file è stato preparato" in text
    assert "Giorni di ritardo, almeno: Inserisci un numero intero." in text
    assert client_for(world.diana).get("/scadenze/esporta.pdf").status_code == 404


def test_an_area_head_exports_only_what_the_dashboard_shows_them(world: World, slipped: Slipped) -> None:
    client = client_for(world.bruno)
    rows = workbook_rows(client.get("/scadenze/esporta.xlsx", {"plan": world.plan.pk}).content)
    # His area's items, and the transversal objective's, which his area shares (listed under both areas).
    assert {row[4] for row in rows[1:]} == {"Strade sicure", "Manutenzione delle strade", "Scelta del fornitore"}
    assert len(rows) - 1 == client.get("/scadenze/", {"plan": world.plan.pk}).context["page"].paginator.count
    assert client_for(world.erica).get("/scadenze/esporta.xlsx").status_code == 200
    assert workbook_rows(client_for(world.erica).get("/scadenze/esporta.xlsx").content) == [HEADER]


def test_the_indicators_export_has_the_years_values_and_level(world: World, slipped: Slipped) -> None:
    answer = client_for(world.diana).get("/scadenze/indicatori/esporta.xlsx", {"plan": world.plan.pk})
    assert_office_xlsx(answer.content, author="Diana", title_has="Indicatori 2026")
    rows = workbook_rows(answer.content)
    assert rows[0][:6] == ["Piano", "Obiettivo", "Indicatore", "Unità misura", "Valore atteso", "Valore consuntivo"]
    assert rows[1][:7] == ["PEG-2026", "SOC-1", "Utenti presi in carico", "n.", "100", "85", 85]


def test_the_search_finds_by_code_and_by_every_word_among_what_the_person_sees(world: World, slipped: Slipped) -> None:
    client = client_for(world.diana)
    by_code = client.get("/cerca/", {"q": "tec-1"})
    assert [hit.title for hit in by_code.context["sections"][0]["hits"]] == ["Strade sicure"]
    assert [hit.title for hit in by_code.context["sections"][1]["hits"]] == ["Manutenzione delle strade"]
    words = client.get("/cerca/", {"q": "sportello  nuovo"})
    assert [hit.title for hit in words.context["sections"][1]["hits"]] == ["Apertura del nuovo sportello"]
    assert "Apertura del nuovo sportello" in words.content.decode()
    indicator = client.get("/cerca/", {"q": "utenti carico"})
    assert [hit.title for hit in indicator.context["sections"][2]["hits"]] == ["Utenti presi in carico"]
    assert [
        section["page"].paginator.count
        for section in client_for(world.erica).get("/cerca/", {"q": "sportello"}).context["sections"]
    ] == [0, 0, 0]


def test_the_search_results_export_and_a_search_too_short_is_refused(world: World, slipped: Slipped) -> None:
    client = client_for(world.diana)
    rows = workbook_rows(client.get("/cerca/esporta.xlsx", {"q": "strade"}).content)
    assert rows[0] == ["Tipo", "Piano", "Codice", "Titolo", "Obiettivo", "Indirizzo"]
    assert [row[:4] for row in rows[1:]] == [
        ["Obiettivo", "PEG-2026", "TEC-1", "Strade sicure"],
        ["Attività", "PEG-2026", "TEC-1.1", "Manutenzione delle strade"],
    ]
    short = client.get("/cerca/", {"q": "a"})
    assert short.status_code == 400
    assert "Scrivi almeno 2 caratteri." in short.content.decode()
    assert client.get("/cerca/", {"q": " ".join(["parola"] * 9)}).status_code == 400
    assert client.get("/cerca/esporta.csv", {"q": ""}).status_code == 400
    assert client.get("/cerca/").status_code == 200


def test_no_formula_and_no_character_xml_refuses_reaches_a_file(world: World, slipped: Slipped) -> None:
    """A description typed as a formula stays text in XLSX; Word's manual line break (\\x0b) does not break the
    workbook; a tab first is defused in CSV, a plain negative number is not touched."""
    Activity.objects.filter(pk=slipped.overdue.pk).update(description='=HYPERLINK("http://altrove.example")\x0bfine')
    Activity.objects.filter(pk=slipped.concluded_late.pk).update(description="\t=1+1", planned_raw="-5")
    client = client_for(world.diana)
    answer = client.get("/scadenze/esporta.xlsx", {"plan": str(world.plan.pk)})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    [cell] = [row[4] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[4].value)]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://altrove.example")fine', "s")
    text = client.get("/scadenze/esporta.csv", {"plan": str(world.plan.pk)}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    [tabbed] = [row for row in rows if "=1+1" in row[4]]
    assert (tabbed[4], tabbed[6]) == ("'\t=1+1", "-5")


def test_the_csv_writes_decimals_with_a_comma(world: World, slipped: Slipped) -> None:
    text = client_for(world.diana).get("/scadenze/indicatori/esporta.csv", {"plan": str(world.plan.pk)})
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:7] == ["PEG-2026", "SOC-1", "Utenti presi in carico", "n.", "100", "85", "85,0"]


def test_an_area_head_and_a_staff_member_search_only_what_they_may_see(world: World, slipped: Slipped) -> None:
    """Tommaso (technical staff) sees the technical objective's activity he owns, not the social area's."""
    tommaso = client_for(world.tommaso)
    found = tommaso.get("/cerca/", {"q": "strade"}).context["sections"]
    assert [hit.title for hit in found[1]["hits"]] == ["Manutenzione delle strade"]
    assert [
        section["page"].paginator.count for section in tommaso.get("/cerca/", {"q": "sportello"}).context["sections"]
    ] == [0, 0, 0]
    rows = workbook_rows(tommaso.get("/cerca/esporta.xlsx", {"q": "sportello"}).content)
    assert rows[1:] == []


def test_turning_a_page_of_one_list_keeps_the_others(world: World, slipped: Slipped) -> None:
    for number in range(25):
        Activity.objects.create(objective=world.objective, position=100 + number, description=f"Sportello {number}")
    page = client_for(world.diana).get("/cerca/", {"q": "sportello", "pagina_obiettivi": "3", "pagina_attivita": "x"})
    activities = page.context["sections"][1]
    assert (activities["page"].number, activities["page"].paginator.count) == (1, 26)  # and «nuovo sportello»
    assert activities["next"] == "?q=sportello&pagina_attivita=2"
