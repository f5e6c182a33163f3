"""The Relazione as plain, immutable data: what every renderer reads, free of models and queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Decision:
    """One decision on one step of a request, as the trail records it."""

    step: str  # workflow Step code: "area_head", "director"
    decision: str  # "approved" or "rejected"
    by: str
    on_behalf_of: str  # "" when in one's own right
    on: dt.date
    comment: str


@dataclass(frozen=True)
class WorkflowEvent:
    """A request on an objective or an activity and what became of it: what the workflow knows happened."""

    transition: str  # TransitionName code: "avvia", "concludi", "rinvia", "riprendi", "riapri"
    status: str  # TransitionRequest status: "approved", "rejected", "pending", "withdrawn"
    requested_on: dt.date
    requested_by: str
    reason: str
    comment: str
    new_planned_end: dt.date | None
    actual_end: dt.date | None
    decisions: tuple[Decision, ...]
    closed_on: dt.date | None
    # A rimodulazione: what it changes, (what, before, after) per line, and the act that approved it.
    changes: tuple[tuple[str, str, str], ...] = ()
    act: str = ""


@dataclass(frozen=True)
class ActivityRow:
    position: int
    description: str
    planned: str  # "Tempi", as written
    actual: str  # "Consuntivo", as written
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    state: str  # at the date the report was prepared
    events: tuple[WorkflowEvent, ...] = ()  # the year's requests, oldest first
    # Where the imported Consuntivo text and the workflow's facts disagree, what the disagreement is ("" if none).
    discrepancy: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    position: int
    name: str
    description: str
    unit: str
    direction: str
    expected: str  # valore atteso of the year, as written
    actual: str  # latest valore consuntivo of the year, as written
    measured_on: dt.date | None
    percent: Decimal | None
    light: str | None
    level: str = ""  # plans.achievement.Level value
    score: Decimal | None = None  # within the rule's cap: what the objective's level rolls up
    explanation: str = ""  # plans.scoring: which values, which rule
    target_id: int | None = None
    motivation: str = ""  # the area head's motivation, where the target was missed
    recorded_by: str = ""
    awaiting_confirmation: int = 0  # later values of the year not yet confirmed, where the body confirms them


@dataclass(frozen=True)
class ReportText:
    date: dt.date
    text: str


@dataclass(frozen=True)
class ObjectiveSection:
    code: str
    number: int | None
    programme: str
    title: str
    state: str
    area_codes: tuple[str, ...]
    strategic_area: str
    operational_objective: str
    peg_project: str
    services: str
    end_users: str
    networks: str
    description: str
    activities: tuple[ActivityRow, ...]
    indicators: tuple[IndicatorRow, ...]
    reports: tuple[ReportText, ...]
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None
    events: tuple[WorkflowEvent, ...] = ()
    budget_income: Decimal | None = None
    budget_expense: Decimal | None = None
    level: str = ""  # plans.achievement.Level value


@dataclass(frozen=True)
class AreaSection:
    code: str  # "" for the objectives without an area
    name: str
    objectives: tuple[ObjectiveSection, ...]


@dataclass(frozen=True)
class Chapter:
    """A chapter the director writes (presentation, context, process); `text` "" when not written yet."""

    kind: str  # RelazioneChapter.Kind value
    text: str
    written_by: str
    written_on: dt.date | None


@dataclass(frozen=True)
class LevelCounts:
    """How many objectives (or indicators) reached each level, for an area or the body."""

    label: str  # the area's name, or the body's
    reached: int
    partial: int
    missed: int
    not_measurable: int

    @property
    def total(self) -> int:
        return self.reached + self.partial + self.missed + self.not_measurable


@dataclass(frozen=True)
class StateCounts:
    programmato: int
    avviato: int
    concluso: int
    rinviato: int

    @property
    def total(self) -> int:
        return self.programmato + self.avviato + self.concluso + self.rinviato


@dataclass(frozen=True)
class Summary:
    objectives: StateCounts
    activities: StateCounts
    activities_late: int  # concluded after their deadline, or open past it at the report's date
    postponements: int  # approved postponements of the year
    objective_levels: LevelCounts
    indicator_levels: LevelCounts


@dataclass(frozen=True)
class BudgetLine:
    label: str  # "OB-1 – title" for an objective, the area's name for an area
    income: Decimal | None
    expense: Decimal | None


@dataclass(frozen=True)
class Budget:
    objectives: tuple[BudgetLine, ...]  # objectives with a budget, in report order
    areas: tuple[BudgetLine, ...]  # per area: the sum of its objectives (a shared objective under each)
    total: BudgetLine  # the body: each objective once


@dataclass(frozen=True)
class Change:
    """A line of the annex of changes: a postponement, rejection, reopening or change of target."""

    kind: str  # "rinvio", "rifiuto", "riapertura", "ripresa", "target", "rimodulazione"
    subject: str  # "Obiettivo 3" or "Attività 2 – description"
    on: dt.date
    status: str  # request status, "" for a target change
    motivation: str
    new_planned_end: dt.date | None
    before: str  # a target change: the value before
    after: str
    requested_by: str
    decisions: tuple[Decision, ...]
    lines: tuple[tuple[str, str, str], ...] = ()  # a rimodulazione: (what, before, after)
    act: str = ""  # a rimodulazione: the act that approved it, with its date


@dataclass(frozen=True)
class Deviation:
    """An objective or an indicator that missed its target, with the motivation given (or none)."""

    subject: str
    expected: str
    actual: str
    level: str
    motivation: str


@dataclass(frozen=True)
class AnnexObjective:
    heading: str  # "Obiettivo 3 – title"
    changes: tuple[Change, ...]
    deviations: tuple[Deviation, ...]


@dataclass(frozen=True)
class AnnexArea:
    heading: str
    objectives: tuple[AnnexObjective, ...]


@dataclass(frozen=True)
class ScoreLine:
    """A score of the year under the body's measurement system (evaluation.scores): the body's, an area's or an
    objective's, with the band's words and symbol and its explanation."""

    label: str  # the body's name, the area's, or "code – title" for an objective
    score: Decimal | None  # None: not measurable
    level: str  # plans.scoring.Level value
    band: str  # the system's label of the level ("raggiunto", ...)
    symbol: str
    explanation: str
    weight: Decimal | None = None  # an objective's weight in its area and the body


@dataclass(frozen=True)
class Scores:
    """The scores section of the performance chapter."""

    rule: str  # the year's measurement system in one sentence
    body: ScoreLine
    areas: tuple[ScoreLine, ...]  # in the order of the report's areas
    objectives: tuple[ScoreLine, ...]  # each once, in report order


@dataclass(frozen=True)
class CriterionFinding:
    """The OIV's finding on one criterion of the validation checklist."""

    title: str
    guidance: str
    result: str  # workflow.models.ValidationCheck.Result value
    result_label: str  # "soddisfatto", ...
    note: str


@dataclass(frozen=True)
class ValidationSection:
    """The OIV's recorded validation of the Relazione (workflow.models.Validation), as the Relazione's validation
    chapter and the validation document show it."""

    organization_name: str
    plan_code: str
    plan_title: str
    year: int
    outcome: str  # workflow.models.Outcome value
    outcome_label: str  # "validata con osservazioni"
    recorded_on: dt.date | None
    auditor: str
    findings: tuple[CriterionFinding, ...]
    observations: str
    motivation: str  # why not validated

    @property
    def met(self) -> int:
        return sum(1 for finding in self.findings if finding.result == "met")

    @property
    def partial(self) -> int:
        return sum(1 for finding in self.findings if finding.result == "partial")

    @property
    def not_met(self) -> int:
        return sum(1 for finding in self.findings if finding.result == "not_met")


@dataclass(frozen=True)
class Relazione:
    organization_slug: str
    organization_name: str
    plan_code: str
    plan_title: str
    year: int
    areas: tuple[AreaSection, ...]
    objectives: tuple[ObjectiveSection, ...]  # each once, in report order
    prepared_on: dt.date | None = None
    chapters: tuple[Chapter, ...] = ()  # presentation, context, process: always all three, in that order
    summary: Summary | None = None
    performance: tuple[LevelCounts, ...] = ()  # per area, then the body as a whole last
    budget: Budget | None = None
    annex: tuple[AnnexArea, ...] = ()  # changes and deviations, areas with none left out
    scores: Scores | None = None  # the year's scores (evaluation.scores), in the performance chapter
    validation: ValidationSection | None = None  # the OIV's latest recorded validation of the year, if any

    def chapter(self, kind: str) -> Chapter | None:
        return next((chapter for chapter in self.chapters if chapter.kind == kind), None)
