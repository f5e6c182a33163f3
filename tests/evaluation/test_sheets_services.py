"""The steps of an evaluation sheet, one service each: who may take them, what they refuse, and that a refusal
changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluation.individual import sheet_score
from evaluation.models import BehaviourScore, EvaluationSheet
from evaluation.services import sheet_acknowledge, sheet_add, sheet_evaluate, sheet_submit, sheets_create
from plans.models import Measurement, OrganizationRole
from tests.conftest import TODAY
from tests.evaluation.sheets_world import Sheets, build_sheets
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry
from workflow.trail.context import Source, recorded_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(world: World) -> Sheets:
    return build_sheets(world)


def evaluated(sheets: Sheets, world: World, sheet_name: str = "anna") -> EvaluationSheet:
    sheet = getattr(sheets, sheet_name)
    evaluator = world.otto if sheet_name == "diana" else world.diana
    return sheet_evaluate(
        actor=evaluator,
        sheet=sheet,
        scores={sheets.results.pk: 4, sheets.collaboration.pk: 3},
        comments={sheets.results.pk: "Obiettivi raggiunti con anticipo"},
        evaluator_comments="Un anno solido.",
    )


def stored_scores(sheet: EvaluationSheet) -> dict[str, int]:
    return {row.behaviour.name: row.score for row in BehaviourScore.objects.filter(sheet=sheet)}


# Creating the year's sheets


def test_the_director_creates_a_sheet_per_area_head_and_hers_for_the_oiv(world: World) -> None:
    created = sheets_create(actor=world.diana, organization=world.aurelia, year=2026)

    found = {(s.person.username, s.role, s.evaluator.username, s.state) for s in created.sheets}
    assert found == {
        ("anna", "dirigente", "diana", "draft"),
        ("bruno", "dirigente", "diana", "draft"),
        ("diana", "direttore", "otto", "draft"),
    }
    again = sheets_create(actor=world.diana, organization=world.aurelia, year=2026)
    assert (again.sheets, again.existing) == ([], 3)
    assert EvaluationSheet.objects.count() == 3


def test_without_an_oiv_the_directors_sheet_is_not_created_and_she_is_told(world: World) -> None:
    OrganizationRole.objects.filter(user=world.otto).delete()

    created = sheets_create(actor=world.diana, organization=world.aurelia, year=2026)

    assert {s.person.username for s in created.sheets} == {"anna", "bruno"}
    assert created.directors_without_evaluator == [world.diana]


@pytest.mark.parametrize(
    ("actor", "error", "message"),
    [
        ("anna", NotAllowed, "Solo il direttore crea le schede"),
        ("otto", NotAllowed, "Solo il direttore crea le schede"),
        ("sara", NotAllowed, "Solo il direttore crea le schede"),
        ("erica", NotVisible, "Ente non trovato"),
    ],
)
def test_only_the_director_creates_the_sheets(world: World, actor: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        sheets_create(actor=world.users[actor], organization=world.aurelia, year=2026)
    assert not EvaluationSheet.objects.exists()


def test_sheets_are_created_only_for_a_year_of_the_plans(world: World) -> None:
    with pytest.raises(InvalidInput, match="Nessun piano dell'ente copre il 2031") as refused:
        sheets_create(actor=world.diana, organization=world.aurelia, year=2031)
    assert "year" in refused.value.fields
    assert not EvaluationSheet.objects.exists()


def test_the_director_adds_the_sheet_of_a_po_who_heads_no_area(world: World) -> None:
    sheet = sheet_add(actor=world.diana, organization=world.aurelia, year=2026, person=world.sara, role="po")

    assert (sheet.person, sheet.evaluator, sheet.role, sheet.state) == (world.sara, world.diana, "po", "draft")
    with pytest.raises(Conflict, match="ha già la scheda del 2026"):
        sheet_add(actor=world.diana, organization=world.aurelia, year=2026, person=world.sara, role="dirigente")
    assert EvaluationSheet.objects.get().role == "po"


@pytest.mark.parametrize(
    ("person", "role", "field", "message"),
    [
        ("otto", "po", "person", "L'OIV valuta, non è valutato."),
        ("diana", "po", "person", "La scheda del direttore si crea con le schede dell'anno: la valuta l'OIV."),
        ("erica", "po", "person", "La persona deve far parte dell'ente."),
        ("sara", "direttore", "role", "Scegli «dirigente» o «posizione organizzativa»."),
    ],
)
def test_a_sheet_is_added_only_for_a_person_of_the_body_who_may_be_evaluated(
    world: World, person: str, role: str, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        sheet_add(actor=world.diana, organization=world.aurelia, year=2026, person=world.users[person], role=role)
    assert refused.value.fields == {field: [message]}
    assert not EvaluationSheet.objects.exists()


@pytest.mark.parametrize(("actor", "error"), [("anna", NotAllowed), ("otto", NotAllowed), ("erica", NotVisible)])
def test_only_the_director_adds_a_sheet(world: World, actor: str, error: type) -> None:
    with pytest.raises(error):
        sheet_add(actor=world.users[actor], organization=world.aurelia, year=2026, person=world.sara, role="po")
    assert not EvaluationSheet.objects.exists()


# Scoring the behaviours


def test_the_evaluator_scores_behaviours_and_comments(sheets: Sheets, world: World) -> None:
    sheet = evaluated(sheets, world)

    assert stored_scores(sheet) == {"Orientamento al risultato": 4, "Collaborazione": 3}
    assert (
        BehaviourScore.objects.get(sheet=sheet, behaviour=sheets.results).comment == "Obiettivi raggiunti con anticipo"
    )
    assert sheet.evaluator_comments == "Un anno solido."
    sheet_evaluate(actor=world.diana, sheet=sheet, scores={sheets.collaboration.pk: None}, evaluator_comments="Rivisto")
    assert stored_scores(sheet) == {"Orientamento al risultato": 4}


@pytest.mark.parametrize(
    ("actor", "error"),
    [("anna", NotAllowed), ("otto", NotAllowed), ("bruno", NotVisible), ("sara", NotVisible), ("erica", NotVisible)],
)
def test_only_the_evaluator_scores_the_behaviours(sheets: Sheets, world: World, actor: str, error: type) -> None:
    with pytest.raises(error):
        sheet_evaluate(actor=world.users[actor], sheet=sheets.anna, scores={sheets.results.pk: 5})
    assert stored_scores(sheets.anna) == {}


def test_the_oiv_member_scores_the_directors_behaviours_and_the_director_does_not(sheets: Sheets, world: World) -> None:
    with pytest.raises(NotAllowed):
        sheet_evaluate(actor=world.diana, sheet=sheets.diana, scores={sheets.results.pk: 5})
    evaluated(sheets, world, "diana")
    assert stored_scores(sheets.diana) == {"Orientamento al risultato": 4, "Collaborazione": 3}


@pytest.mark.parametrize("bad", [0, 6, -1, True, "4"])
def test_a_score_off_the_scale_is_refused_and_nothing_is_written(sheets: Sheets, world: World, bad: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        sheet_evaluate(
            actor=world.diana,
            sheet=sheets.anna,
            scores={sheets.results.pk: 4, sheets.collaboration.pk: bad},  # type: ignore[dict-item]
            evaluator_comments="Da non salvare",
        )
    assert refused.value.fields == {f"score_{sheets.collaboration.pk}": ["Il punteggio va da 1 a 5."]}
    sheets.anna.refresh_from_db()
    assert (stored_scores(sheets.anna), sheets.anna.evaluator_comments) == ({}, "")


def test_a_behaviour_of_another_year_or_body_is_refused(sheets: Sheets, world: World) -> None:
    with pytest.raises(InvalidInput, match="La valutazione non è valida") as refused:
        sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk + 1000: 3})
    assert refused.value.fields["scores"] == ["Comportamento non previsto dal sistema di misurazione dell'anno."]


def test_a_comment_too_long_is_refused(sheets: Sheets, world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={}, evaluator_comments="x" * 5001)
    assert "evaluator_comments" in refused.value.fields


# Submitting


def test_submitting_freezes_the_final_score_and_its_explanation(sheets: Sheets, world: World) -> None:
    sheet = sheet_submit(actor=world.diana, sheet=evaluated(sheets, world))

    assert sheet.state == EvaluationSheet.State.SUBMITTED
    assert sheet.final_score == Decimal("80.88")  # (85 × 60 + 73.75 × 10 + 75 × 30) / 100 = 80.875
    assert sheet.submitted_at == TODAY
    assert sheet.final_explanation.startswith("Obiettivi di responsabilità: 85,0% con peso 60")
    # A value recorded later moves the plan's scores, not the submitted sheet's.
    Measurement.objects.filter(indicator__name="Cantieri chiusi").update(raw="10", value=10)
    assert sheet_score(sheet).frozen_final == Decimal("82.38")  # the body now (87.5 × 2 + 80 + 100) / 4 = 88.75
    sheet.refresh_from_db()
    assert sheet.final_score == Decimal("80.88")


def test_a_sheet_with_a_behaviour_not_yet_scored_is_not_submitted(sheets: Sheets, world: World) -> None:
    sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk: 4})

    with pytest.raises(InvalidInput, match="Assegna un punteggio a ogni comportamento"):
        sheet_submit(actor=world.diana, sheet=sheets.anna)
    sheets.anna.refresh_from_db()
    assert (sheets.anna.state, sheets.anna.final_score, sheets.anna.submitted_at) == ("draft", None, None)


@pytest.mark.parametrize(("actor", "error"), [("anna", NotAllowed), ("otto", NotAllowed), ("bruno", NotVisible)])
def test_only_the_evaluator_submits(sheets: Sheets, world: World, actor: str, error: type) -> None:
    sheet = evaluated(sheets, world)
    with pytest.raises(error):
        sheet_submit(actor=world.users[actor], sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.state == EvaluationSheet.State.DRAFT


def test_a_submitted_sheet_is_not_scored_or_submitted_again_even_from_a_stale_copy(
    sheets: Sheets, world: World
) -> None:
    stale = EvaluationSheet.objects.get(pk=sheets.anna.pk)
    sheet_submit(actor=world.diana, sheet=evaluated(sheets, world))

    with pytest.raises(Conflict, match="già stata consegnata"):
        sheet_evaluate(actor=world.diana, sheet=stale, scores={sheets.results.pk: 1}, evaluator_comments="Ripensato")
    with pytest.raises(Conflict):
        sheet_submit(actor=world.diana, sheet=stale)
    assert stored_scores(stale)["Orientamento al risultato"] == 4
    assert EvaluationSheet.objects.get(pk=stale.pk).evaluator_comments == "Un anno solido."


# Acknowledging


def test_the_person_acknowledges_with_her_observations(sheets: Sheets, world: World) -> None:
    sheet_submit(actor=world.diana, sheet=evaluated(sheets, world))

    sheet = sheet_acknowledge(actor=world.anna, sheet=sheets.anna, observations="  Il trasloco ha pesato.  ")

    assert sheet.state == EvaluationSheet.State.ACKNOWLEDGED
    assert (sheet.observations, sheet.acknowledged_at) == ("Il trasloco ha pesato.", TODAY)
    assert sheet.final_score == Decimal("80.88")
    with pytest.raises(Conflict, match="Hai già preso visione"):
        sheet_acknowledge(actor=world.anna, sheet=sheet)


def test_a_draft_is_not_acknowledged(sheets: Sheets, world: World) -> None:
    with pytest.raises(Conflict, match="non è ancora stata consegnata"):
        sheet_acknowledge(actor=world.anna, sheet=sheets.anna, observations="Presto")
    sheets.anna.refresh_from_db()
    assert (sheets.anna.state, sheets.anna.observations) == ("draft", "")


@pytest.mark.parametrize(("actor", "error"), [("diana", NotAllowed), ("otto", NotAllowed), ("bruno", NotVisible)])
def test_only_the_person_acknowledges(sheets: Sheets, world: World, actor: str, error: type) -> None:
    sheet_submit(actor=world.diana, sheet=evaluated(sheets, world))
    with pytest.raises(error):
        sheet_acknowledge(actor=world.users[actor], sheet=sheets.anna, observations="Al posto suo")
    sheets.anna.refresh_from_db()
    assert (sheets.anna.state, sheets.anna.observations) == ("submitted", "")


def test_each_step_is_in_the_trail_with_who_took_it(sheets: Sheets, world: World) -> None:
    with recorded_as(Source.WEB, user=world.diana):
        sheet_submit(actor=world.diana, sheet=evaluated(sheets, world))
    with recorded_as(Source.WEB, user=world.anna):
        sheet_acknowledge(actor=world.anna, sheet=sheets.anna, observations="Letta")

    changes = list(
        AuditEntry.objects.data_changes()
        .filter(subject="evaluation.evaluationsheet", subject_id=sheets.anna.pk, event="changed")
        .order_by("pk")
    )
    assert [(c.actor, c.after["state"]) for c in changes if c.after and "state" in c.after] == [
        (world.diana, "submitted"),
        (world.anna, "acknowledged"),
    ]
    assert changes[-1].after is not None and changes[-1].after["observations"] == "Letta"
    scored = AuditEntry.objects.data_changes().filter(subject="evaluation.behaviourscore", organization=world.aurelia)
    assert scored.count() == 2
