"""The state a newly imported activity or objective starts in, read from its Consuntivo at a reference date.

Only rows created by an import get a state this way; afterwards the state belongs to the workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from plans.models.states import WorkState
from plans.parsing import TimeHint, TimeKind, TimeSpec


def initial_activity_state(planned: TimeSpec, actual: TimeSpec, on: dt.date) -> WorkState:
    if actual.hint == TimeHint.NOT_DONE or actual.kind == TimeKind.EMPTY:
        return WorkState.PROGRAMMATO
    if actual.hint in (TimeHint.STARTED, TimeHint.OPEN) or not actual.parsed:
        # "avviato Luglio", "da marzo 2026", or free text such as "Attivo il Tavolo di lavoro…": under way, not
        # finished.
        started = actual.start or planned.start
        return WorkState.AVVIATO if started is None or started <= on else WorkState.PROGRAMMATO
    if actual.end is not None and actual.end <= on:
        return WorkState.CONCLUSO
    started = min((day for day in (actual.start, planned.start) if day is not None), default=None)
    return WorkState.AVVIATO if started is not None and started <= on else WorkState.PROGRAMMATO


def initial_objective_state(activity_states: Iterable[WorkState]) -> WorkState:
    states = list(activity_states)
    if states and all(state == WorkState.CONCLUSO for state in states):
        return WorkState.CONCLUSO
    if any(state in (WorkState.AVVIATO, WorkState.CONCLUSO) for state in states):
        return WorkState.AVVIATO
    return WorkState.PROGRAMMATO
