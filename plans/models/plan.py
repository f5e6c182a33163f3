from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from plans.models.lifecycle import Lifecycle, reminder_index
from plans.models.organization import Area, Organization
from plans.models.states import OPEN_STATES, PlanState, work_state_label
from plans.models.weights import weight_field, weight_raw_field


class Plan(ConcurrentTransitionMixin, models.Model):
    """A plan of objectives. Its state (PlanState) changes only through its transitions, which are pure: the
    services of workflow.services.plan_lifecycle check who may act, save and record."""

    class Kind(models.TextChoices):
        PEG = "peg", _("Piano esecutivo di gestione (PEG)")
        PERFORMANCE = "performance", _("Piano della performance")
        PIAO = "piao", _("Piano integrato di attività e organizzazione (PIAO)")
        PIANO_DI_ZONA = "piano_di_zona", _("Piano di zona")
        RELAZIONE = "relazione", _("Relazione sulla performance")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="plans")
    code = models.CharField(_("codice"), max_length=60)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titolo"), max_length=300)
    year_start = models.PositiveSmallIntegerField(_("primo anno"))
    year_end = models.PositiveSmallIntegerField(_("ultimo anno"))
    adoption_act = models.CharField(_("atto di adozione"), max_length=300, blank=True)
    adopted_on = models.DateField(_("adottato il"), null=True, blank=True)
    state = FSMField(_("stato del piano"), default=PlanState.DRAFT, choices=PlanState.choices, protected=True)
    source = models.TextField(_("fonte"), blank=True)
    # The plan this one was rolled over from (workflow.services.rollover): next year's draft of a closed plan.
    # One-to-one: a plan is rolled over once, and the database says so even to two concurrent requests.
    rolled_over_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rolled_over_to",
        verbose_name=_("creato dal piano"),
    )

    class Meta:
        verbose_name = _("piano")
        verbose_name_plural = _("piani")
        ordering = ["organization", "-year_start", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_plan_code"),
            models.CheckConstraint(condition=models.Q(year_end__gte=models.F("year_start")), name="plan_years_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @transition(field=state, source=PlanState.DRAFT, target=PlanState.ADOPTED)
    def adopt(self, act: str, adopted_on: object) -> None:
        self.adoption_act = act
        self.adopted_on = adopted_on  # type: ignore[assignment]

    @transition(field=state, source=PlanState.ADOPTED, target=PlanState.IN_EXECUTION)
    def start(self) -> None:
        pass

    @transition(field=state, source=PlanState.IN_EXECUTION, target=PlanState.CLOSED)
    def close(self) -> None:
        pass

    @transition(field=state, source=PlanState.CLOSED, target=PlanState.VALIDATED)
    def validate(self) -> None:
        pass

    @transition(field=state, source=PlanState.VALIDATED, target=PlanState.CLOSED)
    def reopen(self) -> None:
        pass


class Objective(Lifecycle):
    """An objective of a plan. Objectives form a tree (sintesi → collegati) and may span several areas."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("collegato a")
    )
    code = models.CharField(_("codice"), max_length=60)
    programme = models.CharField(_("programma"), max_length=200, blank=True)
    number = models.PositiveIntegerField(_("numero"), null=True, blank=True)
    title = models.TextField(_("titolo"))
    typology = models.CharField(_("tipologia"), max_length=60, blank=True)
    classification = models.CharField(_("classificazione"), max_length=60, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    strategic_area = models.TextField(_("area strategica / indirizzo DUP"), blank=True)
    operational_objective = models.TextField(_("obiettivo operativo"), blank=True)
    peg_project = models.TextField(_("progetto PEG"), blank=True)
    services = models.TextField(_("servizi interessati"), blank=True)
    end_users = models.TextField(_("utenti finali"), blank=True)
    networks = models.TextField(_("reti di collaborazione"), blank=True)
    areas = models.ManyToManyField(Area, related_name="objectives", verbose_name=_("aree"))
    weight = weight_field()
    weight_raw = weight_raw_field()
    budget_income = models.DecimalField(_("entrata"), max_digits=15, decimal_places=2, null=True, blank=True)
    budget_expense = models.DecimalField(_("spesa"), max_digits=15, decimal_places=2, null=True, blank=True)
    planned_start = models.DateField(_("inizio previsto"), null=True, blank=True)
    planned_end = models.DateField(_("scadenza prevista"), null=True, blank=True)
    actual_end = models.DateField(_("conclusione effettiva"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_objectives",
        verbose_name=_("referente"),
    )

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["plan", "programme", "number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_objective_code"),
        ]
        indexes = [models.Index(fields=["plan", "state"]), reminder_index("objective_reminder_due")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title[:80]}"

    def get_state_display(self) -> str:  # type: ignore[no-redef]  # django-stubs declares Django's own
        # Defined here, not on Lifecycle: Django adds its own to each model that does not define one.
        return work_state_label(self.state)

    def can_conclude(self) -> bool:
        """An objective cannot be concluded while any of its activities is still open."""
        return not self.activities.filter(state__in=OPEN_STATES).exists()


class ObjectiveReport(models.Model):
    """The narrative report of an objective at a date (e.g. "Report al 31/12/2021")."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField(_("data"))
    text = models.TextField(_("testo"))

    class Meta:
        verbose_name = _("relazione dell'obiettivo")
        verbose_name_plural = _("relazioni degli obiettivi")
        ordering = ["objective", "date"]
        constraints = [models.UniqueConstraint(fields=["objective", "date"], name="unique_report_date")]

    def __str__(self) -> str:
        return f"{self.objective.code} al {self.date:%d/%m/%Y}"
