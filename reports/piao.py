"""The PIAO's performance section (DM 30 giugno 2022, n. 132, art. 3, comma 1, lettera b): the plan's objectives,
indicators and targets, as plain data for the renderers (reports.render.piao).

The Piano integrato di attività e organizzazione (art. 6 D.L. 80/2021) has, in its section 2 «Valore pubblico,
Performance e Anticorruzione», the subsection «Performance»: drawn up under Capo II of D.Lgs. 150/2009, it
programmes the body's objectives and their indicators of efficiency and effectiveness, whose results the Relazione
sulla Performance reports. The body uploads the PIAO to the Funzione Pubblica's portal (piao.dfp.gov.it). This
document is that subsection for one plan: the reference to the act that adopted it, a summary of the objectives
by area, then per area each objective with its strategic line (DUP), operational objective, owner, weight and
deadline, and its indicators with unit, weight, baseline and the target of every year of the plan, each as written.

Areas follow the plan's own order (as the Relazione's); an objective of several areas appears under each of them,
and once in the summary. Read in a constant number of queries whatever the size of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Area, Indicator, IndicatorTarget, Objective, Plan, PlanState
from plans.models.indicator import baseline_of
from reports.facts import person_name

TITLE = gettext_lazy("Sottosezione 2.2 – Performance")
SECTION = gettext_lazy("Sezione 2 – Valore pubblico, Performance e Anticorruzione")
PIAO = gettext_lazy("Piano integrato di attività e organizzazione (PIAO)")
NO_AREA = gettext_lazy("Obiettivi senza area assegnata")
PAGE = gettext_lazy("Pagina")
OF = gettext_lazy("di")


class PlanNotAdopted(ValueError):
    """A draft is not the body's act yet: it has no PIAO section to upload."""


@dataclass(frozen=True)
class IndicatorLine:
    position: int
    name: str
    unit: str
    kind: str
    weight: str
    baseline: str
    targets: tuple[str, ...]  # one per year of the plan, as written ("" where none)


@dataclass(frozen=True)
class ObjectiveBlock:
    code: str
    title: str
    areas: str
    strategic_area: str
    operational_objective: str
    owner: str
    weight: str
    planned_end: str
    indicators: tuple[IndicatorLine, ...]

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The labelled facts shown above the indicators, those with a value."""
        facts = [
            (_("Area strategica / indirizzo DUP"), self.strategic_area),
            (_("Obiettivo operativo"), self.operational_objective),
            (_("Aree"), self.areas),
            (_("Referente"), self.owner),
            (_("Peso"), self.weight),
            (_("Scadenza prevista"), self.planned_end),
        ]
        return [(label, value) for label, value in facts if value]


@dataclass
class AreaBlock:
    name: str
    objectives: list[ObjectiveBlock] = field(default_factory=list)


@dataclass(frozen=True)
class PiaoSection:
    organization_name: str
    plan_code: str
    plan_title: str
    years: tuple[int, ...]
    adoption: str  # "Delibera di Giunta n. 12 del 20/01/2026"
    state: str
    areas: tuple[AreaBlock, ...]
    summary: tuple[ObjectiveBlock, ...]  # every objective once

    @property
    def period(self) -> str:
        return f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])

    @property
    def indicator_count(self) -> int:
        return sum(len(objective.indicators) for objective in self.summary)

    @property
    def legal_basis(self) -> str:
        return _(
            "Sottosezione di programmazione «Performance» del PIAO (art. 6 del D.L. 9 giugno 2021, n. 80; "
            "D.M. 30 giugno 2022, n. 132, art. 3, comma 1, lettera b), predisposta secondo il Capo II del D.Lgs. "
            "27 ottobre 2009, n. 150: gli obiettivi dell'ente e i loro indicatori di efficienza e di efficacia, "
            "con i valori attesi per ciascun anno del triennio, i cui risultati sono rendicontati nella Relazione "
            "sulla Performance."
        )


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")


def build_piao_section(*, plan: Plan) -> PiaoSection:
    """Raises PlanNotAdopted for a draft. Five queries: the organization (with the plan), the objectives with
    their owners, their areas, their indicators with baselines, the targets."""
    if plan.state == PlanState.DRAFT:
        raise PlanNotAdopted(plan.code)
    years = tuple(range(plan.year_start, plan.year_end + 1))
    objectives = list(
        Objective.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related(
            "areas",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("baseline")
                .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year")))
                .order_by("position"),
            ),
        )
        .order_by("programme", "number", "code")
    )
    areas: dict[int | None, AreaBlock] = {}
    order: dict[int | None, int] = {}
    summary = []
    for objective in objectives:
        assigned = sorted(objective.areas.all(), key=lambda area: area.pk)
        block = _objective(objective, assigned, years)
        summary.append(block)
        places: list[Area | None] = list(assigned) or [None]
        for area in places:
            key = area.pk if area else None
            if key not in areas:
                areas[key] = AreaBlock(area.name if area else str(NO_AREA))
                order[key] = area.pk if area else 10**12  # objectives without an area come last
            areas[key].objectives.append(block)
    adoption = plan.adoption_act
    if plan.adopted_on:
        adoption = _("%(act)s del %(date)s") % {"act": adoption, "date": f"{plan.adopted_on:%d/%m/%Y}"}
    return PiaoSection(
        organization_name=plan.organization.name,
        plan_code=plan.code,
        plan_title=plan.title,
        years=years,
        adoption=adoption,
        state=str(plan.get_state_display()),
        areas=tuple(areas[key] for key in sorted(areas, key=lambda key: order[key])),
        summary=tuple(summary),
    )


def _objective(objective: Objective, areas: list[Area], years: tuple[int, ...]) -> ObjectiveBlock:
    return ObjectiveBlock(
        code=objective.code,
        title=objective.title,
        areas=", ".join(area.name for area in areas),
        strategic_area=objective.strategic_area,
        operational_objective=objective.operational_objective,
        owner=person_name(objective.owner),
        weight=_number(objective.weight),
        planned_end=f"{objective.planned_end:%d/%m/%Y}" if objective.planned_end else "",
        indicators=tuple(_indicator(indicator, years) for indicator in objective.indicators.all()),
    )


def _indicator(indicator: Indicator, years: tuple[int, ...]) -> IndicatorLine:
    targets = {target.year: target.raw for target in indicator.targets.all()}
    baseline = baseline_of(indicator)
    baseline_text = ""
    if baseline is not None:
        baseline_text = f"{baseline.raw} ({baseline.year})" if baseline.year else baseline.raw
    return IndicatorLine(
        position=indicator.position,
        name=indicator.name,
        unit=indicator.unit,
        kind=indicator.indicator_type,
        weight=_number(indicator.weight),
        baseline=baseline_text,
        targets=tuple(targets.get(year, "") for year in years),
    )
