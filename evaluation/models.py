"""The measurement system (SMVP) of an organization for one year: how values become scores, and how scores
roll up to objectives, areas, the body and an individual evaluation.

One row per organization and year; a year without a row is measured under the defaults (an unsaved row,
`evaluation.selectors.system_for`), which reproduce the application's historical percentages. Every change is
in the audit trail; a change made after the system was adopted carries its motivation there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from plans.models import Organization
from plans.scoring import FULL, Level, ScoringRule

_PERCENT = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(1000)]}


class MeasurementSystem(models.Model):
    class PartialCredit(models.TextChoices):
        LINEAR = "linear", _("proporzionale fino al 100%")
        NONE = "none", _("nessuno: un target mancato vale 0")

    class Activities(models.TextChoices):
        SHARE = "share", _("quota di attività concluse")
        IGNORED = "ignored", _("non contano: obiettivo non misurabile")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="measurement_systems")
    year = models.PositiveSmallIntegerField(_("anno"))
    adopted_on = models.DateField(
        _("adottato il"),
        null=True,
        blank=True,
        help_text=_("Dopo l'adozione ogni modifica richiede una motivazione, registrata nella traccia."),
    )
    act = models.CharField(_("atto di adozione"), max_length=300, blank=True)

    # How one indicator scores (plans.scoring.ScoringRule).
    reached = models.DecimalField(_("soglia «raggiunto» (%)"), default=Decimal(100), **_PERCENT)  # type: ignore[arg-type]
    partial = models.DecimalField(_("soglia «parzialmente raggiunto» (%)"), default=Decimal(80), **_PERCENT)  # type: ignore[arg-type]
    cap = models.DecimalField(
        _("punteggio massimo (%)"),
        default=Decimal(100),
        help_text=_("100, o di più (ad esempio 120) se il superamento del target conta."),
        **_PERCENT,  # type: ignore[arg-type]
    )
    floor = models.DecimalField(
        _("soglia minima (%)"),
        default=Decimal(0),
        help_text=_("Sotto questa percentuale un target mancato vale 0."),
        **_PERCENT,  # type: ignore[arg-type]
    )
    partial_credit = models.CharField(
        _("target mancato"), max_length=10, choices=PartialCredit.choices, default=PartialCredit.LINEAR
    )
    # The bands' words and symbols: shown with the colour, never instead of it.
    reached_label = models.CharField(_("etichetta «raggiunto»"), max_length=60, default="raggiunto")
    partial_label = models.CharField(
        _("etichetta «parzialmente raggiunto»"), max_length=60, default="parzialmente raggiunto"
    )
    missed_label = models.CharField(_("etichetta «non raggiunto»"), max_length=60, default="non raggiunto")
    reached_symbol = models.CharField(_("simbolo «raggiunto»"), max_length=4, default="●")
    partial_symbol = models.CharField(_("simbolo «parzialmente raggiunto»"), max_length=4, default="◐")
    missed_symbol = models.CharField(_("simbolo «non raggiunto»"), max_length=4, default="○")

    # How objectives without a measurable indicator count.
    activities = models.CharField(
        _("obiettivi senza indicatori misurabili"), max_length=10, choices=Activities.choices, default=Activities.SHARE
    )

    # The components of an individual evaluation (weights, summed over the three).
    weight_own_objectives = models.DecimalField(
        _("peso degli obiettivi di responsabilità"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(0)],
    )
    weight_body = models.DecimalField(
        _("peso del risultato dell'ente"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(0)],
    )
    weight_behaviours = models.DecimalField(
        _("peso dei comportamenti"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(30),
        validators=[MinValueValidator(0)],
    )
    behaviour_scale = models.PositiveSmallIntegerField(
        _("scala dei comportamenti (da 1 a)"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("sistema di misurazione e valutazione")
        verbose_name_plural = _("sistemi di misurazione e valutazione")
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_measurement_system_per_year"),
            models.CheckConstraint(
                condition=models.Q(floor__lte=models.F("partial"))
                & models.Q(partial__lte=models.F("reached"))
                & models.Q(reached__lte=models.F("cap"))
                & models.Q(cap__gte=100),
                name="measurement_system_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"SMVP {self.year} – {self.organization_id}"

    def clean(self) -> None:
        if not (self.floor <= self.partial <= self.reached <= self.cap):
            raise ValidationError(
                _(
                    "Le soglie vanno in ordine: soglia minima ≤ «parzialmente raggiunto» ≤ «raggiunto» ≤ punteggio "
                    "massimo."
                )
            )
        if self.cap < FULL:
            raise ValidationError({"cap": _("Il punteggio massimo è almeno 100%.")})
        if self.weight_own_objectives + self.weight_body + self.weight_behaviours <= 0:
            raise ValidationError(_("Almeno una componente della valutazione individuale deve pesare più di zero."))

    @property
    def rule(self) -> ScoringRule:
        """The scoring rule of one indicator under this system."""
        return ScoringRule(
            reached=self.reached,
            partial=self.partial,
            cap=self.cap,
            floor=self.floor,
            linear=self.partial_credit == self.PartialCredit.LINEAR,
        )

    def label(self, level: str) -> str:
        """The band's words for a level (plans.scoring.Level value)."""
        return {
            Level.REACHED: self.reached_label,
            Level.PARTIAL: self.partial_label,
            Level.MISSED: self.missed_label,
        }.get(Level(level), str(_("non misurabile")))

    def symbol(self, level: str) -> str:
        return {
            Level.REACHED: self.reached_symbol,
            Level.PARTIAL: self.partial_symbol,
            Level.MISSED: self.missed_symbol,
        }.get(Level(level), "–")


class Behaviour(models.Model):
    """A behaviour (comportamento organizzativo) scored in the individual evaluations of one year."""

    system = models.ForeignKey(MeasurementSystem, on_delete=models.CASCADE, related_name="behaviours")
    position = models.PositiveSmallIntegerField(_("posizione"))
    name = models.CharField(_("comportamento"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    weight = models.DecimalField(_("peso"), max_digits=5, decimal_places=2, default=Decimal(1))

    class Meta:
        verbose_name = _("comportamento valutato")
        verbose_name_plural = _("comportamenti valutati")
        ordering = ["system", "position"]
        constraints = [models.UniqueConstraint(fields=["system", "position"], name="unique_behaviour_position")]

    def __str__(self) -> str:
        return self.name


class ObjectiveForecast(models.Model):
    """The forecast of an open objective's year-end achievement made on a working day (evaluation.forecast):
    one row per objective and day, written by the daily task, never edited."""

    class Band(models.TextChoices):
        LIKELY_REACHED = "likely_reached", _("probabile raggiungimento")
        AT_RISK = "at_risk", _("a rischio")
        LIKELY_MISSED = "likely_missed", _("probabile mancato raggiungimento")
        UNKNOWN = "unknown", _("non prevedibile")

    objective = models.ForeignKey("plans.Objective", on_delete=models.CASCADE, related_name="forecasts")
    date = models.DateField(_("data"))
    band = models.CharField(_("previsione"), max_length=16, choices=Band.choices)
    expected_score = models.DecimalField(
        _("punteggio atteso (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    explanation = models.TextField(_("motivazione"))
    created_at = models.DateTimeField(_("calcolata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("previsione dell'obiettivo")
        verbose_name_plural = _("previsioni degli obiettivi")
        ordering = ["-date", "objective"]
        constraints = [models.UniqueConstraint(fields=["objective", "date"], name="one_forecast_per_objective_day")]
        indexes = [
            # The dashboard's and the digest's one read: the objectives likely to miss on the latest day.
            models.Index(
                fields=["date", "objective"], name="forecast_likely_missed", condition=models.Q(band="likely_missed")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} {self.date:%d/%m/%Y}: {self.get_band_display()}"


class EvaluationSheet(ConcurrentTransitionMixin, models.Model):
    """The individual evaluation (performance individuale) of one dirigente, P.O. or the director for one year.

    The evaluator (the director; for the director, the OIV member who proposes) scores the behaviours and
    comments, then submits: the final score is frozen then, with its explanation, under the year's system. The
    evaluated person acknowledges it, with observations if they wish. Each step is a service of
    evaluation.services."""

    class Role(models.TextChoices):
        DIRIGENTE = "dirigente", _("dirigente")
        POSIZIONE_ORGANIZZATIVA = "po", _("posizione organizzativa")
        DIRETTORE = "direttore", _("direttore")

    class State(models.TextChoices):
        DRAFT = "draft", _("in preparazione")
        SUBMITTED = "submitted", _("consegnata dal valutatore")
        ACKNOWLEDGED = "acknowledged", _("presa visione")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="evaluation_sheets")
    year = models.PositiveSmallIntegerField(_("anno"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluation_sheets",
        verbose_name=_("persona valutata"),
    )
    role = models.CharField(_("ruolo"), max_length=12, choices=Role.choices, default=Role.DIRIGENTE)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluations_given",
        verbose_name=_("valutatore"),
    )
    evaluator_comments = models.TextField(_("commenti del valutatore"), blank=True)
    state = FSMField(_("stato"), default=State.DRAFT, choices=State.choices, protected=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("consegnata il"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("presa visione il"), null=True, blank=True)
    observations = models.TextField(_("osservazioni della persona valutata"), blank=True)
    final_score = models.DecimalField(_("punteggio finale (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    final_explanation = models.TextField(_("come è calcolato il punteggio finale"), blank=True)

    class Meta:
        verbose_name = _("scheda di valutazione individuale")
        verbose_name_plural = _("schede di valutazione individuale")
        ordering = ["organization", "-year", "person__last_name", "person__first_name", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "person"], name="one_evaluation_sheet_per_year"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("evaluator")), name="evaluation_sheet_evaluator_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "year"], name="evaluation_sheet_person"),
            models.Index(fields=["evaluator", "year"], name="evaluation_sheet_evaluator"),
        ]

    def __str__(self) -> str:
        return f"{self.year} – {self.person_id}"

    @transition(field="state", source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, *, score: Decimal, explanation: str, at: dt.datetime) -> None:
        self.final_score = score
        self.final_explanation = explanation
        self.submitted_at = at

    @transition(field="state", source=State.SUBMITTED, target=State.ACKNOWLEDGED)
    def acknowledge(self, *, observations: str, at: dt.datetime) -> None:
        self.observations = observations
        self.acknowledged_at = at


class BehaviourScore(models.Model):
    """The evaluator's score of one behaviour on a sheet, from 1 to the system's scale."""

    sheet = models.ForeignKey(EvaluationSheet, on_delete=models.CASCADE, related_name="behaviour_scores")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("punteggio"), validators=[MinValueValidator(1), MaxValueValidator(10)])
    comment = models.TextField(_("commento"), blank=True)

    class Meta:
        verbose_name = _("punteggio di un comportamento")
        verbose_name_plural = _("punteggi dei comportamenti")
        ordering = ["sheet", "behaviour__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "behaviour"], name="one_score_per_behaviour"),
            models.CheckConstraint(condition=models.Q(score__gte=1), name="behaviour_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.behaviour_id}: {self.score}"

    def clean(self) -> None:
        scale = self.behaviour.system.behaviour_scale if self.behaviour_id else None
        if scale is not None and self.score is not None and not 1 <= self.score <= scale:
            raise ValidationError({"score": _("Il punteggio va da 1 a %(scale)s.") % {"scale": scale}})


class ScoreSnapshot(models.Model):
    """The scores of a plan's year as `evaluation.scores.plan_scores` gave them when the daily task last
    recomputed them (`evaluation.tasks.refresh_scores`): derived data, rewritten whole, never edited."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="score_snapshots")
    year = models.PositiveSmallIntegerField(_("anno"))
    computed_at = models.DateTimeField(_("calcolato il"))
    # The place in the organization's audit chain (workflow.AuditEntry.seq) up to which the changes were read
    # when the scores were computed; none where there is no trail (SQLite).
    trail_seq = models.BigIntegerField(_("posizione nel registro"), null=True, blank=True)
    body_score = models.DecimalField(_("punteggio dell'ente"), max_digits=7, decimal_places=2, null=True, blank=True)
    body_level = models.CharField(_("livello dell'ente"), max_length=20)
    data = models.JSONField(_("punteggi"), default=dict)  # evaluation.scores.as_json
    # The indicators measured below their target (achievement under 100%), by id: what the homes count and the
    # indicators page lists with «Sotto il traguardo», without reading `data` (megabytes for a large plan).
    below_target = models.JSONField(_("indicatori sotto il traguardo"), default=list)

    class Meta:
        verbose_name = _("punteggi calcolati")
        verbose_name_plural = _("punteggi calcolati")
        ordering = ["plan", "-year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="one_score_snapshot_per_plan_year")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year}"


class ScoreWatermark(models.Model):
    """How far the daily task has read an organization's audit chain: the last `seq` whose changes are in the
    snapshots. Per organization, because the chain's `seq` follows the order of commits within an
    organization, while the trail's ids follow the order of inserts (a transaction that commits late may hold
    lower ids than rows already read)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="score_watermark")
    seq = models.BigIntegerField(_("ultima posizione letta"), default=0)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("avanzamento del calcolo dei punteggi")
        verbose_name_plural = _("avanzamento del calcolo dei punteggi")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.seq}"
