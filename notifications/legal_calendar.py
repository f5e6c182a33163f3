"""The legal calendar of the performance cycle: which deadlines the law sets, when they fall for a body and a
year, whether they are still to be met, and on which days the director and the OIV are reminded.

The deadlines of the cycle of year Y (the defaults, each editable per body in LegalCalendar, and per year in
LegalDeadlineYear where a later law or the body's budget moves it):

- Piano della performance / PIAO, by 31 January of Y: art. 6, c. 1, D.L. 80/2021 (conv. L. 113/2021);
  art. 7, c. 1, D.M. 132/2022; art. 10, c. 1, lett. a), D.Lgs. 150/2009. For local bodies whose budget is
  postponed, 30 days after the budget is approved (art. 8, c. 2, D.M. 132/2022): a LegalDeadlineYear.
- Intermediate monitoring, by 31 July of Y: art. 6 D.Lgs. 150/2009 sets the duty but no day; 31 July is the
  day local bodies check the state of their programmes with the budget balances (art. 193 D.Lgs. 267/2000).
- Relazione sulla performance, by 30 June of Y+1: art. 10, c. 1, lett. b), D.Lgs. 150/2009.
- The OIV's validation of the Relazione, by the same 30 June: art. 10, c. 1, lett. b), and art. 14, c. 4,
  lett. c), D.Lgs. 150/2009 (the Relazione is "validata" by then).
- Publication in Amministrazione trasparente of the validated Relazione, by the same 30 June: art. 10, c. 8,
  lett. b), D.Lgs. 33/2013 and art. 14, c. 4, lett. c), D.Lgs. 150/2009 (the OIV ensures it is published).
  We chose the day of the validation rather than "within 30 days": the law gives no later day, and the
  Funzione Pubblica's portal expects the validated Relazione by 30 June.

Whether a deadline is met is read from the plan's own state (plans.freeze): the plans of year Y are the body's
plans whose first year is Y (a Relazione imported as a plan is not one). The Piano is met once one of them is
adopted; monitoring and the Relazione are due while one is live and met once the year is closed; the
validation once every adopted one is validated; the publication only when the body marks it done. A deadline
with no adopted plan to act on (no monitoring of a plan never adopted) is not due. Any deadline marked done
in its LegalDeadlineYear is met.

Reminders: a reminder `lead` days before the deadline for each of the body's lead days, and one on the day,
each sent on the last Italian working day (the body's patron saint included) on or before its day, so a
deadline on a Sunday is announced on the Friday; two reminders that fall on the same working day are one.
After downtime only the latest reminder that has come is planned: the others are superseded.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _

from notifications.calendar import is_working_day
from notifications.models import LegalCalendar, LegalDeadline, LegalDeadlineYear
from plans.freeze import is_frozen, is_live
from plans.models import Organization, Plan
from plans.models.states import PlanState


@dataclass(frozen=True)
class Rule:
    default_day: str  # MM-DD
    years_after: int  # 0: in the plan's year; 1: in the year after
    source: str  # the law, as the pages and mails cite it


RULES: dict[str, Rule] = {
    LegalDeadline.PIANO: Rule(
        "01-31", 0, "art. 6, c. 1, D.L. 80/2021; art. 7, c. 1, D.M. 132/2022; art. 10, c. 1, lett. a), D.Lgs. 150/2009"
    ),
    LegalDeadline.MONITORAGGIO: Rule("07-31", 0, "art. 6 D.Lgs. 150/2009; art. 193 D.Lgs. 267/2000"),
    LegalDeadline.RELAZIONE: Rule("06-30", 1, "art. 10, c. 1, lett. b), D.Lgs. 150/2009"),
    LegalDeadline.VALIDAZIONE: Rule("06-30", 1, "art. 14, c. 4, lett. c), e art. 10, c. 1, lett. b), D.Lgs. 150/2009"),
    LegalDeadline.PUBBLICAZIONE: Rule("06-30", 1, "art. 10, c. 8, lett. b), D.Lgs. 33/2013"),
}
ORDER = list(RULES)


class Status(StrEnum):
    OPEN = "open"  # still to be met: reminders go out
    MET = "met"
    NOT_DUE = "not_due"  # nothing to act on (no adopted plan for the year)


def parse_lead_days(raw: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True))


def month_day(year: int, raw: str) -> dt.date:
    """ "MM-DD" in `year`; 02-29 in a common year is 28 February (a deadline does not vanish)."""
    month, day = (int(part) for part in raw.split("-"))
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def last_working_day(day: dt.date, patron: str = "") -> dt.date:
    """`day` itself when it is a working day, otherwise the last working day before it."""
    while not is_working_day(day, patron):
        day -= dt.timedelta(days=1)
    return day


def reminder_days(due: dt.date, leads: Iterable[int], patron: str = "") -> list[tuple[dt.date, int]]:
    """The days the reminders of a deadline go out, each with its lead (0: the day itself), earliest first."""
    by_day: dict[dt.date, int] = {}
    for lead in sorted({*leads, 0}, reverse=True):
        by_day[last_working_day(due - dt.timedelta(days=lead), patron)] = lead  # the nearer one wins the day
    return sorted(by_day.items())


def reminder_due(due: dt.date, leads: Iterable[int], today: dt.date, patron: str = "") -> int | None:
    """The lead of the reminder due on `today`: the latest whose day has come, while the deadline has not
    passed; None on a day off or when nothing is due."""
    if today > due or not is_working_day(today, patron):
        return None
    passed = [lead for day, lead in reminder_days(due, leads, patron) if day <= today]
    return passed[-1] if passed else None


# -------------------------------------------------------------------------------------- the body's settings


@dataclass(frozen=True)
class BodyCalendar:
    """A body's legal calendar as it applies: its own days and leads, or the law's and the installation's."""

    organization: Organization
    days: dict[str, str]
    lead_days: tuple[int, ...]
    years: dict[tuple[str, int], LegalDeadlineYear] = field(default_factory=dict)

    def due(self, deadline: str, year: int) -> dt.date:
        override = self.years.get((deadline, year))
        if override is not None and override.due_on is not None:
            return override.due_on
        return month_day(year + RULES[deadline].years_after, self.days[deadline])


def _days(calendar_row: LegalCalendar | None) -> dict[str, str]:
    if calendar_row is None:
        return {deadline: rule.default_day for deadline, rule in RULES.items()}
    return {deadline: getattr(calendar_row, f"{deadline}_due") for deadline in RULES}


def calendars_of(organizations: Iterable[Organization]) -> dict[int, BodyCalendar]:
    """The legal calendar of each of these bodies: two queries, however many there are."""
    bodies = {organization.pk: organization for organization in organizations}
    rows = {row.organization_id: row for row in LegalCalendar.objects.filter(organization_id__in=bodies)}
    years: dict[int, dict[tuple[str, int], LegalDeadlineYear]] = defaultdict(dict)
    for year_row in LegalDeadlineYear.objects.filter(organization_id__in=bodies):
        years[year_row.organization_id][year_row.deadline, year_row.year] = year_row
    default_leads = tuple(sorted(set(settings.LEGAL_REMINDER_LEAD_DAYS), reverse=True))
    result = {}
    for pk, organization in bodies.items():
        row = rows.get(pk)
        leads = parse_lead_days(row.lead_days) if row is not None and row.lead_days.strip() else default_leads
        result[pk] = BodyCalendar(organization, _days(row), leads, years[pk])
    return result


# ----------------------------------------------------------------------------------- whether it is met


@dataclass(frozen=True)
class PlanFact:
    code: str
    state: str
    adopted_on: dt.date | None


def plans_by_year(organization_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int], list[PlanFact]]:
    """The plans of each (body, year): whose first year it is, a Relazione imported as a plan left out. One
    query."""
    found: dict[tuple[int, int], list[PlanFact]] = defaultdict(list)
    plans = Plan.objects.filter(organization_id__in=set(organization_ids), year_start__in=set(years))
    rows = plans.exclude(kind=Plan.Kind.RELAZIONE).order_by("code")
    for organization, year, code, state, adopted_on in rows.values_list(
        "organization_id", "year_start", "code", "state", "adopted_on"
    ):
        found[organization, year].append(PlanFact(code, state, adopted_on))
    return found


def _names(plans: list[PlanFact]) -> str:
    return ", ".join(f"«{plan.code}»" for plan in plans)


def _on(day: dt.date | None) -> str:
    return f" il {day:%d/%m/%Y}" if day else ""


def status_of(deadline: str, plans: list[PlanFact], year_row: LegalDeadlineYear | None) -> tuple[Status, str]:
    """Whether a deadline is still to be met, from its year's plans (plans.freeze) and the body's own mark;
    with the reason, in Italian, when it is not."""
    if year_row is not None and year_row.done_on is not None:
        note = f" ({year_row.note})" if year_row.note else ""
        return Status.MET, f"Adempiuto il {year_row.done_on:%d/%m/%Y}{note}."
    adopted = [plan for plan in plans if plan.state != PlanState.DRAFT]
    live = [plan for plan in adopted if is_live(plan)]
    if deadline == LegalDeadline.PIANO:
        if adopted:
            first = adopted[0]
            return Status.MET, f"Il piano {_names(adopted)} è stato adottato{_on(first.adopted_on)}."
        return Status.OPEN, ""
    if not adopted:
        return Status.NOT_DUE, "Nessun piano adottato per l'anno."
    if deadline in (LegalDeadline.MONITORAGGIO, LegalDeadline.RELAZIONE):
        if live:
            return Status.OPEN, ""
        return Status.MET, f"L'anno è chiuso: il piano {_names(adopted)} è chiuso o validato."
    if deadline == LegalDeadline.VALIDAZIONE:
        if all(is_frozen(plan) for plan in adopted):
            return Status.MET, f"Il piano {_names(adopted)} è stato validato dall'OIV."
        return Status.OPEN, ""
    return Status.OPEN, ""  # the publication: met only when the body marks it done


# ------------------------------------------------------------------------------------------- a deadline


@dataclass(frozen=True)
class CycleDeadline:
    """One deadline of one body and one year of the cycle, as it stands."""

    organization: Organization
    deadline: str
    year: int
    due: dt.date
    status: Status
    reason: str

    @property
    def label(self) -> str:
        return str(LegalDeadline(self.deadline).label)

    @property
    def title(self) -> str:
        return _("%(deadline)s %(year)d") % {"deadline": self.label, "year": self.year}

    @property
    def source(self) -> str:
        return RULES[self.deadline].source

    @property
    def target(self) -> str:
        """The outbox row's target: body, deadline and year (at most 40 characters)."""
        return f"legal:{self.organization.pk}:{self.deadline}:{self.year}"


def deadlines_of(
    organizations: Iterable[Organization], years: Iterable[int], calendars: dict[int, BodyCalendar] | None = None
) -> list[CycleDeadline]:
    """Every deadline of these bodies for these years of the cycle, soonest first: three queries."""
    bodies, years = list(organizations), sorted(set(years))
    calendars = calendars if calendars is not None else calendars_of(bodies)
    plans = plans_by_year((body.pk for body in bodies), years)
    found = []
    for body in bodies:
        body_calendar = calendars[body.pk]
        for year in years:
            for deadline in ORDER:
                status, reason = status_of(
                    deadline, plans.get((body.pk, year), []), body_calendar.years.get((deadline, year))
                )
                found.append(CycleDeadline(body, deadline, year, body_calendar.due(deadline, year), status, reason))
    return sorted(found, key=lambda item: (item.due, item.organization.name, ORDER.index(item.deadline), item.year))


def cycle_years_around(day: dt.date) -> list[int]:
    """The years of the cycle whose deadlines may fall near `day`: the Relazione of Y falls in Y+1."""
    return [day.year - 1, day.year, day.year + 1]
