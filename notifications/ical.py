"""A person's deadlines as an iCalendar file (RFC 5545), for Outlook, Thunderbird or Google Calendar to
subscribe to.

Each deadline is an all-day event on its planned end. The same data must give the same bytes (the feed's
ETag is a hash of them): nothing here reads the clock or makes up identifiers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from icalendar import STATUS, TRANSP, Alarm, Calendar, Event, vDuration

from notifications.feeds import Deadline
from notifications.legal_calendar import CycleDeadline, Status
from notifications.page_links import item_url, legal_calendar_url
from plans.freeze import is_live
from plans.models import OPEN_STATES, Activity, WorkItem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PRODID = "-//Traguardi//Scadenze//IT"
SUMMARY_LENGTH = 120
REMINDER_BEFORE = dt.timedelta(days=3)
# A hint to calendar programs (Outlook and Thunderbird read it; Google refreshes on its own schedule).
REFRESH_INTERVAL = dt.timedelta(hours=1)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "traguardi"


def item_page_url(item: WorkItem) -> str:
    return item_url(item)


def event_uid(item: WorkItem) -> str:
    """Stable across refreshes, so calendar programs update an event instead of adding a copy."""
    kind = "activity" if isinstance(item, Activity) else "objective"
    return f"{kind}-{item.pk}@{_host()}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _name(deadline: Deadline) -> str:
    item = deadline.item
    if isinstance(item, Activity):
        return _one_line(item.description)
    return f"{item.code} – {_one_line(item.title)}"


def event_summary(deadline: Deadline) -> str:
    return _("Scadenza: %(name)s") % {"name": Truncator(_name(deadline)).chars(SUMMARY_LENGTH)}


def event_description(deadline: Deadline) -> str:
    item, objective = deadline.item, deadline.objective
    plan = objective.plan
    lines = []
    if isinstance(item, Activity):
        lines.append(_("Attività: %(description)s") % {"description": item.description.strip()})
    lines += [
        _("Obiettivo: %(code)s – %(title)s") % {"code": objective.code, "title": _one_line(objective.title)},
        _("Piano: %(code)s – %(title)s") % {"code": plan.code, "title": plan.title},
        _("Ente: %(name)s") % {"name": plan.organization.name},
        _("Stato: %(state)s") % {"state": item.get_state_display()},
        _("Scheda: %(url)s") % {"url": item_page_url(item)},
    ]
    return "\n".join(lines)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def deadline_event(deadline: Deadline, *, stamp: dt.datetime) -> Event:
    """`stamp` is DTSTAMP when the audit trail has no event for the item."""
    item = deadline.item
    changed_at = _utc(deadline.changed_at) if deadline.changed_at else None
    event = Event.new(
        uid=event_uid(item),
        summary=event_summary(deadline),
        description=event_description(deadline),
        start=deadline.due,
        end=deadline.due + dt.timedelta(days=1),
        stamp=changed_at or _utc(stamp),
        last_modified=changed_at,
        url=item_page_url(item),
        # Postponed work keeps its (new) deadline: the state is in the text, never CANCELLED.
        status=STATUS.CONFIRMED,
        # A deadline is not a meeting: it must not make the person look busy all day.
        transparency=TRANSP.TRANSPARENT,
    )
    if item.state in OPEN_STATES and is_live(deadline.objective.plan):  # a closed year's deadline rings no more
        event.add_component(_reminder(event_summary(deadline)))
    return event


def _reminder(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", summary)
    alarm.add("TRIGGER", -REMINDER_BEFORE)
    return alarm


def legal_event_uid(deadline: CycleDeadline) -> str:
    """Stable: body, deadline and year; a deadline moved to another day updates its event."""
    return f"legal-{deadline.organization.pk}-{deadline.deadline}-{deadline.year}@{_host()}"


def legal_event(deadline: CycleDeadline, *, stamp: dt.datetime) -> Event:
    """A legal deadline of the cycle (notifications.legal_calendar) as an all-day event on its day."""
    summary = _("Scadenza di legge: %(title)s") % {"title": deadline.title}
    lines = [
        _("Ente: %(name)s") % {"name": deadline.organization.name},
        _("Fonte: %(source)s") % {"source": deadline.source},
    ]
    if deadline.status == Status.MET:
        lines.append(_("Adempiuta: %(reason)s") % {"reason": deadline.reason})
    elif deadline.status == Status.NOT_DUE:
        lines.append(_("Non dovuta: %(reason)s") % {"reason": deadline.reason})
    lines.append(_("Calendario: %(url)s") % {"url": legal_calendar_url()})
    event = Event.new(
        uid=legal_event_uid(deadline),
        summary=summary,
        description="\n".join(lines),
        start=deadline.due,
        end=deadline.due + dt.timedelta(days=1),
        stamp=_utc(stamp),
        url=legal_calendar_url(),
        status=STATUS.CONFIRMED,
        transparency=TRANSP.TRANSPARENT,
    )
    if deadline.status == Status.OPEN:
        event.add_component(_reminder(summary))
    return event


def deadlines_calendar(
    user: User,
    deadlines: Iterable[Deadline],
    *,
    stamp: dt.datetime,
    legal: Iterable[CycleDeadline] = (),
) -> Calendar:
    """The whole feed of `user`, in the active language; `stamp` is the DTSTAMP of events that have none of
    their own (the feed's creation time). `legal`: the legal deadlines of the bodies the user directs or
    audits."""
    calendar = Calendar.new(
        prodid=PRODID,
        uid=f"deadlines-{user.pk}@{_host()}",
        name=_("Traguardi – scadenze di %(person)s") % {"person": user.get_full_name() or user.username},
        description=_("Le scadenze delle attività e degli obiettivi di cui sei referente in Traguardi."),
        refresh_interval=REFRESH_INTERVAL,
        subcomponents=[deadline_event(deadline, stamp=stamp) for deadline in deadlines]
        + [legal_event(deadline, stamp=stamp) for deadline in legal],
    )
    # RFC 7986 requires VALUE=DURATION, which icalendar leaves out; Outlook reads only X-PUBLISHED-TTL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    return calendar
