"""The scores of every objective, area and the body of seed 001 (PEG 2019) and seed 002 (Relazione sulla
Performance 2021) under the default measurement system; for seed 002's objectives whose indicators are plain
numbers, the same scores worked out here from the seed's own text.

The seeds come in as the demo does (plans/demo/*.yaml, converted from the seed text with every value kept as
written). The independent computation reads the seed text (tests/parsing/seeds.py finds it), not the database,
and applies the default rule as the README documents it: a target without an operator is met at or above the
expected value and then scores 100; a missed one scores actual / expected × 100; an objective is the plain mean
of its indicators' scores (the seed gives no weights); an area the mean of its objectives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from evaluation.scores import PlanScores, plan_scores
from plans.demo import DEMO_DIR
from plans.importing.service import import_plan_file
from plans.models import Objective, Plan
from tests.parsing.seeds import PEG_2019, PERFORMANCE_REPORT_2021

pytestmark = pytest.mark.django_db

REFERENCE_DATE = dt.date(2026, 5, 15)
HUNDRED = Decimal(100)
CLOSE = Decimal("0.0000001")

_TAG = re.compile(r"<[^>]+>")
_AREA = re.compile(r"CENTRO DI RESPONSABILITA' ?: ?(AREA [^*\t\n]+)")
_OBJECTIVE = re.compile(r"(?:^|\*\*)Obiettivo (\d+)\b")
_PLAIN_NUMBER = re.compile(r"\d+")


@dataclass
class SeedObjective:
    """One objective sheet of seed 002 as its text gives it: its area, number and indicator rows."""

    area: str
    number: int
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # name, expected, actual

    def by_hand(self) -> Decimal | None:
        """The default rule applied to the rows, or None when a value is not a plain number (or a target is 0):
        those are left to the engine's own tests."""
        scores = []
        for _name, expected, actual in self.rows:
            if not (_PLAIN_NUMBER.fullmatch(expected) and _PLAIN_NUMBER.fullmatch(actual)) or expected == "0":
                return None
            wanted, reached = Decimal(expected), Decimal(actual)
            scores.append(HUNDRED if reached >= wanted else reached / wanted * HUNDRED)
        return sum(scores, Decimal(0)) / len(scores) if scores else None


def read_seed_002() -> list[SeedObjective]:
    """Every objective sheet of seed 002, in the order of the text, with its indicator table."""
    found: list[SeedObjective] = []
    area = ""
    in_table = False
    for raw in PERFORMANCE_REPORT_2021.read_text(encoding="utf-8").splitlines():
        line = _TAG.sub("", raw)
        if match := _AREA.search(line):
            area = match.group(1).strip()
        if match := _OBJECTIVE.search(line.split("\t")[0]):
            found.append(SeedObjective(area, int(match.group(1))))
            in_table = False
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if "Valore atteso" in line and "Valore consuntivo" in line:
            in_table = True
        elif line.startswith("Report al") or ("\t" not in line and line.strip()):
            in_table = False
        elif in_table and found and len(cells) >= 5 and cells[0]:
            found[-1].rows.append((cells[0], cells[3], cells[4]))
    return found


@pytest.fixture(scope="module")
def seeds(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, PlanScores]]:
    """Seeds 001 and 002 imported, and their scores for the year each reports on."""
    with django_db_blocker.unblock(), transaction.atomic():
        peg = import_plan_file(DEMO_DIR / "peg-2019.yaml", reference_date=REFERENCE_DATE).plan
        relazione = import_plan_file(DEMO_DIR / "relazione-2021.yaml", reference_date=REFERENCE_DATE).plan
        yield {"001": plan_scores(peg, 2019), "002": plan_scores(relazione, 2021)}
        transaction.set_rollback(True)


def test_the_seed_texts_are_there() -> None:
    if not (PEG_2019.is_file() and PERFORMANCE_REPORT_2021.is_file()):
        pytest.skip("the seed documents are not beside the repository")
    assert len(read_seed_002()) == 18  # 3 + 1 + 2 + 3 + 5 + 4 objective sheets, as the Relazione has them


def test_at_least_three_objectives_of_seed_002_score_as_worked_out_from_its_text(seeds: dict[str, PlanScores]) -> None:
    if not PERFORMANCE_REPORT_2021.is_file():
        pytest.skip("the seed documents are not beside the repository")
    scores = seeds["002"]
    plan = Plan.objects.get(pk=scores.plan_id)
    imported: dict[str, list[Objective]] = defaultdict(list)
    for objective in Objective.objects.filter(plan=plan).prefetch_related("areas", "indicators").order_by("pk"):
        for assigned in objective.areas.all():
            imported[assigned.name.casefold()].append(objective)
    by_area: dict[str, list[SeedObjective]] = defaultdict(list)
    for sheet in read_seed_002():
        by_area[sheet.area.casefold()].append(sheet)
    checked: list[tuple[str, int, Decimal]] = []
    for area, sheets in by_area.items():
        # The k-th sheet of an area is the area's k-th objective: "Obiettivo 1" comes twice in Disabili - Anziani.
        assert len(imported[area]) == len(sheets), area
        for sheet, objective in zip(sheets, imported[area], strict=True):
            assert objective.number == sheet.number
            expected = sheet.by_hand()
            if expected is None:
                continue
            assert [i.name for i in objective.indicators.all()] == [row[0] for row in sheet.rows]
            assert {i.direction for i in objective.indicators.all()} <= {"increase", "target"}
            computed = scores.objectives[objective.pk].rollup
            assert computed.basis == "indicators", objective.code
            assert computed.score is not None and abs(computed.score - expected) < CLOSE, (objective.code, expected)
            checked.append((area, objective.pk, expected))
    assert len(checked) >= 3, checked
    # An area all of whose objectives were worked out by hand: its score is their plain mean (no weights).
    areas_checked = 0
    for name in {name for name, _pk, _score in checked}:
        mine = [score for area, _pk, score in checked if area == name]
        if len(mine) == len(by_area[name]) == len(imported[name]):
            area_id = imported[name][0].areas.get(name__iexact=name).pk
            computed_area = scores.areas[area_id].rollup.score
            mean = sum(mine, Decimal(0)) / len(mine)
            assert computed_area is not None and abs(computed_area - mean) < CLOSE, name
            areas_checked += 1
    assert areas_checked >= 3  # Direzione, Amministrativa, Finanziaria


@pytest.mark.parametrize("seed", ["001", "002"])
def test_every_objective_area_and_the_body_has_a_score_or_says_why_not(seeds: dict[str, PlanScores], seed: str) -> None:
    scores = seeds[seed]
    assert scores.system.pk is None  # the default system: neither body has one of its own
    assert scores.objectives, seed
    rollups = [
        *(o.rollup for o in scores.objectives.values()),
        *(a.rollup for a in scores.areas.values()),
        scores.body,
    ]
    for rollup in rollups:
        if rollup.score is None:
            assert rollup.level == "non_misurabile"
            assert rollup.explanation.startswith("non misurabile: "), rollup.explanation
            assert len(rollup.explanation) > len("non misurabile: ") + 10  # it names why
        else:
            assert Decimal(0) <= rollup.score <= HUNDRED and rollup.explanation
    # Every indicator not measured says which value was missing or not understood.
    for objective in scores.objectives.values():
        for indicator in objective.indicators:
            if indicator.result.score is None:
                assert "non misurabile" in indicator.result.explanation, indicator.result.explanation


def test_seed_002_measures_its_body_and_every_area(seeds: dict[str, PlanScores]) -> None:
    """The Relazione 2021 has values for the year: every area and the body have a score, each objective's
    counted once in the body."""
    scores = seeds["002"]
    assert len(scores.areas) == 6
    assert all(area.rollup.score is not None for area in scores.areas.values())
    assert scores.body.score is not None
    measured = [o for o in scores.objectives.values() if o.rollup.score is not None]
    assert f"{len(measured)} obiettivi misurabili su {len(scores.objectives)}" in scores.body.explanation


def test_seed_001_has_no_actual_values_so_its_objectives_say_they_are_not_measured_by_indicators(
    seeds: dict[str, PlanScores],
) -> None:
    """The PEG 2019 sets targets for 2019-2021 and records no actual value: no indicator scores, and each objective
    is the share of its activities concluded, or not measurable with the reason."""
    scores = seeds["001"]
    indicators = [i for o in scores.objectives.values() for i in o.indicators]
    assert indicators and all(i.result.score is None for i in indicators)
    assert {i.result.explanation for i in indicators} == {"nessun valore consuntivo: non misurabile"}
    for objective in scores.objectives.values():
        assert objective.rollup.basis in ("activities", "none")
        assert "nessun indicatore misurabile" in objective.rollup.explanation
