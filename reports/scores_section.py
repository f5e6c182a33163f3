"""The scores section of the Relazione's performance chapter: the body's, each area's and each objective's score of
the year under the body's measurement system, with the band's words and symbol and the explanation. A view of
evaluation.scores.plan_scores: nothing is computed here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from evaluation.models import MeasurementSystem
from evaluation.scores import PlanScores, Rollup
from plans.scoring import decimal_text
from reports.sections import ScoreLine, Scores


def scores_section(scores: PlanScores, body: str, objective_order: Sequence[str]) -> Scores:
    """`objective_order`: the objectives' codes in the report's order (each once)."""
    system = scores.system
    position = {code: index for index, code in enumerate(objective_order)}
    objectives = sorted(scores.objectives.values(), key=lambda o: position.get(o.code, len(position)))
    return Scores(
        rule=rule_text(system),
        body=_line(system, body, scores.body),
        areas=tuple(
            _line(system, area.name, area.rollup)
            for area in sorted(scores.areas.values(), key=lambda area: area.area_id)
        ),
        objectives=tuple(
            _line(system, f"{o.code} – {o.title}" if o.code else o.title, o.rollup, weight=o.weight) for o in objectives
        ),
    )


def rule_text(system: MeasurementSystem) -> str:
    return _(
        "Punteggi secondo il sistema di misurazione e valutazione %(year)s: «%(reached)s» da %(at)s%%, "
        "«%(partial)s» da %(from)s%%, punteggio massimo di un indicatore %(cap)s%%. Un obiettivo è la media "
        "(ponderata con i pesi degli indicatori) dei suoi indicatori misurabili, o la quota delle attività concluse; "
        "un centro di responsabilità e l'ente sono la media ponderata con i pesi degli obiettivi."
    ) % {
        "year": system.year,
        "reached": system.reached_label,
        "at": decimal_text(system.reached),
        "partial": system.partial_label,
        "from": decimal_text(system.partial),
        "cap": decimal_text(system.cap),
    }


def _line(system: MeasurementSystem, label: str, rollup: Rollup, weight: Decimal | None = None) -> ScoreLine:
    return ScoreLine(
        label=label,
        score=rollup.score,
        level=rollup.level,
        band=system.label(rollup.level),
        symbol=system.symbol(rollup.level),
        explanation=rollup.explanation,
        weight=weight,
    )
