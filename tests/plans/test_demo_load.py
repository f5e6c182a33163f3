"""`load_demo` on an empty PostgreSQL database holds all of the three seeds, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.models import (
    ActionSheet,
    Activity,
    Area,
    Indicator,
    IndicatorTarget,
    Measurement,
    Objective,
    OrganizationRole,
    Plan,
    WorkState,
)
from tests.plans.helpers import REFERENCE_DATE, database_snapshot, load_reference_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_reference_demo()


def _activity(code: str, starts_with: str) -> Activity:
    return Activity.objects.get(
        objective__plan__code="RP-2021", objective__code=code, description__startswith=starts_with
    )


def _seed_activity_rows(text: str) -> list[tuple[str, str]]:
    """(Tempi, Consuntivo) of every activity row of seed 002, read straight from the text."""
    rows, inside = [], False
    for line in text.splitlines():
        if line.startswith("Modalità di attuazione"):
            inside = True
        elif line.startswith("Indicatori di risultato"):
            inside = False
        elif inside and "\t" in line:
            cells = [re.sub(r"</?i>", "", cell).strip() for cell in line.split("\t")]
            cells = [cell for index, cell in enumerate(cells) if cell or index == 0]
            if len(cells) >= 3 and [cell.lower() for cell in cells[-2:]] != ["tempi", "consuntivo"]:
                rows.append((cells[-2], cells[-1]))
    return rows


def test_seed_002_areas_objectives_and_programmes(demo: None) -> None:
    plan = Plan.objects.get(code="RP-2021")
    assert plan.organization.slug == "consorzio-inrete"
    areas = Area.objects.filter(organization=plan.organization)
    assert sorted(areas.values_list("name", flat=True)) == [
        "Area Amministrativa",
        "Area Direzione",
        "Area Disabili - Anziani",
        "Area Finanziaria",
        "Area Inclusione e Reti Territoriali",
        "Area Minori e Famiglie - Adulti",
    ]
    per_area = {area.code: area.objectives.count() for area in areas}
    assert per_area == {"DIR": 3, "AMM": 1, "FIN": 2, "MIN": 3, "DIS": 5, "INC": 4}
    assert plan.objectives.count() == 18
    disabili = plan.objectives.filter(areas__code="DIS")
    assert sorted(disabili.values_list("programme", "number")) == [
        ("Anziani", 1),
        ("Anziani", 2),
        ("Disabili", 1),
        ("Disabili", 2),
        ("Disabili", 3),
    ]


def test_seed_002_header_fields_description_and_report(demo: None, seed_text: dict[str, str]) -> None:
    objective = Objective.objects.get(plan__code="RP-2021", code="RP21-DIR-1")
    assert objective.title.startswith("Avviare il percorso di revisione e rinnovo dell'Accordo di Programma")
    assert objective.strategic_area == "Governance, amministrazione e servizi generali."
    assert objective.peg_project == "Governance interna/esterna ed attività direzionali."
    assert objective.services == "Pianificazione di sistema e relazioni con il territorio"
    assert objective.end_users == "Firmatari Accordo di Programma Minori con disabilità e famiglie"
    assert objective.networks.startswith("vedi punto 2.5.7")
    assert objective.description.startswith("L' Accordo di programma per l'integrazione scolastica")
    report = objective.reports.get()
    assert report.date == dt.date(2021, 12, 31)
    assert "In data 20/5/2021 con determinazione del Direttore n. 84" in report.text
    # Every report paragraph of the seed is somewhere in the database, word for word.
    reports = " ".join(
        " ".join(text.split())
        for text in Objective.objects.filter(plan__code="RP-2021").values_list("reports__text", flat=True)
    )
    for paragraph in re.findall(r"Report al 31/12/2021\s*\n\s*\n([^\n]+)", seed_text["002"]):
        first_words = " ".join(re.sub(r"<[^>]+>", "", paragraph).split()[:12])
        assert first_words in reports


def test_seed_002_every_activity_keeps_tempi_and_consuntivo_as_written(demo: None, seed_text: dict[str, str]) -> None:
    stored = list(
        Activity.objects.filter(objective__plan__code="RP-2021")
        .order_by("objective__id", "position")
        .values_list("planned_raw", "actual_raw")
    )
    assert len(stored) == 93
    assert stored == _seed_activity_rows(seed_text["002"])


def test_seed_002_activity_times_are_parsed(demo: None) -> None:
    late = _activity("RP21-DIR-1", "Condivisione in sede di Assemblea consortile")
    assert (late.planned_raw, late.planned_end) == ("Dicembre", dt.date(2021, 12, 31))
    assert (late.actual_raw, late.actual_end) == ("Febbraio 2022", dt.date(2022, 2, 28))
    spilled = _activity("RP21-DIR-1", "Approvazione dello schema di Accordo")
    assert (spilled.planned_raw, spilled.planned_end, spilled.spills_over()) == (
        "Marzo 2022",
        dt.date(2022, 3, 31),
        True,
    )
    started = Activity.objects.get(actual_raw="avviato Luglio")
    assert (started.actual_hint, started.actual_start, started.actual_end) == ("started", dt.date(2021, 7, 1), None)
    checkpoints = Activity.objects.get(planned_raw="Giugno/Ottobre", actual_raw="Luglio/Novembre")
    assert checkpoints.planned_checkpoints == ["2021-06-30", "2021-10-31"]
    assert checkpoints.actual_end == dt.date(2021, 11, 30)
    remark = Activity.objects.get(actual_raw__startswith="Dicembre (si rileva")
    assert remark.actual_end == dt.date(2021, 12, 31)
    assert remark.actual_remark == "si rileva la necessità di attivare un percorso di co-programmazione"
    ranged = Activity.objects.get(actual_raw="Maggio-Settembre")
    assert (ranged.actual_start, ranged.actual_end) == (dt.date(2021, 5, 1), dt.date(2021, 9, 30))
    year_only = Activity.objects.get(actual_raw="2022")
    assert (year_only.actual_kind, year_only.actual_end) == ("year", dt.date(2022, 12, 31))
    free_text = Activity.objects.get(actual_raw="Attivo il Tavolo di lavoro ASL TO4/EE.GG.")
    assert (free_text.actual_kind, free_text.actual_parsed, free_text.actual_end) == ("text", False, None)
    not_done = Activity.objects.filter(actual_raw__in=["No", "no"])
    assert not_done.count() == 7
    assert {activity.actual_hint for activity in not_done} == {"not_done"}


def test_seed_002_indicators_keep_unit_atteso_and_consuntivo(demo: None) -> None:
    indicators = Indicator.objects.filter(objective__plan__code="RP-2021")
    assert indicators.count() == 53
    assert IndicatorTarget.objects.filter(indicator__in=indicators, year=2021).count() == 53
    assert Measurement.objects.filter(indicator__in=indicators, year=2021).count() == 53
    first = indicators.get(objective__code="RP21-DIR-1", position=1)
    assert (first.name, first.unit) == ("Atti/documenti", "n.")
    assert first.targets.get().value == Decimal(100)
    assert first.measurements.get().value == Decimal(83)
    archive = indicators.get(description="percentuale di cartelle con archivio cartaceo e digitale")
    assert (archive.unit, archive.targets.get().raw, archive.measurements.get().raw) == ("%", "70", "60")
    loaded = indicators.filter(name="Cartelle caricate").first()
    assert loaded is not None
    target, actual = loaded.targets.get(), loaded.measurements.get()
    assert (target.kind, target.value, actual.kind, actual.value) == ("percent", Decimal(95), "percent", Decimal(90))
    qualitative = indicators.get(description="progetti SAD a cui applicare lo strumento di rilevazione")
    assert (qualitative.unit, qualitative.targets.get().raw) == ("n", "tutti i progetti attivi")
    assert (qualitative.targets.get().kind, qualitative.targets.get().parsed) == ("text", False)


def test_seed_001_sintesi_objective_indicators_and_linked_budgets(demo: None) -> None:
    plan = Plan.objects.get(code="PEG-2019")
    sintesi = plan.objectives.get(code="2019_ZN08")
    assert sintesi.typology == "SINTESI"
    assert sintesi.strategic_area == "2019_IND_STRATEG_08 LA PERSONA AL CENTRO"
    assert sintesi.indicators.count() == 25
    targets = IndicatorTarget.objects.filter(indicator__objective=sintesi)
    assert sorted(set(targets.values_list("year", flat=True))) == [2019, 2020, 2021]
    progetto_quadro = sintesi.indicators.get(position=1)
    assert [(t.year, t.raw, t.kind, t.numerator, t.denominator) for t in progetto_quadro.targets.all()] == [
        (year, "150/1600", "ratio", Decimal(150), Decimal(1600)) for year in (2019, 2020, 2021)
    ]
    threshold = sintesi.indicators.get(name__startswith="Valore medio di soddisfazione").targets.get(year=2020)
    assert (threshold.raw, threshold.kind, threshold.operator, threshold.value) == ("=>4", "threshold", ">=", 4)
    istat = sintesi.indicators.get(name__startswith="Raccolta dati e compilazione").targets.get(year=2021)
    assert (istat.raw, istat.value) == ("1,00", Decimal("1.00"))
    deadline = sintesi.indicators.get(name__startswith="Aggiornamento linee guida").targets.get()
    assert (deadline.year, deadline.kind, deadline.date_value) == (2019, "date", dt.date(2019, 12, 31))
    linked = {
        o.code: (o.parent.code if o.parent else None, o.budget_income, o.budget_expense)
        for o in plan.objectives.exclude(pk=sintesi.pk).select_related("parent")
    }
    assert linked == {
        "2019_DN08": ("2019_ZN08", Decimal("6195143.71"), Decimal("7107237.18")),
        "2019_DN08_01": ("2019_DN08", Decimal("298395.00"), Decimal("701058.36")),
        "2019_DN08_02": ("2019_DN08", Decimal("805084.97"), Decimal("1963975.99")),
        "2019_DN08_03": ("2019_DN08", Decimal("0.00"), Decimal("42829.14")),
        "2019_DN08_04": ("2019_DN08", Decimal("0.00"), Decimal("0.00")),
        "2019_DN08_05": ("2019_DN08", Decimal("0.00"), Decimal("0.00")),
    }


def test_seed_004_action_sheet(demo: None) -> None:
    sheet = ActionSheet.objects.get(plan__code="PSZ", code="LIVEAS-1")
    assert sheet.title == "SEGRETARIATO SOCIALE PROFESSIONALE"
    assert sheet.level == "LIVELLI ESSENZIALI GENERALI"
    assert "lettura e decodificazione della domanda" in sheet.objectives
    assert "decentramento del servizio nei quartieri" in sheet.strategy
    assert "cura i rapporti con l'Autorità giudiziaria" in sheet.planned_activities
    assert sheet.timing == "Il servizio è attivo per tutto l'arco di vigenza del Piano."
    assert sheet.management_mode == "Affidamento attraverso gara pubblica a cooperative o consorzi sociali."
    assert "elevato numero di immigrati" in sheet.risks
    assert [i.text[:40] for i in sheet.indicators.all()] == [
        "Raggiungimento dell'obiettivo regionale ",
        "Percentuale di progetti personalizzati r",
        "Incremento percentuale annuo degli utent",
    ]


def test_demo_states_follow_the_consuntivo_at_the_reference_date(demo: None) -> None:
    assert _activity("RP21-DIR-1", "Costruzioni rappresentanze").state == WorkState.CONCLUSO
    # Consuntivo "Febbraio 2022": still under way on 31/12/2021.
    assert _activity("RP21-DIR-1", "Condivisione in sede di Assemblea consortile").state == WorkState.AVVIATO
    assert Activity.objects.get(actual_raw="avviato Luglio").state == WorkState.AVVIATO
    assert {a.state for a in Activity.objects.filter(actual_raw__in=["No", "no"])} == {WorkState.PROGRAMMATO}
    assert Activity.objects.get(actual_raw__startswith="Attivo il Tavolo").state == WorkState.AVVIATO
    done = Objective.objects.get(code="RP21-DIR-3")
    assert done.state == WorkState.CONCLUSO
    assert done.actual_end == dt.date(2021, 12, 31)
    assert Objective.objects.get(code="RP21-DIR-1").state == WorkState.AVVIATO


def test_demo_states_move_with_the_reference_date() -> None:
    call_command("load_demo", reference_date=dt.date(2022, 12, 31))
    assert _activity("RP21-DIR-1", "Condivisione in sede di Assemblea consortile").state == WorkState.CONCLUSO
    assert Objective.objects.get(code="RP21-DIR-1").state == WorkState.CONCLUSO


def test_demo_users_have_their_roles(demo: None) -> None:
    users = get_user_model().objects
    assert users.get(username="direttore").check_password("demo")
    assert OrganizationRole.objects.filter(user__username="direttore", role="director").count() == 3
    assert OrganizationRole.objects.filter(user__username="oiv", role="auditor").count() == 3
    finance = Area.objects.get(slug="area-finanziaria")
    assert finance.head is not None and finance.head.username == "resp-area-finanziaria"
    assert sorted(finance.members.values_list("username", flat=True)) == [
        "staff-area-finanziaria-1",
        "staff-area-finanziaria-2",
    ]
    owners = set(Activity.objects.filter(objective__areas=finance).values_list("owner__username", flat=True))
    assert owners == {"staff-area-finanziaria-1", "staff-area-finanziaria-2"}


def test_load_demo_twice_leaves_the_database_unchanged(demo: None) -> None:
    before = database_snapshot()
    call_command("load_demo", reference_date=REFERENCE_DATE, no_live_year=True)  # the live year: its own test
    assert database_snapshot() == before
