"""The evaluation sheets' pages and the payroll export: who sees what (the evaluated person, the evaluator, the
director and the OIV; another dirigente, staff and other bodies get 404), the forms, and the files' contents."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.models import BehaviourScore, EvaluationSheet
from evaluation.services import sheet_acknowledge, sheet_evaluate, sheet_submit
from tests.evaluation.sheets_world import Sheets, build_sheets
from tests.office import assert_office_xlsx
from tests.workflow.world import World
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

EVERYONE = ("anna", "bruno", "diana", "otto", "sara", "tommaso", "erica")


@pytest.fixture
def sheets(world: World) -> Sheets:
    return build_sheets(world)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status(world: World, name: str, url: str, method: str = "get", data: dict[str, Any] | None = None) -> int:
    client = client_of(world.users[name])
    return getattr(client, method)(url, data or {}).status_code


def submitted(sheets: Sheets, world: World) -> EvaluationSheet:
    sheet_evaluate(
        actor=world.diana,
        sheet=sheets.anna,
        scores={sheets.results.pk: 4, sheets.collaboration.pk: 3},
        evaluator_comments="Un anno solido.",
    )
    return sheet_submit(actor=world.diana, sheet=sheets.anna)


# Who sees a sheet


SEES_ANNAS = {"anna": 200, "diana": 200, "otto": 200, "bruno": 404, "sara": 404, "tommaso": 404, "erica": 404}
SEES_DIANAS = {"diana": 200, "otto": 200, "anna": 404, "bruno": 404, "sara": 404, "tommaso": 404, "erica": 404}


@pytest.mark.parametrize(("sheet_name", "expected"), [("anna", SEES_ANNAS), ("diana", SEES_DIANAS)])
def test_a_sheet_is_seen_by_the_person_the_evaluator_the_director_and_the_oiv(
    sheets: Sheets, world: World, sheet_name: str, expected: dict[str, int]
) -> None:
    url = reverse("evaluation:sheet", args=[getattr(sheets, sheet_name).pk])
    assert {name: status(world, name, url) for name in EVERYONE} == expected


def test_the_evaluator_form_is_the_evaluators_and_hidden_from_those_who_do_not_see_the_sheet(
    sheets: Sheets, world: World
) -> None:
    url = reverse("evaluation:evaluate", args=[sheets.anna.pk])
    assert {name: status(world, name, url) for name in EVERYONE} == SEES_ANNAS | {"anna": 403, "otto": 403}
    directors = reverse("evaluation:evaluate", args=[sheets.diana.pk])
    assert {name: status(world, name, directors) for name in EVERYONE} == SEES_DIANAS | {"diana": 403}


def test_the_acknowledgement_form_is_the_persons(sheets: Sheets, world: World) -> None:
    submitted(sheets, world)
    url = reverse("evaluation:acknowledge", args=[sheets.anna.pk])
    assert {name: status(world, name, url) for name in EVERYONE} == SEES_ANNAS | {"diana": 403, "otto": 403}


def test_posting_a_step_that_is_not_theirs_changes_nothing(sheets: Sheets, world: World) -> None:
    anna = sheets.anna.pk
    evaluate, submit = reverse("evaluation:evaluate", args=[anna]), reverse("evaluation:submit", args=[anna])
    acknowledge = reverse("evaluation:acknowledge", args=[anna])
    score = {f"score_{sheets.results.pk}": "1", "evaluator_comments": "Intruso"}
    for name, expected in {"bruno": 404, "sara": 404, "erica": 404, "anna": 403, "otto": 403}.items():
        assert status(world, name, evaluate, "post", score) == expected, name
        assert status(world, name, submit, "post") == expected, name
    for name, expected in {"bruno": 404, "tommaso": 404, "diana": 403, "otto": 403}.items():
        assert status(world, name, acknowledge, "post", {"observations": "Al posto suo"}) == expected, name
    sheet = EvaluationSheet.objects.get(pk=anna)
    assert (sheet.state, sheet.evaluator_comments, sheet.observations) == ("draft", "", "")
    assert not BehaviourScore.objects.filter(sheet=sheet).exists()


def test_the_list_shows_each_person_only_the_sheets_they_may_see(sheets: Sheets, world: World) -> None:
    def listed(name: str) -> set[str]:
        page = client_of(world.users[name]).get(reverse("evaluation:sheets"))
        assert page.status_code == 200
        return {sheet.person.username for sheet in page.context["page"]}

    assert listed("anna") == {"anna"}
    assert listed("bruno") == {"bruno"}
    assert listed("otto") == listed("diana") == {"anna", "bruno", "diana"}
    assert listed("sara") == listed("tommaso") == listed("erica") == set()


def test_the_person_sees_the_evaluators_scores_only_once_the_sheet_is_submitted(sheets: Sheets, world: World) -> None:
    sheet_evaluate(
        actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk: 4}, evaluator_comments="Bozza riservata"
    )
    url = reverse("evaluation:sheet", args=[sheets.anna.pk])
    assert "Bozza riservata" in client_of(world.diana).get(url).content.decode()
    assert "Bozza riservata" not in client_of(world.anna).get(url).content.decode()

    sheet_evaluate(
        actor=world.diana,
        sheet=sheets.anna,
        scores={sheets.results.pk: 4, sheets.collaboration.pk: 3},
        evaluator_comments="Un anno solido.",
    )
    sheet_submit(actor=world.diana, sheet=sheets.anna)
    page = client_of(world.anna).get(url).content.decode()
    assert "Un anno solido." in page
    assert "80,88%" in page or "80.88%" in page


# The forms


def test_the_evaluator_scores_submits_and_the_person_acknowledges_through_the_pages(
    sheets: Sheets, world: World
) -> None:
    diana, anna = client_of(world.diana), client_of(world.anna)
    pk = sheets.anna.pk
    form = diana.get(reverse("evaluation:evaluate", args=[pk]))
    assert "Orientamento al risultato" in form.content.decode()

    saved = diana.post(
        reverse("evaluation:evaluate", args=[pk]),
        {
            f"score_{sheets.results.pk}": "4",
            f"comment_{sheets.results.pk}": "Puntuale",
            f"score_{sheets.collaboration.pk}": "3",
            f"comment_{sheets.collaboration.pk}": "",
            "evaluator_comments": "Un anno solido.",
        },
    )
    assert saved.status_code == 302
    assert diana.post(reverse("evaluation:submit", args=[pk])).status_code == 302
    assert anna.post(reverse("evaluation:acknowledge", args=[pk]), {"observations": "Letta"}).status_code == 302

    sheet = EvaluationSheet.objects.get(pk=pk)
    assert (sheet.state, sheet.final_score, sheet.observations) == ("acknowledged", Decimal("80.88"), "Letta")
    assert BehaviourScore.objects.get(sheet=sheet, behaviour=sheets.results).comment == "Puntuale"
    trail = AuditEntry.objects.data_changes().filter(subject="evaluation.evaluationsheet", subject_id=pk)
    assert {(entry.actor.username, entry.source) for entry in trail if entry.actor} == {
        ("diana", "web"),
        ("anna", "web"),
    }


@pytest.mark.parametrize("bad", ["9", "0", "tre", "4.5"])
def test_a_score_off_the_scale_gets_an_italian_error_and_nothing_is_saved(
    sheets: Sheets, world: World, bad: str
) -> None:
    response = client_of(world.diana).post(
        reverse("evaluation:evaluate", args=[sheets.anna.pk]),
        {f"score_{sheets.results.pk}": "4", f"score_{sheets.collaboration.pk}": bad, "evaluator_comments": "No"},
    )
    assert response.status_code == 400
    assert "Scegli un&#x27;opzione valida." in response.content.decode()
    assert not BehaviourScore.objects.filter(sheet=sheets.anna).exists()


def test_submitting_with_a_behaviour_unscored_says_why_and_changes_nothing(sheets: Sheets, world: World) -> None:
    response = client_of(world.diana).post(reverse("evaluation:submit", args=[sheets.anna.pk]))
    assert response.status_code == 400
    assert "Assegna un punteggio a ogni comportamento" in response.content.decode()
    assert EvaluationSheet.objects.get(pk=sheets.anna.pk).state == "draft"


def test_a_step_the_state_no_longer_allows_answers_409(sheets: Sheets, world: World) -> None:
    submitted(sheets, world)
    sheet_acknowledge(actor=world.anna, sheet=sheets.anna)
    again = client_of(world.anna).post(reverse("evaluation:acknowledge", args=[sheets.anna.pk]), {"observations": "x"})
    assert again.status_code == 409
    assert "Hai già preso visione" in again.content.decode()
    resubmit = client_of(world.diana).post(reverse("evaluation:submit", args=[sheets.anna.pk]))
    assert resubmit.status_code == 409
    assert EvaluationSheet.objects.get(pk=sheets.anna.pk).observations == ""


def test_the_director_creates_the_years_sheets_from_the_list(world: World) -> None:
    diana = client_of(world.diana)
    assert diana.get(reverse("evaluation:sheets")).context["create_form"] is not None
    created = diana.post(reverse("evaluation:create"), {"crea-organization": world.aurelia.pk, "crea-year": "2026"})
    assert created.status_code == 302
    assert set(EvaluationSheet.objects.values_list("person__username", flat=True)) == {"anna", "bruno", "diana"}

    refused = diana.post(reverse("evaluation:create"), {"crea-organization": world.aurelia.pk, "crea-year": "2031"})
    assert refused.status_code == 400
    assert "Nessun piano dell&#x27;ente copre il 2031" in refused.content.decode()
    other_body = diana.post(reverse("evaluation:create"), {"crea-organization": world.borgo.pk, "crea-year": "2026"})
    assert other_body.status_code == 400  # not a choice of hers
    assert status(world, "anna", reverse("evaluation:create"), "post", {"organization": str(world.aurelia.pk)}) == 404
    assert EvaluationSheet.objects.count() == 3


def test_the_director_adds_a_po_sheet_that_the_po_then_sees(world: World) -> None:
    data = {"aggiungi-organization": world.aurelia.pk, "aggiungi-year": "2026", "aggiungi-person": world.sara.pk}
    added = client_of(world.diana).post(reverse("evaluation:add"), data | {"aggiungi-role": "po"})
    assert added.status_code == 302
    sheet = EvaluationSheet.objects.get(person=world.sara)
    assert (sheet.role, sheet.evaluator) == ("po", world.diana)
    url = reverse("evaluation:sheet", args=[sheet.pk])
    assert {name: status(world, name, url) for name in EVERYONE} == {
        "sara": 200,
        "diana": 200,
        "otto": 200,
        "anna": 404,
        "bruno": 404,
        "tommaso": 404,
        "erica": 404,
    }
    again = client_of(world.diana).post(reverse("evaluation:add"), data | {"aggiungi-role": "po"})
    assert again.status_code == 409
    assert "Questa persona ha già la scheda del 2026." in again.content.decode()
    assert status(world, "anna", reverse("evaluation:add"), "post", data | {"aggiungi-role": "po"}) == 404
    assert EvaluationSheet.objects.count() == 1


# The payroll export


def payroll_url(world: World, fmt: str) -> str:
    return reverse("evaluation:payroll", args=[world.aurelia.pk, 2026, fmt])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_only_the_director_and_the_oiv_export_the_scores(sheets: Sheets, world: World, fmt: str) -> None:
    url = payroll_url(world, fmt)
    expected = dict.fromkeys(EVERYONE, 404) | {"diana": 200, "otto": 200}
    assert {name: status(world, name, url) for name in EVERYONE} == expected
    assert status(world, "diana", reverse("evaluation:payroll", args=[world.aurelia.pk, 2026, "pdf"])) == 404
    assert status(world, "diana", reverse("evaluation:payroll", args=[world.borgo.pk, 2026, fmt])) == 404
    assert status(world, "erica", reverse("evaluation:payroll", args=[world.borgo.pk, 2026, fmt])) == 200


def test_the_csv_is_italian_one_row_per_person(sheets: Sheets, world: World) -> None:
    submitted(sheets, world)
    User.objects.filter(pk=world.bruno.pk).update(first_name="=Bruno", last_name="Bianchi")

    response = client_of(world.otto).get(payroll_url(world, "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="valutazioni-aurelia-2026.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Persona", "Utente", "Ruolo", "Anno", "Punteggio finale (%)", "Stato della scheda"],
        ["Anna", "anna", "dirigente", "2026", "80,88", "consegnata dal valutatore"],
        ["Diana", "diana", "direttore", "2026", "", "in preparazione"],
        ["'=Bruno Bianchi", "bruno", "dirigente", "2026", "", "in preparazione"],
    ]


def test_the_workbook_has_the_same_rows_with_the_score_as_a_number(sheets: Sheets, world: World) -> None:
    submitted(sheets, world)
    sheet_acknowledge(actor=world.anna, sheet=sheets.anna, observations="Letta")

    response = client_of(world.diana).get(payroll_url(world, "xlsx"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    title = "Valutazioni individuali 2026"
    assert_office_xlsx(response.content, author="Comune di Aurelia", title_has=title)
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    assert rows[0] == ["Persona", "Utente", "Ruolo", "Anno", "Punteggio finale (%)", "Stato della scheda"]
    assert rows[1:] == [
        ["Anna", "anna", "dirigente", 2026, 80.88, "presa visione"],
        ["Bruno", "bruno", "dirigente", 2026, None, "in preparazione"],
        ["Diana", "diana", "direttore", 2026, None, "in preparazione"],
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/valutazioni/?anno=99999999999999999999999&pagina=-1",
        "/valutazioni/?anno=%00&pagina=abc",
        "/valutazioni/99999999999999999999999/",
        "/valutazioni/99999999999999999999999/valuta/",
        "/valutazioni/ente/99999999999999999999999/2026/punteggi.csv",
        "/valutazioni/ente/1/99999999999999999999999/punteggi.xlsx",
    ],
)
def test_odd_addresses_answer_without_an_error(sheets: Sheets, world: World, url: str) -> None:
    assert client_of(world.diana).get(url).status_code in (200, 400, 404)  # a NUL is refused by config.guard
