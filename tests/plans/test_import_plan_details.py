"""What real plans say that the model could not hold (issue 19, part 3): a weight with every decimal the document
gives and its text as written, a code and the external bodies of an activity, the normative source of a target.
Imported from every format, shown on the pages and in the API, carried by the rollover, and the weight used
exactly by the changes of an adopted plan, the scores and the open data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.scores import as_json, plan_scores
from plans.importing.service import import_plan_file
from plans.models import Activity, HistoricalValue, Indicator, IndicatorBaseline, Objective, Plan, PlanState
from plans.parsing import parse_value
from tests.plans.test_import_errors import refused
from tests.plans.test_import_plan import run_import, small_plan, write
from tests.workflow.world import World, build_world
from workflow.services.changes import change_request
from workflow.services.plan_lifecycle import plan_adopt
from workflow.services.rollover import plan_rollover

pytestmark = pytest.mark.django_db

SOURCE = "DM 77/2022, art. 3"
THIRD = "0,333333333333333"  # what Excel shows of =1/3: its 15 significant digits


def detailed_plan(organization: str = "comune-prova", plan: str = "PEG-2026") -> dict[str, Any]:
    document = small_plan()
    document["organization"] = {"slug": organization, "name": "Comune di Prova", "kind": "comune"}
    document["plan"]["code"] = plan
    objective = document["objectives"][0]
    objective["weight"] = "2,2523"
    objective["activities"][0] |= {"code": "1.a", "external_bodies": "ASL Roma 1; Regione Lazio"}
    indicator = objective["indicators"][0]
    indicator["weight"] = THIRD
    indicator["targets"][0]["source"] = SOURCE
    indicator["history"] = [{"year": 2023, "value": "60%", "source": "Relazione 2023"}, {"year": 2024, "value": "65%"}]
    return document


def imported(path: Path) -> Objective:
    run_import(path, "--reference-date", "2026-05-15")
    return Objective.objects.get(plan__code="PEG-2026", code="OB-1")


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_each_format_keeps_weights_exactly_with_their_text_codes_external_bodies_and_sources(
    tmp_path: Path, suffix: str
) -> None:
    objective = imported(write(tmp_path, detailed_plan(), suffix))
    assert (objective.weight, objective.weight_raw) == (Decimal("2.2523"), "2,2523")
    indicator = objective.indicators.get()
    assert (indicator.weight, indicator.weight_raw) == (Decimal("0.333333333333333"), THIRD)
    assert indicator.targets.get().source == SOURCE
    history = [(value.year, value.raw, value.value, value.source) for value in indicator.history.order_by("year")]
    assert history == [(2023, "60%", Decimal(60), "Relazione 2023"), (2024, "65%", Decimal(65), "")]
    first, second = objective.activities.order_by("position")
    assert (first.code, first.external_bodies) == ("1.a", "ASL Roma 1; Regione Lazio")
    assert (second.code, second.external_bodies) == ("", "")


def test_the_same_file_imported_again_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, detailed_plan(), ".xlsx")
    imported(path)
    before = list(Objective.objects.values()), list(Indicator.objects.values()), list(Activity.objects.values())
    result = import_plan_file(path, reference_date=dt.date(2026, 5, 15))
    after = list(Objective.objects.values()), list(Indicator.objects.values()), list(Activity.objects.values())
    assert after == before
    assert {
        key: (counts.created, counts.updated) for key, counts in result.counts.items() if key != "organization"
    } == {key: (0, 0) for key in result.counts if key != "organization"}
    assert result.counts["objectives"].unchanged == 1


def test_a_weight_typed_in_excel_as_a_number_keeps_its_four_decimals(tmp_path: Path) -> None:
    # Refused before (the column kept two decimals): "2,2523 ha più di 2 decimali".
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    sheet = book["Indicatori"]
    column = next(cell.column_letter for cell in sheet[1] if cell.value == "Peso")
    sheet[f"{column}2"] = 2.2523
    book.save(path)
    indicator = imported(path).indicators.get()
    assert (indicator.weight, indicator.weight_raw) == (Decimal("2.2523"), "2,2523")


def test_a_weight_with_more_decimals_than_kept_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    document = small_plan()
    document["objectives"][0]["weight"] = "0,1234567890123456"
    message = refused(write(tmp_path, document))
    assert "0,1234567890123456 ha più di 15 decimali: se ne conservano solo 15" in message
    assert not Plan.objects.exists()


def test_a_normative_source_on_a_measured_value_is_refused_where_it_is(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    sheet = book["Valori"]
    column = next(cell.column_letter for cell in sheet[1] if cell.value == "Fonte")
    assert sheet["C3"].value == "consuntivo"
    sheet[f"{column}3"] = SOURCE
    book.save(path)
    message = refused(path)
    assert f"foglio «Valori», riga 3, colonna {column} «Fonte»: fonte su un valore rilevato" in message
    assert not Plan.objects.exists()


@pytest.fixture
def aurelia(world: World, tmp_path: Path) -> World:
    """The Comune di Aurelia with a second plan, PIAO-2026, imported from a file with the details."""
    document = detailed_plan("aurelia", "PIAO-2026")
    document["organization"]["name"] = "Comune di Aurelia"
    document["areas"] = [{"code": "SOC", "name": "Servizi sociali"}]
    document["objectives"][0]["areas"] = ["SOC"]
    import_plan_file(write(tmp_path, document), reference_date=dt.date(2026, 5, 15))
    return world


def _objective() -> Objective:
    return Objective.objects.get(plan__code="PIAO-2026", code="OB-1")


def test_the_pages_show_the_weights_as_written_the_code_the_external_bodies_and_the_source(
    aurelia: World, client: Client
) -> None:
    client.force_login(aurelia.diana)
    objective = _objective()
    page = client.get(reverse("web:objective", args=[objective.pk])).content.decode()
    assert "Peso</dt><dd" in page and ">2,2523</dd>" in page
    indicator = objective.indicators.get()
    page = client.get(reverse("web:indicator", args=[indicator.pk])).content.decode()
    assert f">{THIRD}</dd>" in page
    assert f"(fonte normativa: {SOURCE})" in page
    activity = objective.activities.get(position=1)
    page = client.get(reverse("web:activity", args=[activity.pk])).content.decode()
    assert ">1.a</dd>" in page and ">ASL Roma 1; Regione Lazio</dd>" in page


def test_the_api_gives_the_exact_weights_their_text_and_the_new_fields(aurelia: World, client: Client) -> None:
    client.force_login(aurelia.diana)
    objective = _objective()
    listed = client.get("/api/objectives/", {"plan": objective.plan_id})
    assert listed.status_code == 200 and listed.json()["results"]
    body = client.get(f"/api/objectives/{objective.pk}/").json()
    assert (body["weight"], body["weight_raw"]) == ("2.2523", "2,2523")
    indicator = client.get(f"/api/indicators/{objective.indicators.get().pk}/").json()
    assert (indicator["weight"], indicator["weight_raw"]) == ("0.333333333333333", THIRD)
    assert indicator["targets"][0]["source"] == SOURCE
    activity = client.get(f"/api/activities/{objective.activities.get(position=1).pk}/").json()
    assert (activity["code"], activity["external_bodies"]) == ("1.a", "ASL Roma 1; Regione Lazio")
    # Someone of another body sees none of it.
    client.force_login(aurelia.erica)
    assert client.get(f"/api/objectives/{objective.pk}/").status_code == 404


def test_a_weight_with_two_decimals_still_reads_with_two(world: World, client: Client) -> None:
    Objective.objects.filter(pk=world.objective.pk).update(weight=Decimal(2))
    client.force_login(world.diana)
    assert client.get(f"/api/objectives/{world.objective.pk}/").json()["weight"] == "2.00"


def test_the_scores_weigh_with_every_decimal(aurelia: World) -> None:
    plan = Plan.objects.get(code="PIAO-2026")
    scores = as_json(plan_scores(plan, 2026))
    (objective,) = scores["objectives"]
    assert objective["weight"] == "2.2523"
    assert objective["indicators"][0]["weight"] == "0.333333333333333"


def test_a_weight_changed_by_a_rimodulazione_keeps_its_decimals_and_forgets_the_documents_text(
    db: None, frozen_today: dt.date, tmp_path: Path
) -> None:
    world = build_world(live=False)
    document = detailed_plan("aurelia", "PIAO-2026")
    document["areas"] = [{"code": "SOC", "name": "Servizi sociali"}]
    document["objectives"][0]["areas"] = ["SOC"]
    import_plan_file(write(tmp_path, document), reference_date=dt.date(2026, 5, 15))
    plan = Plan.objects.get(code="PIAO-2026")
    plan_adopt(actor=world.diana, plan=plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    objective = _objective()
    outcome = change_request(
        actor=world.diana,
        objective=objective,
        changes={"weight": "1,3757"},  # rounded to 1,38 before
        motivation="Ripesatura",
        act="Decreto del direttore n. 7",
        act_date=dt.date(2026, 5, 14),
    )
    assert outcome.applied
    objective.refresh_from_db()
    assert (objective.weight, objective.weight_raw) == (Decimal("1.3757"), "")


def test_the_rollover_carries_the_weights_text_codes_external_bodies_and_sources(aurelia: World) -> None:
    plan = Plan.objects.get(code="PIAO-2026")
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.CLOSED, year_end=2027)
    objective = _objective()
    objective.indicators.get().targets.create(year=2027, raw="80%", kind="percent", value=Decimal(80), source=SOURCE)
    # The second activity is open (the first concluded in April): the one carried over.
    objective.activities.filter(position=2).update(code="1.b", external_bodies="Ambito territoriale sociale")
    draft = plan_rollover(
        actor=aurelia.diana,
        plan=Plan.objects.get(pk=plan.pk),
        code="PIAO-2027",
        title="PIAO 2027",
        carry_over_activities="all_open",
    )
    copy = Objective.objects.get(plan=draft, code="OB-1")
    assert (copy.weight, copy.weight_raw) == (Decimal("2.2523"), "2,2523")
    indicator = copy.indicators.get()
    assert (indicator.weight_raw, indicator.targets.get(year=2027).source) == (THIRD, SOURCE)
    assert list(indicator.history.values_list("year", "raw", "source")) == [
        (2023, "60%", "Relazione 2023"),
        (2024, "65%", ""),
    ]
    assert [(a.code, a.external_bodies) for a in copy.activities.all()] == [("1.b", "Ambito territoriale sociale")]


def test_a_historical_value_the_parser_cannot_read_is_listed_with_its_place(tmp_path: Path) -> None:
    document = detailed_plan()
    document["objectives"][0]["indicators"][0]["history"][1]["value"] = "da verificare"
    output = run_import(write(tmp_path, document), "--reference-date", "2026-05-15")
    assert "valore storico 2024, testo non interpretato «da verificare»" in output
    assert "(objectives[1].indicators[1].history[2].value)" in output
    assert HistoricalValue.objects.get(year=2024).raw == "da verificare"


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([{"year": 2024, "value": "1"}, {"year": 2024, "value": "2"}], "valore storico ripetuto per l'anno 2024"),
        ([{"year": 2026, "value": "1"}], "il valore storico è del 2026, non prima del piano (che inizia nel 2026)"),
    ],
)
def test_historical_values_are_one_a_year_and_before_the_plan(
    tmp_path: Path, history: list[dict[str, Any]], message: str
) -> None:
    document = small_plan()
    document["objectives"][0]["indicators"][0]["history"] = history
    assert message in refused(write(tmp_path, document))
    assert not Plan.objects.exists()


def test_a_target_stated_against_a_past_year_is_measured_against_that_years_value(aurelia: World) -> None:
    objective = _objective()
    indicator = objective.indicators.get()
    target = indicator.targets.get()
    for name, value in target.spec_values(parse_value("Aumento del 10% rispetto al 2023")).items():
        setattr(target, name, value)
    target.save()
    IndicatorBaseline.objects.create(
        indicator=indicator, year=2025, **IndicatorBaseline.spec_values(parse_value("65%"))
    )
    scores = plan_scores(Plan.objects.get(code="PIAO-2026"), 2026)
    (scored,) = scores.objectives[objective.pk].indicators
    # The baseline is of 2025: the value of 2023 (60%) is the one the target names, +10% gives 66%.
    assert "valore storico 60% (2023)" in scored.result.explanation
    assert "atteso ≥ 66%" in scored.result.explanation
    assert scored.result.percent is not None and not scored.result.met  # 40% measured


def test_the_indicator_page_shows_the_historical_values(aurelia: World, client: Client) -> None:
    client.force_login(aurelia.diana)
    indicator = _objective().indicators.get()
    page = client.get(reverse("web:indicator", args=[indicator.pk])).content.decode()
    assert "Valori storici" in page
    assert "<li>2023: 60% (fonte: Relazione 2023)</li>" in page and "<li>2024: 65%</li>" in page
    history = client.get(f"/api/indicators/{indicator.pk}/").json()["history"]
    assert [(value["year"], value["raw"], value["source"]) for value in history] == [
        (2023, "60%", "Relazione 2023"),
        (2024, "65%", ""),
    ]


@pytest.mark.parametrize("written", [1.2, "1,2", "1.2", Decimal("1.2")])
def test_a_weight_proposed_as_a_json_number_or_a_text_is_the_number_written(
    db: None, frozen_today: dt.date, written: object
) -> None:
    world = build_world(live=False)
    plan_adopt(actor=world.diana, plan=world.plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    change_request(
        actor=world.diana,
        objective=world.objective,
        changes={"weight": written},
        motivation="Ripesatura",
        act="Decreto del direttore n. 7",
        act_date=dt.date(2026, 5, 14),
    )
    world.objective.refresh_from_db()
    assert world.objective.weight == Decimal("1.2")


def test_a_historical_value_that_cannot_serve_says_so_by_its_name(aurelia: World) -> None:
    objective = _objective()
    indicator = objective.indicators.get()
    target = indicator.targets.get()
    for name, value in target.spec_values(parse_value("Aumento del 10% rispetto al 2024")).items():
        setattr(target, name, value)
    target.save()
    past = indicator.history.get(year=2024)
    for name, value in past.spec_values(parse_value("n.d.")).items():
        setattr(past, name, value)
    past.save()
    (scored,) = plan_scores(Plan.objects.get(code="PIAO-2026"), 2026).objectives[objective.pk].indicators
    assert scored.result.explanation == "valore storico 2024 «n.d.» non numerico: non misurabile"
    assert scored.result.percent is None
