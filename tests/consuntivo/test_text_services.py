"""The texts of the consuntivo through their services, on PostgreSQL: the objective's report and the motivation of a
missed target (the area head's), the Relazione's chapters (the director's). Writing again replaces the text, and
the trail keeps every version."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import IndicatorMotivation, ObjectiveReport
from reports.models import RelazioneChapter
from reports.services import relazione_chapter_write
from tests.web.helpers import database_state, indicator_values
from tests.workflow.world import World
from workflow.errors import InvalidInput, NotAllowed, NotVisible
from workflow.services.consuntivo import default_report_date, indicator_motivation_write, objective_report_write
from workflow.trail.versions import text_versions

pytestmark = pytest.mark.django_db

YEAR_END = dt.date(2026, 12, 31)


def test_the_area_head_writes_the_objectives_report_and_rewriting_keeps_the_history(world: World) -> None:
    first = objective_report_write(actor=world.anna, objective=world.objective, date=YEAR_END, text="Prima stesura.")
    second = objective_report_write(
        actor=world.anna, objective=world.objective, date=YEAR_END, text="Sportello unico aperto in tre sedi."
    )
    assert first.pk == second.pk
    assert list(ObjectiveReport.objects.values_list("date", "text")) == [
        (YEAR_END, "Sportello unico aperto in tre sedi.")
    ]
    assert [version.text for version in text_versions(ObjectiveReport, [first.pk])] == [
        "Sportello unico aperto in tre sedi.",
        "Prima stesura.",
    ]


def test_the_director_may_write_any_objectives_report(world: World) -> None:
    objective_report_write(actor=world.diana, objective=world.transversal, date=YEAR_END, text="Cartella attiva.")
    assert ObjectiveReport.objects.get().objective == world.transversal


@pytest.mark.parametrize(
    ("person", "error"), [("erica", NotVisible), ("tommaso", NotVisible), ("sara", NotAllowed), ("otto", NotAllowed)]
)
def test_others_may_not_write_the_report(world: World, person: str, error: type[Exception]) -> None:
    before = database_state()
    with pytest.raises(error):
        objective_report_write(actor=world.users[person], objective=world.objective, date=YEAR_END, text="Testo.")
    assert database_state() == before


def test_the_head_of_another_area_writes_on_the_shared_objective_only(world: World) -> None:
    with pytest.raises(NotVisible):
        objective_report_write(actor=world.bruno, objective=world.objective, date=YEAR_END, text="Testo.")
    objective_report_write(actor=world.bruno, objective=world.transversal, date=YEAR_END, text="Parte tecnica.")
    assert ObjectiveReport.objects.get().text == "Parte tecnica."


def test_a_report_without_text_or_date_changes_nothing(world: World) -> None:
    before = database_state()
    with pytest.raises(InvalidInput) as refused:
        objective_report_write(actor=world.anna, objective=world.objective, date=None, text="   ")
    assert set(refused.value.fields) == {"date", "text"}
    assert refused.value.fields["text"] == ["Il testo è vuoto: scrivi la relazione prima di salvare."]
    with pytest.raises(InvalidInput) as refused:
        objective_report_write(actor=world.anna, objective=world.objective, date=dt.date(1990, 12, 31), text="Ok")
    assert set(refused.value.fields) == {"date"}
    assert database_state() == before


def test_the_default_date_is_the_31st_of_december_of_the_plans_year(world: World) -> None:
    assert default_report_date(world.plan) == YEAR_END
    assert default_report_date(world.plan, dt.date(2030, 3, 1)) == YEAR_END  # the plan's last year


def test_the_area_head_motivates_a_missed_target_and_rewriting_keeps_the_history(world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="60")
    indicator_motivation_write(actor=world.anna, indicator=world.indicator, year=2026, text="Sedi chiuse a marzo.")
    indicator_motivation_write(
        actor=world.anna, indicator=world.indicator, year=2026, text="Due sedi chiuse da marzo a maggio."
    )
    motivation = IndicatorMotivation.objects.get()
    assert (motivation.year, motivation.text, motivation.written_by) == (
        2026,
        "Due sedi chiuse da marzo a maggio.",
        world.anna,
    )
    versions = [version.text for version in text_versions(IndicatorMotivation, [motivation.pk])]
    assert versions == ["Due sedi chiuse da marzo a maggio.", "Sedi chiuse a marzo."]


def test_a_motivation_needs_a_target_of_that_year_and_a_text(world: World) -> None:
    before = database_state()
    with pytest.raises(InvalidInput) as refused:
        indicator_motivation_write(actor=world.anna, indicator=world.indicator, year=2026, text="")
    assert refused.value.fields["year"] == [
        "L'indicatore non ha un valore atteso per il 2026: non c'è uno scostamento da motivare."
    ]
    assert refused.value.fields["text"] == ["Il testo è vuoto: scrivi la motivazione prima di salvare."]
    with pytest.raises(InvalidInput) as refused:
        indicator_motivation_write(actor=world.anna, indicator=world.indicator, year=2031, text="Testo")
    assert refused.value.fields["year"] == ["L'anno deve cadere nel piano, dal 2026 al 2026."]
    assert database_state() == before


@pytest.mark.parametrize(
    ("person", "error"), [("erica", NotVisible), ("bruno", NotVisible), ("sara", NotAllowed), ("otto", NotAllowed)]
)
def test_others_may_not_write_a_motivation(world: World, person: str, error: type[Exception]) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="60")
    with pytest.raises(error):
        indicator_motivation_write(actor=world.users[person], indicator=world.indicator, year=2026, text="Testo.")
    assert not IndicatorMotivation.objects.exists()


def test_the_director_writes_the_relazioni_chapters(world: World) -> None:
    for kind in RelazioneChapter.Kind.values:
        relazione_chapter_write(actor=world.diana, plan=world.plan, year=2026, kind=kind, text=f"Testo di {kind}.")
    chapter = relazione_chapter_write(
        actor=world.diana, plan=world.plan, year=2026, kind="presentation", text="Presentazione riveduta."
    )
    rows = RelazioneChapter.objects.order_by("kind").values_list("kind", "text", "written_by__username")
    assert list(rows) == [
        ("context", "Testo di context.", "diana"),
        ("presentation", "Presentazione riveduta.", "diana"),
        ("process", "Testo di process.", "diana"),
    ]
    versions = [version.text for version in text_versions(RelazioneChapter, [chapter.pk])]
    assert versions == ["Presentazione riveduta.", "Testo di presentation."]


@pytest.mark.parametrize(
    ("person", "error"), [("erica", NotVisible), ("anna", NotAllowed), ("sara", NotAllowed), ("otto", NotAllowed)]
)
def test_only_the_director_writes_a_chapter(world: World, person: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        relazione_chapter_write(actor=world.users[person], plan=world.plan, year=2026, kind="context", text="Testo.")
    assert not RelazioneChapter.objects.exists()


def test_a_chapter_of_an_unknown_kind_or_year_changes_nothing(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        relazione_chapter_write(actor=world.diana, plan=world.plan, year=2025, kind="epilogue", text=" ")
    assert set(refused.value.fields) == {"kind", "year", "text"}
    assert not RelazioneChapter.objects.exists()
