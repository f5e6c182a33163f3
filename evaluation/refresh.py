"""The daily refresh of the score snapshots: only the plans whose scores may have changed are recomputed.

What changed is read from the audit trail (workflow.AuditEntry), organization by organization, from the place
in the organization's chain the last run reached (`ScoreWatermark.seq`) to its head now. The chain's `seq`
follows the order in which transactions committed (workflow/trail/chain.py), so a transaction that commits
while a run reads is never skipped: its rows get a `seq` beyond the head the run read, and the next run finds
them. (The trail's ids follow the order of inserts: a long transaction may commit rows with ids lower than
rows already read, which is why the watermark is not an id.)

Each changed row names its subject (label and id) and, for an insert or a deletion, all its columns: the
subject's plan is found from the row as it is now (one query per kind of subject, however many rows) and, for
a deleted or moved row, from the parent its `before`/`after` names (one more query). Then:

- a measurement or a target makes its plan's year stale (the years before and after, if it moved);
- an objective, activity, indicator, area link or area, or the plan itself, makes every year of the plan
  stale (from its first year to the current one);
- an organization's measurement system (or one of its behaviours) for a year makes the organization's plans
  of that year stale, and its separation policy (whether values need confirming) all its plans.

A first run for an organization (no watermark) computes all its plans of the current year. Without the trail
(SQLite) every run computes every plan of the current year. A run writes the snapshots first and the
watermarks last: a run that dies is repeated whole by the next one, and a run repeated computes the same
snapshots again. Two runs at once on PostgreSQL: the second finds the first's lock and does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, OuterRef, Subquery
from django.utils import timezone

from evaluation.models import Behaviour, MeasurementSystem, ScoreSnapshot, ScoreWatermark
from evaluation.scores import as_json, below_target, plan_scores
from evaluation.selectors import system_for
from plans.models import (
    Activity,
    Area,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    Organization,
    Plan,
)

logger = logging.getLogger(__name__)

CHUNK = 5000  # ids per `IN (...)` of the mapping queries
TRAIL_BATCH = 2000  # trail rows fetched at a time
PLAN_BATCH = 100  # plans loaded at a time for the recomputation
LOCK = (1416, 1)  # pg_try_advisory_lock key: one run at a time
CENT = Decimal("0.01")
ALL_YEARS = None  # in a stale plan's years: every year of the plan up to the current one


@dataclass(frozen=True)
class Subject:
    """A kind of trail subject that scores depend on, and how to reach its plan."""

    model: type[Model]
    to_plan: str  # lookup from the model to its plan's id
    parent_key: str = ""  # the column naming its parent, as the trail's before/after write it
    parent: type[Model] | None = None
    parent_to_plan: str = ""
    yearly: bool = False  # a measurement or target: only its year is stale


_OBJECTIVE_LINK = Objective.areas.through
_VIA_INDICATOR = "indicator__objective__plan_id"
PLAN_SUBJECTS = {
    subject.model._meta.label_lower: subject
    for subject in (
        Subject(Plan, "pk"),
        Subject(Objective, "plan_id", "plan_id", Plan, "pk"),
        Subject(_OBJECTIVE_LINK, "objective__plan_id", "objective_id", Objective, "plan_id"),
        Subject(Activity, "objective__plan_id", "objective_id", Objective, "plan_id"),
        Subject(Indicator, "objective__plan_id", "objective_id", Objective, "plan_id"),
        Subject(IndicatorTarget, _VIA_INDICATOR, "indicator_id", Indicator, "objective__plan_id", yearly=True),
        Subject(Measurement, _VIA_INDICATOR, "indicator_id", Indicator, "objective__plan_id", yearly=True),
        # What relative targets are measured against: every year's scores may move with them.
        Subject(IndicatorBaseline, _VIA_INDICATOR, "indicator_id", Indicator, "objective__plan_id"),
        Subject(HistoricalValue, _VIA_INDICATOR, "indicator_id", Indicator, "objective__plan_id"),
    )
}
AREA = Area._meta.label_lower
SYSTEM = MeasurementSystem._meta.label_lower
BEHAVIOUR = Behaviour._meta.label_lower
SEPARATION = "workflow.separationpolicy"
LABELS = [*PLAN_SUBJECTS, AREA, SYSTEM, BEHAVIOUR, SEPARATION]


@dataclass
class Outcome:
    plans: int = 0  # plans recomputed
    snapshots: int = 0  # (plan, year) snapshots written
    changes: int = 0  # trail rows read
    first_run: int = 0  # organizations computed whole, having no watermark
    skipped: bool = False  # another run held the lock
    failed: set[int] = field(default_factory=set)  # organizations with a plan that could not be scored

    def as_dict(self) -> dict[str, int]:
        return {
            "plans": self.plans,
            "snapshots": self.snapshots,
            "changes": self.changes,
            "first_run": self.first_run,
            "skipped": int(self.skipped),
            "failed": len(self.failed),
        }


@dataclass
class Stale:
    """What must be recomputed: plans with their years (ALL_YEARS: every year), and organizations with a year
    (ALL_YEARS: every year), which `resolve_organizations` turns into their plans."""

    year: int
    plans: dict[int, set[int | None]] = field(default_factory=lambda: defaultdict(set))
    organization_years: set[tuple[int, int | None]] = field(default_factory=set)  # year None: every year

    def add(self, plan_id: int | None, year: int | None = ALL_YEARS) -> None:
        if plan_id is not None:
            self.plans[plan_id].add(year)

    def add_organization(self, organization_id: int | None, year: int | None = ALL_YEARS) -> None:
        if organization_id is not None:
            self.organization_years.add((organization_id, year))

    def resolve_organizations(self) -> None:
        """The organizations' plans that cover the stale years."""
        wanted: dict[int, set[int | None]] = defaultdict(set)
        for organization_id, year in self.organization_years:
            wanted[organization_id].add(year)
        for chunk in _chunks(wanted):
            rows = Plan.objects.filter(organization_id__in=chunk).values_list(
                "pk", "organization_id", "year_start", "year_end"
            )
            for plan_id, organization_id, first, last in rows.iterator(chunk_size=CHUNK):
                for year in wanted[organization_id]:
                    if year is ALL_YEARS or first <= year <= last:
                        self.add(plan_id, year)
        self.organization_years.clear()

    def years_of(self, plan: Plan) -> list[int]:
        """The plan's stale years, within the years it covers (every one up to the current year for
        ALL_YEARS)."""
        stale = self.plans.get(plan.pk, set())
        years = {year for year in stale if year is not None and plan.year_start <= year <= plan.year_end}
        if ALL_YEARS in stale:
            years |= set(range(plan.year_start, min(plan.year_end, self.year) + 1))
        return sorted(years)


# ----------------------------------------------------------------------------------------- reading the trail


@dataclass
class Changes:
    """The subjects the trail names, per label: their ids, and the parents (with years) their rows name."""

    ids: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    parents: dict[str, set[tuple[int, int | None]]] = field(default_factory=lambda: defaultdict(set))
    years: dict[str, dict[int, set[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    rows: int = 0

    def add(self, label: str, subject_id: int, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        self.rows += 1
        self.ids[label].add(subject_id)
        key = _parent_key(label)
        for columns in (before, after):
            if not columns:
                continue
            year = _int(columns.get("year"))
            parent = _int(columns.get(key)) if key else None
            if parent is not None:
                self.parents[label].add((parent, year))
            elif year is not None:  # a change of year alone: the old year and the new one are both stale
                self.years[label][subject_id].add(year)


def _parent_key(label: str) -> str:
    if label in PLAN_SUBJECTS:
        return PLAN_SUBJECTS[label].parent_key
    return {AREA: "organization_id", SYSTEM: "organization_id", BEHAVIOUR: "system_id", SEPARATION: "organization_id"}[
        label
    ]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def chain_heads() -> dict[int, int]:
    """Every organization's place at the head of its audit chain now (0 for an empty chain)."""
    from workflow.models import AuditEntry

    head = AuditEntry.objects.filter(organization=OuterRef("pk"), seq__isnull=False).order_by("-seq").values("seq")
    rows = Organization.objects.annotate(head=Subquery(head[:1])).values_list("pk", "head")
    return {organization_id: seq or 0 for organization_id, seq in rows}


def read_changes(changes: Changes, organization_id: int, after_seq: int, upto_seq: int) -> None:
    """The organization's trail rows about scored subjects, after `after_seq` up to `upto_seq`."""
    from workflow.models import AuditEntry

    rows = (
        AuditEntry.objects.filter(
            organization_id=organization_id, seq__gt=after_seq, seq__lte=upto_seq, subject__in=LABELS
        )
        .order_by()
        .values_list("subject", "subject_id", "before", "after")
    )
    for label, subject_id, before, after in rows.iterator(chunk_size=TRAIL_BATCH):
        if subject_id is not None:  # data rows always name one (a check constraint)
            changes.add(label, subject_id, before, after)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def map_changes(changes: Changes, stale: Stale) -> None:
    """The plans (and years) and organizations the changed subjects belong to: a query or two per kind."""
    for label, subject in PLAN_SUBJECTS.items():
        moved_years = changes.years.get(label, {})
        for chunk in _chunks(changes.ids.get(label, ())):
            living = subject.model._default_manager.filter(pk__in=chunk)
            if subject.yearly:
                for pk, plan_id, year in living.values_list("pk", subject.to_plan, "year"):
                    stale.add(plan_id, year)
                    for other in moved_years.get(pk, ()):
                        stale.add(plan_id, other)
            else:
                for plan_id in living.values_list(subject.to_plan, flat=True).distinct():
                    stale.add(plan_id)
        parents: dict[int, set[int | None]] = defaultdict(set)
        for parent_id, year in changes.parents.get(label, ()):
            parents[parent_id].add(year if subject.yearly else ALL_YEARS)
        if subject.parent is Plan:
            for plan_id, years in parents.items():
                for year in years:
                    stale.add(plan_id, year)
        elif subject.parent is not None:
            for chunk in _chunks(parents):
                found = subject.parent._default_manager.filter(pk__in=chunk).values_list("pk", subject.parent_to_plan)
                for parent_id, plan_id in found:
                    for year in parents[parent_id]:
                        stale.add(plan_id, year)
    # An area's name is in its plans' scores: the plans of the objectives linked to it (a link removed is a row
    # of its own, above).
    for chunk in _chunks(changes.ids.get(AREA, ())):
        for plan_id in (
            _OBJECTIVE_LINK.objects.filter(area_id__in=chunk).values_list("objective__plan_id", flat=True).distinct()
        ):
            stale.add(plan_id)
    # The measurement system of a year, and its behaviours: the organization's plans of that year (both years,
    # if a system's year changed).
    system_ids = set(changes.ids.get(SYSTEM, ()))
    for chunk in _chunks(changes.ids.get(BEHAVIOUR, ())):
        system_ids |= set(Behaviour.objects.filter(pk__in=chunk).values_list("system_id", flat=True))
    system_ids |= {system_id for system_id, _ in changes.parents.get(BEHAVIOUR, ())}
    moved_years = changes.years.get(SYSTEM, {})
    for chunk in _chunks(system_ids):
        for pk, organization_id, year in MeasurementSystem.objects.filter(pk__in=chunk).values_list(
            "pk", "organization_id", "year"
        ):
            for stale_year in {year, *moved_years.get(pk, ())}:
                stale.add_organization(organization_id, stale_year)
    for organization_id, year in changes.parents.get(SYSTEM, ()):
        stale.add_organization(organization_id, year)
    # Whether values need confirming decides which value counts: every plan of the organization.
    for organization_id, _ in changes.parents.get(SEPARATION, ()):
        stale.add_organization(organization_id)
    if changes.ids.get(SEPARATION):
        from workflow.models import SeparationPolicy

        for organization_id in SeparationPolicy.objects.filter(pk__in=changes.ids[SEPARATION]).values_list(
            "organization_id", flat=True
        ):
            stale.add_organization(organization_id)


# ------------------------------------------------------------------------------------------- recomputing


def recompute(stale: Stale, trail_seq: dict[int, int], failed: set[int] | None = None) -> tuple[int, int]:
    """Compute and store the stale plans' snapshots, a batch of plans at a time; (plans, snapshots). A plan that
    cannot be scored (data no check caught) is logged and its organization added to `failed`: the others go on,
    and that organization's watermark stays where it was, so the next run tries again."""
    from workflow.separation import separation_policy

    systems: dict[tuple[int, int], MeasurementSystem] = {}
    confirms: dict[int, bool] = {}
    failed = failed if failed is not None else set()
    plans = snapshots = 0
    for chunk in _chunks(stale.plans):
        for plan in Plan.objects.filter(pk__in=chunk).order_by("pk"):
            organization_id = plan.organization_id
            if organization_id not in confirms:
                confirms[organization_id] = separation_policy(organization_id).measurements_need_confirmation
            try:
                with transaction.atomic():
                    written = _store(plan, stale, systems, confirms[organization_id], trail_seq.get(organization_id))
            except Exception:
                logger.exception("the scores of plan %s could not be computed", plan.pk)
                failed.add(organization_id)
                continue
            plans += 1
            snapshots += written
    return plans, snapshots


def _store(
    plan: Plan,
    stale: Stale,
    systems: dict[tuple[int, int], MeasurementSystem],
    confirms: bool,
    seq: int | None,
) -> int:
    """Compute and upsert one plan's snapshots for its stale years; how many."""
    organization_id = plan.organization_id
    rows = []
    for year in stale.years_of(plan):
        key = (organization_id, year)
        if key not in systems:
            systems[key] = system_for(organization_id, year)
        scores = plan_scores(plan, year, system=systems[key], confirms=confirms)
        body = scores.body.score
        rows.append(
            ScoreSnapshot(
                plan=plan,
                year=year,
                computed_at=timezone.now(),
                trail_seq=seq,
                body_score=None if body is None else body.quantize(CENT),
                body_level=scores.body.level,
                data=as_json(scores),
                below_target=below_target(scores),
            )
        )
    if ALL_YEARS in stale.plans.get(plan.pk, ()):  # years the plan no longer covers
        ScoreSnapshot.objects.filter(plan=plan).exclude(year__range=(plan.year_start, plan.year_end)).delete()
    if rows:
        ScoreSnapshot.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["plan", "year"],
            update_fields=["computed_at", "trail_seq", "body_score", "body_level", "data", "below_target"],
        )
    return len(rows)


@contextmanager
def _one_run_at_a_time() -> Iterator[bool]:
    """True when this run holds the lock (a session lock: a worker that dies lets it go with its connection)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK)
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", LOCK)


def refresh_scores(today: dt.date | None = None) -> Outcome:
    """Recompute the snapshots of the plans whose scores may have changed since the last run (see the module's
    documentation)."""
    year = (today or timezone.localdate()).year
    outcome = Outcome()
    stale = Stale(year)
    if connection.vendor != "postgresql":  # no trail: every plan of the current year
        stale.organization_years = {(pk, year) for pk in Organization.objects.values_list("pk", flat=True)}
        stale.resolve_organizations()
        outcome.plans, outcome.snapshots = recompute(stale, {}, outcome.failed)
        return outcome
    with _one_run_at_a_time() as held:
        if not held:
            outcome.skipped = True
            return outcome
        heads = chain_heads()
        marks = dict(ScoreWatermark.objects.values_list("organization_id", "seq"))
        changes = Changes()
        for organization_id, head in heads.items():
            if organization_id not in marks:
                outcome.first_run += 1
                stale.add_organization(organization_id, year)
            elif head > marks[organization_id]:
                read_changes(changes, organization_id, marks[organization_id], head)
        outcome.changes = changes.rows
        map_changes(changes, stale)
        stale.resolve_organizations()
        outcome.plans, outcome.snapshots = recompute(stale, heads, outcome.failed)
        moved = {pk: head for pk, head in heads.items() if marks.get(pk) != head and pk not in outcome.failed}
        with transaction.atomic():
            ScoreWatermark.objects.bulk_create(
                [ScoreWatermark(organization_id=pk, seq=head) for pk, head in moved.items()],
                update_conflicts=True,
                unique_fields=["organization"],
                update_fields=["seq", "updated_at"],
            )
    logger.info("score snapshots refreshed: %s", outcome.as_dict())
    return outcome
