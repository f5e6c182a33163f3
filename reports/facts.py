"""What happened to an objective or an activity during the year, from the workflow: its requests and decisions,
and where the imported Consuntivo text says something else.

The imported text is never rewritten: it stays in the Relazione as written, and when the workflow's facts
contradict it the document says so in words (`discrepancy`) rather than choosing one of the two in silence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plans.models import WorkState
from plans.parsing import TimeHint, TimeSpec, parse_time
from reports.sections import Decision, WorkflowEvent
from workflow.changes.snapshot import describe
from workflow.models import TransitionRequest


def person_name(user: Any) -> str:
    return "" if user is None else str(user.get_full_name() or user.get_username())


def year_window(year: int, first_year: int, last_year: int) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The moments whose events belong to `year`'s report: the calendar year, widened to everything before it for
    the plan's first year (the plan is prepared before it starts) and everything after it for the plan's last year
    (the consuntivo is drawn up, and late work concluded, after the year ends). None means unbounded."""
    zone = timezone.get_current_timezone()
    start = None if year == first_year else dt.datetime(year, 1, 1, tzinfo=zone)
    end = None if year == last_year else dt.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, end


def events_of(requests: Iterable[TransitionRequest]) -> tuple[WorkflowEvent, ...]:
    """The requests (with `approvals` prefetched) as plain events, oldest first."""
    return tuple(_event(request) for request in requests)


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else timezone.localdate(moment)


def _event(request: TransitionRequest) -> WorkflowEvent:
    requested_on = _local_date(request.requested_at)
    assert requested_on is not None  # requested_at is never null
    return WorkflowEvent(
        transition=request.transition,
        status=request.status,
        requested_on=requested_on,
        requested_by=person_name(request.requested_by),
        reason=request.reason,
        comment=request.comment,
        new_planned_end=request.new_planned_end,
        actual_end=request.actual_end,
        decisions=tuple(
            Decision(
                step=approval.step,
                decision=approval.decision,
                by=person_name(approval.decided_by),
                on_behalf_of=person_name(approval.on_behalf_of),
                on=timezone.localdate(approval.decided_at),
                comment=approval.comment,
            )
            for approval in request.approvals.all()
        ),
        closed_on=_local_date(request.closed_at),
        changes=describe(request.changes) if request.is_change else (),
        act=_act(request),
    )


def _act(request: TransitionRequest) -> str:
    """The act that approved a rimodulazione (its version keeps it: the approver may have given it)."""
    version = getattr(request, "version", None) if request.is_change else None
    if version is None or not version.act:
        return ""
    if version.act_date is None:
        return version.act
    return _("%(act)s del %(date)s") % {"act": version.act, "date": _day(version.act_date)}


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def discrepancy(actual_raw: str, state: str, actual_end: dt.date | None, year: int) -> str:
    """Where the imported Consuntivo and the workflow's facts disagree, the disagreement in words; "" otherwise.

    The imported text is read again as the import read it (plans.parsing); a text the parser did not understand
    is printed as written and compared with nothing, since it says nothing the report could contradict."""
    written = actual_raw.strip()
    if not written:
        return ""
    spec = parse_time(written, year=year)
    if not spec.parsed:
        return ""
    work_state = WorkState(state)
    claim = _imported_claim(spec)
    if claim is None:
        return ""
    quoted = {"text": written, "state": str(work_state.label)}
    if claim == "not_done" and work_state == WorkState.CONCLUSO:
        return _concluded_anyway(quoted, actual_end)
    if claim == "started" and work_state in (WorkState.PROGRAMMATO, WorkState.CONCLUSO):
        if work_state == WorkState.CONCLUSO:
            return _concluded_anyway(quoted, actual_end)
        return (
            _(
                "Il consuntivo importato («%(text)s») dice che l'attività era avviata; "
                "nel flusso di lavoro è «%(state)s»."
            )
            % quoted
        )
    if claim == "done":
        if work_state != WorkState.CONCLUSO:
            return (
                _(
                    "Il consuntivo importato («%(text)s») indica l'attività come svolta; "
                    "nel flusso di lavoro risulta «%(state)s»."
                )
                % quoted
            )
        assert spec.end is not None  # a "done" claim has an end
        first = spec.start or spec.end
        if actual_end is not None and not first <= actual_end <= spec.end:
            if first == spec.end:
                return _(
                    "Il consuntivo importato («%(text)s») colloca la conclusione il %(end)s; "
                    "nel flusso di lavoro l'attività è stata conclusa il %(actual)s."
                ) % {**quoted, "end": _day(spec.end), "actual": _day(actual_end)}
            return _(
                "Il consuntivo importato («%(text)s») colloca la conclusione tra il %(start)s e il %(end)s; "
                "nel flusso di lavoro l'attività è stata conclusa il %(actual)s."
            ) % {**quoted, "start": _day(first), "end": _day(spec.end), "actual": _day(actual_end)}
    return ""


def _imported_claim(spec: TimeSpec) -> str | None:
    if spec.hint == TimeHint.NOT_DONE:
        return "not_done"
    if spec.hint in (TimeHint.STARTED, TimeHint.OPEN):  # "avviato Luglio", "da luglio": under way
        return "started"
    if spec.end is not None:
        return "done"
    return None


def _concluded_anyway(quoted: dict[str, str], actual_end: dt.date | None) -> str:
    if actual_end is None:
        return (
            _("Il consuntivo importato («%(text)s») non dà l'attività per conclusa; nel flusso di lavoro è conclusa.")
            % quoted
        )
    return _(
        "Il consuntivo importato («%(text)s») non dà l'attività per conclusa; "
        "nel flusso di lavoro è stata conclusa il %(actual)s."
    ) % {**quoted, "actual": _day(actual_end)}
