"""The reminders of the legal calendar (notifications.legal_calendar): planned as outbox rows, checked again
when they are sent.

A reminder is one row per (kind, target, period, recipient), the outbox's unique key: the target names the
body, the deadline and the year ("legal:3:relazione:2026"), the period the deadline's day and the lead
("2027-06-30/7"). So each reminder is planned once, however many times the scan runs and however many
workers race on it; a deadline moved to another day (a LegalDeadlineYear) gets reminders of its own.
They go to the body's director and OIV, and only while the deadline is still to be met.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.calendar import is_working_day
from notifications.legal_calendar import (
    RULES,
    BodyCalendar,
    PlanFact,
    Status,
    calendars_of,
    cycle_years_around,
    deadlines_of,
    plans_by_year,
    reminder_due,
    status_of,
)
from notifications.models import LegalDeadline, Message
from notifications.scans import plan
from plans.models import Organization, OrganizationRole

RECIPIENT_ROLES = (OrganizationRole.Role.DIRECTOR, OrganizationRole.Role.AUDITOR)


def recipients_of(organization_ids: set[int]) -> dict[int, list[int]]:
    """The directors and OIV members of each body (active accounts only), in one query."""
    roles = OrganizationRole.objects.filter(
        organization_id__in=organization_ids, role__in=RECIPIENT_ROLES, user__is_active=True
    )
    people: dict[int, set[int]] = defaultdict(set)
    for organization, user in roles.values_list("organization_id", "user_id"):
        people[organization].add(user)
    return {organization: sorted(users) for organization, users in people.items()}


def period_of(due: dt.date, lead: int) -> str:
    return f"{due.isoformat()}/{lead}"


def plan_legal_reminders(today: dt.date) -> list[Message]:
    """Plan the reminders of the legal calendar due on `today`; the rows that are new (a second run, or a
    run racing this one, gets none). A fixed number of queries, whatever the number of bodies."""
    bodies = [body for body in Organization.objects.order_by("pk") if is_working_day(today, body.patron_saint_day)]
    if not bodies:
        return []
    calendars = calendars_of(bodies)
    people = recipients_of({body.pk for body in bodies})
    rows = []
    for deadline in deadlines_of(bodies, cycle_years_around(today), calendars):
        if deadline.status != Status.OPEN:
            continue
        body = deadline.organization
        lead = reminder_due(deadline.due, calendars[body.pk].lead_days, today, body.patron_saint_day)
        if lead is None:
            continue
        context = {"deadline": deadline.deadline, "year": deadline.year, "due": deadline.due.isoformat(), "lead": lead}
        rows += [
            Message(
                kind=Message.Kind.LEGAL_DEADLINE,
                organization=body,
                recipient_id=person,
                target=deadline.target,
                period=period_of(deadline.due, lead),
                context=context,
                due_on=today,
            )
            for person in people.get(body.pk, [])
        ]
    rows.sort(key=lambda row: (row.target, row.period, row.recipient_id))  # racing scans insert in one order
    plan(rows)
    return [row for row in rows if row.pk is not None]


# ------------------------------------------------------------------------------------ at sending time


@dataclass
class LegalFacts:
    """What the send-time check of a chunk's legal reminders reads: three queries, none without them."""

    calendars: dict[int, BodyCalendar]
    plans: dict[tuple[int, int], list[PlanFact]]  # (body, year) → its plans
    people: dict[int, list[int]]  # body → its directors and OIV members

    @classmethod
    def load(cls, rows: list[Message]) -> LegalFacts:
        legal = [row for row in rows if row.kind == Message.Kind.LEGAL_DEADLINE]
        if not legal:
            return cls({}, {}, {})
        bodies = {row.organization_id: row.organization for row in legal}
        years = {int(row.context.get("year", 0)) for row in legal}
        return cls(calendars_of(bodies.values()), plans_by_year(bodies, years), recipients_of(set(bodies)))


def why_stale(row: Message, facts: LegalFacts, today: dt.date) -> str:
    """Why a legal reminder is no longer true (in Italian), or "" when it still is."""
    deadline, year = row.context.get("deadline", ""), int(row.context.get("year", 0))
    body = facts.calendars.get(row.organization_id)
    if body is None or deadline not in LegalDeadline.values:
        return "La scadenza non esiste più."
    if row.recipient_id not in facts.people.get(row.organization_id, []):
        return "Il destinatario non è più direttore né componente dell'OIV dell'ente."
    due = body.due(deadline, year)
    if due.isoformat() != row.context.get("due"):
        return f"La scadenza è stata spostata al {due:%d/%m/%Y}."
    if today > due:
        return f"La scadenza del {due:%d/%m/%Y} è già passata."
    status, reason = status_of(
        deadline, facts.plans.get((row.organization_id, year), []), body.years.get((deadline, year))
    )
    if status == Status.MET:
        return reason
    if status == Status.NOT_DUE:
        return f"Non c'è nulla da adempiere: {reason[:1].lower()}{reason[1:]}"
    return ""


def describe(row: Message, today: dt.date) -> tuple[str, str]:
    """The line of a legal reminder in its mail, in the active language: what is due and when, and how long
    is left with the law that sets it."""
    deadline, year = row.context["deadline"], int(row.context["year"])
    due = dt.date.fromisoformat(row.context["due"])
    text = _("%(deadline)s %(year)d: entro il %(due)s") % {
        "deadline": LegalDeadline(deadline).label,
        "year": year,
        "due": f"{due:%d/%m/%Y}",
    }
    left = (due - today).days
    if left <= 0:
        when = _("scade oggi")
    else:
        when = ngettext("manca %(days)d giorno", "mancano %(days)d giorni", left) % {"days": left}
    return text, f"{when} · {RULES[deadline].source}"
