"""The score of an individual evaluation sheet under the year's measurement system, with its explanation.

Three components, each a Rollup of evaluation.scores:
- the objectives of the person's responsibility: the objectives of the areas they head (Area.head), in the
  organization's plans covering the year, each scored by `plan_scores`, weighted by the objective weights (an
  objective shared by two of their areas counts once);
- the body's result: the plan's body score (`plan_scores(...).body`; with several plans in the year, the
  weighted mean of all their objectives, the same rollup);
- the behaviours: the weighted mean (Behaviour.weight) of each score on the scale as a percentage
  (score / scale × 100).
The final score is the weighted mean of the components that could be measured, with the system's weights
(weight_own_objectives, weight_body, weight_behaviours); a component that weighs nothing or has nothing to
measure is left out and said so. No indicator percentage is computed here: plan_scores gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from evaluation.models import BehaviourScore, EvaluationSheet, MeasurementSystem
from evaluation.scores import ObjectiveScore, Part, PlanScores, Rollup, plan_scores, rollup
from evaluation.selectors import system_for
from plans.models import Area, Objective, Plan
from plans.scoring import FULL, ZERO, Level, decimal_text, percent_text

OWN_OBJECTIVES, BODY, BEHAVIOURS = "own_objectives", "body", "behaviours"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Component:
    key: str  # OWN_OBJECTIVES, BODY or BEHAVIOURS
    label: str
    weight: Decimal
    rollup: Rollup

    @property
    def counts(self) -> bool:
        return self.weight > 0 and self.rollup.score is not None


@dataclass(frozen=True)
class ResponsibleObjective:
    plan_code: str
    score: ObjectiveScore


@dataclass(frozen=True)
class BehaviourLine:
    behaviour_id: int
    name: str
    description: str
    weight: Decimal
    score: int | None
    comment: str
    percent: Decimal | None


@dataclass(frozen=True)
class SheetScore:
    system: MeasurementSystem
    objectives: tuple[ResponsibleObjective, ...]
    behaviours: tuple[BehaviourLine, ...]
    components: tuple[Component, ...]
    final: Decimal | None
    explanation: str

    @property
    def frozen_final(self) -> Decimal | None:
        """The final score as a sheet keeps it: two decimals, half up as people round."""
        return None if self.final is None else self.final.quantize(CENT, rounding=ROUND_HALF_UP)


def sheet_score(sheet: EvaluationSheet) -> SheetScore:
    """The sheet's components and final score now, from the plans' recorded values and the behaviour scores."""
    system = system_for(sheet.organization_id, sheet.year)
    plans = list(
        Plan.objects.filter(
            organization_id=sheet.organization_id, year_start__lte=sheet.year, year_end__gte=sheet.year
        ).order_by("code")
    )
    scored = [(plan, plan_scores(plan, sheet.year, system=system)) for plan in plans]
    responsible = _responsible_objectives(sheet, scored)
    behaviours = _behaviour_lines(sheet, system)
    what = _("obiettivi")
    own_parts = [Part(line.score.code, line.score.rollup.score, line.score.weight) for line in responsible]
    own = rollup(own_parts, system.rule, what=what)
    if not own_parts:
        own = Rollup(None, Level.NOT_MEASURABLE.value, "none", _("nessun obiettivo delle aree di cui è responsabile"))
    if len(scored) == 1:
        body = scored[0][1].body
    elif scored:
        body = rollup(
            [Part(o.code, o.rollup.score, o.weight) for _plan, scores in scored for o in scores.objectives.values()],
            system.rule,
            what=what,
        )
    else:
        body = Rollup(None, Level.NOT_MEASURABLE.value, "none", _("nessun piano dell'ente per l'anno"))
    behaviour_parts = [Part(line.name[:60], line.percent, line.weight) for line in behaviours]
    behaviour_rollup = rollup(behaviour_parts, system.rule, what=_("comportamenti"))
    if not behaviour_parts:
        behaviour_rollup = Rollup(
            None, Level.NOT_MEASURABLE.value, "none", _("nessun comportamento previsto dal sistema per l'anno")
        )
    components = (
        Component(OWN_OBJECTIVES, _("Obiettivi di responsabilità"), system.weight_own_objectives, own),
        Component(BODY, _("Risultato dell'ente"), system.weight_body, body),
        Component(BEHAVIOURS, _("Comportamenti"), system.weight_behaviours, behaviour_rollup),
    )
    final = rollup(
        [
            Part(component.label, component.rollup.score, component.weight)
            for component in components
            if component.counts
        ],
        system.rule,
        what=_("componenti"),
    )
    return SheetScore(
        system=system,
        objectives=tuple(responsible),
        behaviours=tuple(behaviours),
        components=components,
        final=final.score,
        explanation=_explain(components, final),
    )


def _responsible_objectives(
    sheet: EvaluationSheet, scored: list[tuple[Plan, PlanScores]]
) -> list[ResponsibleObjective]:
    headed = Area.objects.filter(organization_id=sheet.organization_id, head_id=sheet.person_id).values("pk")
    linked = set(
        Objective.areas.through.objects.filter(
            area__in=headed, objective__plan__in=[plan.pk for plan, _scores in scored]
        ).values_list("objective_id", flat=True)
    )
    found = []
    for plan, scores in scored:
        for objective_id, objective in scores.objectives.items():
            if objective_id in linked:
                found.append(ResponsibleObjective(plan.code, objective))
    return found


def behaviour_lines(sheet: EvaluationSheet) -> tuple[MeasurementSystem, list[BehaviourLine]]:
    """The year's system and the sheet's behaviours with their scores, without scoring the plans (for the form)."""
    system = system_for(sheet.organization_id, sheet.year)
    return system, _behaviour_lines(sheet, system)


def _behaviour_lines(sheet: EvaluationSheet, system: MeasurementSystem) -> list[BehaviourLine]:
    if system.pk is None:
        return []
    given = {row.behaviour_id: row for row in BehaviourScore.objects.filter(sheet=sheet)} if sheet.pk else {}
    lines = []
    for behaviour in system.behaviours.order_by("position"):
        row = given.get(behaviour.pk)
        lines.append(
            BehaviourLine(
                behaviour_id=behaviour.pk,
                name=behaviour.name,
                description=behaviour.description,
                weight=behaviour.weight,
                score=row.score if row else None,
                comment=row.comment if row else "",
                percent=None if row is None else Decimal(row.score) / system.behaviour_scale * FULL,
            )
        )
    return lines


def _explain(components: tuple[Component, ...], final: Rollup) -> str:
    lines = []
    for component in components:
        if component.rollup.score is None:
            value = _("non valutabile (%(why)s), esclusa") % {"why": component.rollup.explanation}
        elif component.weight <= ZERO:
            value = _("%(score)s, peso 0: non conta") % {"score": percent_text(component.rollup.score)}
        else:
            value = _("%(score)s con peso %(weight)s (%(how)s)") % {
                "score": percent_text(component.rollup.score),
                "weight": decimal_text(component.weight),
                "how": component.rollup.explanation,
            }
        lines.append(f"{component.label}: {value}.")
    if final.score is None:
        lines.append(_("Punteggio finale: non calcolabile, nessuna componente valutabile."))
    else:
        frozen = final.score.quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(
            _("Punteggio finale: %(how)s; con due decimali %(value)s%%.")
            % {"how": final.explanation, "value": f"{frozen:.2f}".replace(".", ",")}
        )
    return "\n".join(lines)
