"""Next year's plan from a closed one, in one action (the director's): `plan_rollover`.

From a closed (or validated) plan of years N..M, a draft of years N+1..M+1 (the same span, shifted by a year):
- its objectives with their texts, areas, weights (with the text the document gave), owners and tree (parent
  links); not their budget, which is the new year's, nor their state: they start programmato. Their planned
  dates, where the plan had them, move on by a year;
- their indicators with name, unit, direction, weight and note, and the three-year targets of the years the new
  plan covers: the target of N+1 becomes the first year's, N+2 the second's, each copied as written and as
  parsed (never typed again), with its normative source; a year the old plan did not cover has no target until
  the director sets one;
- each indicator's historical values, and its baseline: the one it had, as written (the carried targets were
  stated against it, and a new baseline would change what "+30% rispetto alla baseline" means); an indicator
  without one gets its latest actual value of year N, with that year and a source that names the plan it
  comes from;
- the activities not concluded that the director chooses (or all of them), each linked to the one it carries
  over (`Activity.carried_over_from`): its code, description, owner and external bodies, its planned time as
  written, read again in the new first year ("Dicembre" is December N+1) unless its deadline already falls after
  year N (postponed or spilled over: the deadline stands). A started activity stays started; the others start
  programmato.

Everything is written in one transaction inside `recorded_as`, so the audit trail has every new row with who
made it and the plan it comes from; the new plan names its origin (`Plan.rolled_over_from`, one-to-one: a plan
is rolled over once, which the database enforces even against two requests at the same time).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from plans.models import (
    OPEN_STATES,
    Activity,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    Plan,
    PlanState,
    WorkState,
)
from plans.models.activity import time_columns
from plans.parsing import parse_time
from plans.rules import InIds, roles_of, visible_plans
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.trail.context import Source, recorded_as

ROLLOVER_STATES: tuple[str, ...] = (PlanState.CLOSED, PlanState.VALIDATED)
ALL_OPEN: Literal["all_open"] = "all_open"
# The open activities a preview lists one by one; the others are carried over all together (ALL_OPEN).
OPEN_SHOWN = 200
CarryOver = Collection[int] | Literal["all_open"]

_CODE_CHARS = Plan._meta.get_field("code").max_length or 60
_TITLE_CHARS = Plan._meta.get_field("title").max_length or 300
_OBJECTIVE_FIELDS = (
    "code",
    "programme",
    "number",
    "title",
    "typology",
    "classification",
    "description",
    "strategic_area",
    "operational_objective",
    "peg_project",
    "services",
    "end_users",
    "networks",
    "weight",
    "weight_raw",
    "owner_id",
)
_INDICATOR_FIELDS = (
    "position",
    "name",
    "description",
    "indicator_type",
    "unit",
    "direction",
    "weight",
    "weight_raw",
    "note",
)
_VALUE_FIELDS = ("raw", "kind", "operator", "value", "numerator", "denominator", "date_value", "boolean", "parsed")
_PLANNED_FIELDS = tuple(time_columns("planned", parse_time("", year=2000)))


@dataclass(frozen=True)
class RolloverPreview:
    """What a rollover of `plan` would create: shown on the page before the director confirms."""

    plan: Plan
    code: str
    title: str
    year_start: int
    year_end: int
    objectives: int
    indicators: int
    targets: int
    indicators_without_first_target: int
    # What may be carried over: all of them (not read until asked: a large plan has thousands), how many, and the
    # first OPEN_SHOWN of them in the plan's order, which the page lists one by one.
    open_activities: QuerySet[Activity]
    open_count: int
    first_open: list[Activity]


def next_code(code: str, first: int, last: int | None = None) -> str:
    """ "PEG-2019" → "PEG-2020", "PIAO 2024-2026" → "PIAO 2025-2027": the years of the plan's span that the code
    names move on by one; a code that names none gets the new first year appended."""
    return _next_text(code, first, last or first, separator="-")


def next_title(title: str, first: int, last: int | None = None) -> str:
    return _next_text(title, first, last or first, separator=" ")


def _next_text(text: str, first: int, last: int, *, separator: str) -> str:
    def shifted(match: re.Match[str]) -> str:
        year = int(match.group())
        return str(year + 1) if first <= year <= last else match.group()

    moved = re.sub(r"(?<!\d)\d{4}(?!\d)", shifted, text)
    return moved if moved != text else f"{text}{separator}{first + 1}"


def open_activities(plan: Plan) -> QuerySet[Activity]:
    """The activities of `plan` not concluded, in the plan's order: what may be carried over."""
    return (
        Activity.objects.filter(objective__plan=plan, state__in=OPEN_STATES)
        .select_related("objective", "owner")
        .order_by("objective__code", "position")
    )


def _count(rows: QuerySet[Any], group: str) -> Subquery:
    return Subquery(rows.order_by().values(group).annotate(n=Count("pk")).values("n")[:1])


def rollover_preview(plan: Plan) -> RolloverPreview:
    """In four queries, whatever the plan's size."""
    first, last = plan.year_start + 1, plan.year_end + 1
    # Both counts in one query, each an indexed count of its own (a join of the two would count every pair).
    open_ones = Activity.objects.filter(objective__plan=OuterRef("pk"), state__in=OPEN_STATES)
    counts = (
        Plan.objects.filter(pk=plan.pk)
        .values(
            objective_count=Coalesce(_count(Objective.objects.filter(plan=OuterRef("pk")), "plan"), 0),
            open_count=Coalesce(_count(open_ones, "objective__plan"), 0),
        )
        .get()
    )
    # The plan's indicators through its objectives' ids (plans.rules.InIds): joined to the objectives, PostgreSQL
    # read every indicator and every target of the installation (31 and 13 ms at 1,000,000 activities).
    plan_indicators = Indicator.objects.filter(InIds("objective_id", Objective.objects.filter(plan=plan).values("pk")))
    indicators = plan_indicators.aggregate(
        total=Count("pk", distinct=True),
        with_first=Count("pk", filter=Q(targets__year=first), distinct=True),
    )
    targets = IndicatorTarget.objects.filter(
        InIds("indicator_id", plan_indicators.values("pk")), year__range=(first, last)
    ).count()
    return RolloverPreview(
        plan=plan,
        code=next_code(plan.code, plan.year_start, plan.year_end),
        title=next_title(plan.title, plan.year_start, plan.year_end),
        year_start=first,
        year_end=last,
        objectives=counts["objective_count"],
        indicators=indicators["total"],
        targets=targets,
        indicators_without_first_target=indicators["total"] - indicators["with_first"],
        open_activities=open_activities(plan),
        open_count=counts["open_count"],
        first_open=list(open_activities(plan)[:OPEN_SHOWN]),
    )


def plan_rollover(
    *,
    actor: Any,
    plan: Plan,
    code: str,
    title: str,
    carry_over_activities: CarryOver = (),
    source: Source = Source.WEB,
) -> Plan:
    """A draft for the year after `plan` (closed or validated), by the body's director; see the module."""
    _see(actor, plan)
    if plan.organization_id not in roles_of(actor).director_of:
        raise NotAllowed(_("Il piano dell'anno successivo lo crea il direttore dell'ente."))
    code, title = code.strip(), title.strip()
    problems = _check_names(plan, code, title)
    if problems:
        raise InvalidInput(_("Il nuovo piano non è stato creato: correggi i campi indicati."), fields=problems)
    comment = _("Piano dell'anno successivo creato da «%(code)s»") % {"code": plan.code}
    try:
        with transaction.atomic(), recorded_as(source, user=actor, comment=comment):
            locked = Plan.objects.select_for_update().get(pk=plan.pk)
            _check_state(locked)
            chosen = _chosen_activities(locked, carry_over_activities)
            return _Copier(locked, code, title).write(chosen)
    except IntegrityError as error:
        # Another request rolled the plan over, or took the code, between the checks and the insert.
        raise Conflict(
            _("Il piano «%(code)s» è appena stato riportato all'anno successivo da un'altra richiesta.")
            % {"code": plan.code},
            code="already_rolled_over",
        ) from error


def _see(actor: Any, plan: Plan) -> None:
    if not visible_plans(actor).filter(pk=plan.pk).exists():
        raise NotVisible(_("Piano non trovato."))


def _check_names(plan: Plan, code: str, title: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not code or len(code) > _CODE_CHARS or "\x00" in code:
        problems["code"] = [
            _("Indica il codice del nuovo piano (al più %(n)s caratteri), ad esempio «%(example)s».")
            % {"n": _CODE_CHARS, "example": next_code(plan.code, plan.year_start, plan.year_end)}
        ]
    elif Plan.objects.filter(organization_id=plan.organization_id, code=code).exists():
        problems["code"] = [_("L'ente ha già un piano con il codice «%(code)s»: scegline un altro.") % {"code": code}]
    if not title or len(title) > _TITLE_CHARS or "\x00" in title:
        problems["title"] = [_("Indica il titolo del nuovo piano (al più %(n)s caratteri).") % {"n": _TITLE_CHARS}]
    return problems


def _check_state(plan: Plan) -> None:
    if plan.state not in ROLLOVER_STATES:
        raise Conflict(
            _(
                "Il piano è «%(state)s»: il piano dell'anno successivo si crea da un piano chiuso o validato. "
                "Chiudi prima il piano."
            )
            % {"state": plan.get_state_display()},
            code="plan_not_closed",
        )
    successor = Plan.objects.filter(rolled_over_from=plan).only("code").first()
    if successor is not None:
        raise Conflict(
            _("Dal piano «%(code)s» è già stato creato il piano dell'anno successivo, «%(next)s».")
            % {"code": plan.code, "next": successor.code},
            code="already_rolled_over",
        )


def _chosen_activities(plan: Plan, carry_over: CarryOver) -> list[Activity]:
    candidates = open_activities(plan)
    if carry_over == ALL_OPEN:
        return list(candidates)
    wanted = set(carry_over)
    chosen = list(candidates.filter(pk__in=wanted))
    unknown = wanted - {activity.pk for activity in chosen}
    if unknown:
        raise InvalidInput(
            _(
                "Il nuovo piano non è stato creato: si riportano solo le attività non concluse di questo piano "
                "(%(count)d scelte non lo sono)."
            )
            % {"count": len(unknown)},
            fields={"activities": [_("Scegli solo attività non concluse del piano «%(code)s».") % {"code": plan.code}]},
        )
    return chosen


def _next_year(day: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class _Copier:
    """Writes the new plan and its parts in bulk: a constant number of statements per kind of row."""

    def __init__(self, plan: Plan, code: str, title: str) -> None:
        self.old = plan
        self.code = code
        self.title = title
        self.first_year = plan.year_start + 1

    def write(self, activities: list[Activity]) -> Plan:
        new = Plan.objects.create(
            organization_id=self.old.organization_id,
            code=self.code,
            kind=self.old.kind,
            title=self.title,
            year_start=self.first_year,
            year_end=self.old.year_end + 1,
            source=_("Creato dal piano «%(code)s» (%(first)d–%(last)d) per l'anno successivo.")
            % {"code": self.old.code, "first": self.old.year_start, "last": self.old.year_end},
            rolled_over_from=self.old,
        )
        objectives = self._objectives(new)
        indicators = self._indicators(objectives)
        self._targets(indicators, new)
        self._baselines(indicators)
        self._history(indicators)
        self._activities(activities, objectives)
        return new

    def _objectives(self, new: Plan) -> dict[int, Objective]:
        old_objectives = list(self.old.objectives.order_by("pk").prefetch_related("areas"))
        copies = {
            objective.pk: Objective(
                plan=new,
                planned_start=_next_year(objective.planned_start),
                planned_end=_next_year(objective.planned_end),
                **{field: getattr(objective, field) for field in _OBJECTIVE_FIELDS},
            )
            for objective in old_objectives
        }
        Objective.objects.bulk_create(copies.values())
        with_parent = []
        for objective in old_objectives:
            if objective.parent_id is not None:
                copies[objective.pk].parent_id = copies[objective.parent_id].pk
                with_parent.append(copies[objective.pk])
        Objective.objects.bulk_update(with_parent, ["parent"])
        through = Objective.areas.through
        through.objects.bulk_create(
            through(objective_id=copies[objective.pk].pk, area_id=area.pk)
            for objective in old_objectives
            for area in objective.areas.all()
        )
        return copies

    def _indicators(self, objectives: dict[int, Objective]) -> dict[int, Indicator]:
        old_indicators = list(Indicator.objects.filter(objective__plan=self.old).order_by("pk"))
        copies = {
            indicator.pk: Indicator(
                objective=objectives[indicator.objective_id],
                **{field: getattr(indicator, field) for field in _INDICATOR_FIELDS},
            )
            for indicator in old_indicators
        }
        Indicator.objects.bulk_create(copies.values())
        return copies

    def _targets(self, indicators: dict[int, Indicator], new: Plan) -> None:
        targets = IndicatorTarget.objects.filter(
            indicator__objective__plan=self.old, year__range=(new.year_start, new.year_end)
        ).order_by("indicator_id", "year")
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(
                indicator=indicators[target.indicator_id],
                year=target.year,
                source=target.source,
                **{field: getattr(target, field) for field in _VALUE_FIELDS},
            )
            for target in targets
        )

    def _baselines(self, indicators: dict[int, Indicator]) -> None:
        year = self.old.year_start
        existing = {
            baseline.indicator_id: baseline
            for baseline in IndicatorBaseline.objects.filter(indicator__objective__plan=self.old)
        }
        # The latest actual value of year N of each indicator without a baseline: ordered so that the last one
        # read for an indicator is its latest (the model's order: measured on, then recorded at).
        latest: dict[int, Measurement] = {}
        measurements = Measurement.objects.filter(
            indicator__objective__plan=self.old, year=year, indicator__baseline__isnull=True
        ).order_by("indicator_id", "measured_on", "recorded_at", "pk")
        for measurement in measurements:
            latest[measurement.indicator_id] = measurement
        rows = []
        for old_id, indicator in indicators.items():
            baseline = existing.get(old_id)
            if baseline is not None:
                values = {field: getattr(baseline, field) for field in _VALUE_FIELDS}
                rows.append(
                    IndicatorBaseline(indicator=indicator, year=baseline.year, source=baseline.source, **values)
                )
            elif old_id in latest:
                values = {field: getattr(latest[old_id], field) for field in _VALUE_FIELDS}
                source = _("Valore consuntivo %(year)d del piano «%(code)s»") % {"year": year, "code": self.old.code}
                rows.append(IndicatorBaseline(indicator=indicator, year=year, source=source, **values))
        IndicatorBaseline.objects.bulk_create(rows)

    def _history(self, indicators: dict[int, Indicator]) -> None:
        """Each indicator's historical values, as written: the years before the plan stay what they were."""
        values = HistoricalValue.objects.filter(indicator__objective__plan=self.old).order_by("indicator_id", "year")
        HistoricalValue.objects.bulk_create(
            HistoricalValue(
                indicator=indicators[value.indicator_id],
                year=value.year,
                source=value.source,
                **{field: getattr(value, field) for field in _VALUE_FIELDS},
            )
            for value in values
            if value.indicator_id in indicators
        )

    def _activities(self, activities: list[Activity], objectives: dict[int, Objective]) -> None:
        positions: dict[int, int] = {}
        rows = []
        for activity in activities:
            objective = objectives[activity.objective_id]
            positions[objective.pk] = positions.get(objective.pk, 0) + 1
            rows.append(
                Activity(
                    objective=objective,
                    position=positions[objective.pk],
                    code=activity.code,
                    description=activity.description,
                    owner_id=activity.owner_id,
                    external_bodies=activity.external_bodies,
                    state=WorkState.AVVIATO if activity.state == WorkState.AVVIATO else WorkState.PROGRAMMATO,
                    carried_over_from=activity,
                    **self._planned(activity),
                )
            )
        Activity.objects.bulk_create(rows)

    def _planned(self, activity: Activity) -> dict[str, Any]:
        """The planned time as written; read again in the new first year unless its deadline is already past
        year N (postponed or spilled over), where it stands as it is."""
        if activity.planned_end is not None and activity.planned_end.year > self.old.year_start:
            return {field: getattr(activity, field) for field in _PLANNED_FIELDS}
        return time_columns("planned", parse_time(activity.planned_raw, year=self.first_year))
