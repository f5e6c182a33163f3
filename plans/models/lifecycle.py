"""The lifecycle shared by objectives and activities: programmato → avviato → concluso, or rinviato.

Transition methods are pure: they check the graph and their conditions and change fields in memory. They
never save, send or enqueue anything: the workflow's services do that, in one transaction, after checking
who may do what. Both models share this one graph.

- avvia: programmato → avviato;
- concludi: avviato → concluso, recording the actual completion date;
- rinvia: programmato or avviato → rinviato, with a reason and a new planned end;
- riprendi: rinviato → avviato. Resuming postponed work means it is under way again; the new planned end
  set by rinvia stays, so deadlines follow the postponement;
- riapri: concluso → avviato, with a reason (the approval policy reserves it to the director); the actual
  completion date is cleared. An activity of a concluded objective cannot be reopened: reopen the
  objective first, so that a concluded objective never has open activities.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from plans.models.states import OPEN_STATES, WorkState


def _nothing_blocks_conclusion(instance: models.Model) -> bool:
    # Dispatch through the instance, so that each model's own can_conclude() decides.
    return bool(instance.can_conclude())  # type: ignore[attr-defined]


def _nothing_blocks_reopening(instance: models.Model) -> bool:
    return bool(instance.can_reopen())  # type: ignore[attr-defined]


def _may_request(instance: models.Model, user: object) -> bool:
    # Imported here: the rules read the models this module helps define.
    from plans.rules import may_request

    return may_request(instance, user)


def _may_reopen(instance: models.Model, user: object) -> bool:
    from plans.rules import may_reopen

    return may_reopen(instance, user)


class Lifecycle(ConcurrentTransitionMixin, models.Model):
    """Abstract base of a model with `planned_end` and `actual_end` fields. The state field lives here,
    not in each model: django-fsm binds transitions declared on a shared base only to a field inherited
    from an abstract model (a plain mixin would leave the second model without transitions)."""

    state = FSMField(_("stato"), default=WorkState.PROGRAMMATO, choices=WorkState.choices, protected=True)
    # The next day a reminder about this item may be due; null means "work it out at the next scan".
    # Kept on the row so the daily scan reads only what is due (see notifications.schedule).
    next_reminder_on = models.DateField(_("prossimo promemoria"), null=True, blank=True, editable=False)

    planned_end: dt.date | None
    actual_end: dt.date | None

    # Every field a transition method may change: what saving a transition writes.
    TRANSITION_FIELDS = ("state", "next_reminder_on", "planned_end", "actual_end")

    class Meta:
        abstract = True

    def can_conclude(self) -> bool:
        """Whether nothing blocks concluding; objectives refine it."""
        return True

    def can_reopen(self) -> bool:
        """Whether nothing blocks reopening; activities refine it."""
        return True

    @transition(field="state", source=WorkState.PROGRAMMATO, target=WorkState.AVVIATO, permission=_may_request)
    def avvia(self) -> None:
        """Start the work."""

    @transition(
        field="state",
        source=WorkState.AVVIATO,
        target=WorkState.CONCLUSO,
        conditions=[_nothing_blocks_conclusion],
        permission=_may_request,
    )
    def concludi(self, *, actual_end: dt.date) -> None:
        self.actual_end = actual_end

    @transition(
        field="state",
        source=[WorkState.PROGRAMMATO, WorkState.AVVIATO],
        target=WorkState.RINVIATO,
        permission=_may_request,
    )
    def rinvia(self, *, new_planned_end: dt.date) -> None:
        self.planned_end = new_planned_end
        self.next_reminder_on = None

    @transition(field="state", source=WorkState.RINVIATO, target=WorkState.AVVIATO, permission=_may_request)
    def riprendi(self) -> None:
        """Resume postponed work."""

    @transition(
        field="state",
        source=WorkState.CONCLUSO,
        target=WorkState.AVVIATO,
        conditions=[_nothing_blocks_reopening],
        permission=_may_reopen,
    )
    def riapri(self) -> None:
        self.actual_end = None
        self.next_reminder_on = None


def reminder_index(name: str) -> models.Index:
    """Each lifecycle model's index for the reminder scan: open items by their next reminder day."""
    return models.Index(
        fields=["next_reminder_on"], name=name, condition=models.Q(state__in=[state.value for state in OPEN_STATES])
    )
