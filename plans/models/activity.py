from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plans.models.lifecycle import Lifecycle, reminder_index
from plans.models.plan import Objective
from plans.models.states import OPEN_STATES, WorkState, work_state_label
from plans.parsing import TimeHint, TimeKind, TimeSpec

TIME_KIND_CHOICES = [(kind.value, kind.value) for kind in TimeKind]
TIME_HINT_CHOICES = [
    (TimeHint.NONE.value, _("nessuna")),
    (TimeHint.NOT_DONE.value, _("non svolta")),
    (TimeHint.STARTED.value, _("avviata")),
    (TimeHint.OPEN.value, _("senza termine")),
]


def time_columns(prefix: str, spec: TimeSpec) -> dict[str, object]:
    """The Activity column values that store `spec` under `prefix` ("planned" or "actual")."""
    return {
        f"{prefix}_raw": spec.raw,
        f"{prefix}_kind": spec.kind.value,
        f"{prefix}_start": spec.start,
        f"{prefix}_end": spec.end,
        f"{prefix}_checkpoints": [checkpoint.isoformat() for checkpoint in spec.checkpoints],
        f"{prefix}_hint": spec.hint.value,
        f"{prefix}_remark": spec.remark,
        f"{prefix}_parsed": spec.parsed,
    }


class Activity(Lifecycle):
    """A step of an objective. Its planned time ("Tempi") and actual time ("Consuntivo") are each kept
    exactly as written (`*_raw`) and as parsed meaning; `*_parsed` is False when the text could not be
    understood and is kept as text only."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField(_("posizione"))
    # The activity's own code in the plan's document ("1.2.a"), when it gives one; the position orders them.
    # Every text column added to a table that writers fill with their own column lists (bench.generate's COPY)
    # has a database default too: such a writer need not know it.
    code = models.CharField(_("codice"), max_length=60, blank=True, default="", db_default="")
    description = models.TextField(_("attività"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_activities",
        verbose_name=_("referente"),
    )
    # Bodies outside the organization that share the activity with its owner (another body, a company, a
    # region), as the document names them: not users, so they have no access and no reminders.
    external_bodies = models.TextField(_("enti esterni coinvolti"), blank=True, default="", db_default="")

    planned_raw = models.TextField(_("tempi (testo originale)"), blank=True)
    planned_kind = models.CharField(_("tempi: forma"), max_length=12, choices=TIME_KIND_CHOICES, default="empty")
    planned_start = models.DateField(_("inizio previsto"), null=True, blank=True)
    planned_end = models.DateField(_("scadenza prevista"), null=True, blank=True)
    planned_checkpoints = models.JSONField(_("verifiche previste"), default=list, blank=True)
    planned_hint = models.CharField(_("tempi: indicazione"), max_length=10, choices=TIME_HINT_CHOICES, blank=True)
    planned_remark = models.TextField(_("tempi: nota"), blank=True)
    planned_parsed = models.BooleanField(_("tempi interpretati"), default=True)

    actual_raw = models.TextField(_("consuntivo (testo originale)"), blank=True)
    actual_kind = models.CharField(_("consuntivo: forma"), max_length=12, choices=TIME_KIND_CHOICES, default="empty")
    actual_start = models.DateField(_("inizio effettivo"), null=True, blank=True)
    actual_end = models.DateField(_("conclusione effettiva"), null=True, blank=True)
    actual_checkpoints = models.JSONField(_("verifiche effettive"), default=list, blank=True)
    actual_hint = models.CharField(_("consuntivo: indicazione"), max_length=10, choices=TIME_HINT_CHOICES, blank=True)
    actual_remark = models.TextField(_("consuntivo: nota"), blank=True)
    actual_parsed = models.BooleanField(_("consuntivo interpretato"), default=True)
    # The unfinished activity of the previous year's plan that this one carries over (workflow.services.rollover).
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        verbose_name=_("riportata dall'attività"),
    )

    class Meta:
        verbose_name = _("attività")
        verbose_name_plural = pgettext_lazy("plural", "attività")
        ordering = ["objective", "position"]
        constraints = [models.UniqueConstraint(fields=["objective", "position"], name="unique_activity_position")]
        indexes = [
            reminder_index("activity_reminder_due"),
            # Serves the one query that scans for open activities whose deadline is near or past.
            models.Index(
                fields=["planned_end"],
                name="activity_open_deadline",
                condition=models.Q(state__in=[state.value for state in OPEN_STATES]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective.code} · {self.position}. {self.description[:60]}"

    def get_state_display(self) -> str:  # type: ignore[no-redef]  # django-stubs declares Django's own
        # Defined here, not on Lifecycle: Django adds its own to each model that does not define one.
        return work_state_label(self.state)

    def can_reopen(self) -> bool:
        """A concluded objective never has open activities: its activities reopen after it does."""
        return self.objective.state != WorkState.CONCLUSO

    def spills_over(self) -> bool:
        """True when the planned end falls after the plan's last year."""
        return bool(self.planned_end and self.planned_end.year > self.objective.plan.year_end)


# An item of work that follows the lifecycle: what transitions, requests and the audit trail are about.
WorkItem = Objective | Activity
