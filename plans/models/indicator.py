from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.baselines import References
from plans.models.plan import Objective
from plans.models.weights import weight_field, weight_raw_field
from plans.parsing import ValueKind, ValueSpec

VALUE_KIND_CHOICES = [
    (ValueKind.EMPTY.value, _("vuoto")),
    (ValueKind.NUMBER.value, _("numero")),
    (ValueKind.PERCENT.value, _("percentuale")),
    (ValueKind.RATIO.value, _("rapporto")),
    (ValueKind.THRESHOLD.value, _("soglia")),
    (ValueKind.DATE.value, _("data")),
    (ValueKind.BOOLEAN.value, _("sì/no")),
    (ValueKind.RELATIVE.value, _("rispetto alla baseline")),
    (ValueKind.TEXT.value, _("testo")),
]


class Indicator(models.Model):
    class Direction(models.TextChoices):
        INCREASE = "increase", _("più è alto, meglio è")
        DECREASE = "decrease", _("più è basso, meglio è")
        TARGET = "target", _("valore obiettivo")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(_("posizione"))
    name = models.TextField(_("indicatore"))
    description = models.TextField(_("descrizione"), blank=True)
    indicator_type = models.CharField(_("tipo"), max_length=60, blank=True)
    unit = models.CharField(_("unità di misura"), max_length=30, blank=True)
    direction = models.CharField(_("verso"), max_length=10, choices=Direction.choices, default=Direction.TARGET)
    # Within its objective; None weighs as 1, so that an objective without weights has equal ones.
    weight = weight_field()
    weight_raw = weight_raw_field()
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["objective", "position"]
        constraints = [models.UniqueConstraint(fields=["objective", "position"], name="unique_indicator_position")]

    def __str__(self) -> str:
        return self.name[:80]


class ParsedValue(models.Model):
    """A value kept exactly as written (`raw`) and as parsed meaning; `parsed` False flags free text."""

    raw = models.TextField(_("valore (testo originale)"), blank=True)
    kind = models.CharField(_("forma"), max_length=10, choices=VALUE_KIND_CHOICES, default=ValueKind.EMPTY.value)
    operator = models.CharField(_("operatore"), max_length=2, blank=True)
    value = models.DecimalField(_("valore"), max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(_("numeratore"), max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(_("denominatore"), max_digits=20, decimal_places=6, null=True, blank=True)
    date_value = models.DateField(_("data"), null=True, blank=True)
    boolean = models.BooleanField(_("sì/no"), null=True, blank=True)
    parsed = models.BooleanField(_("interpretato"), default=True)

    class Meta:
        abstract = True

    @staticmethod
    def spec_values(spec: ValueSpec) -> dict[str, object]:
        return {
            "raw": spec.raw,
            "kind": spec.kind.value,
            "operator": spec.operator,
            "value": spec.value,
            "numerator": spec.numerator,
            "denominator": spec.denominator,
            "date_value": spec.date,
            "boolean": spec.boolean,
            "parsed": spec.parsed,
        }


class IndicatorTarget(ParsedValue):
    """The expected value (valore atteso) of an indicator for one year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("anno"))
    source = models.TextField(
        _("fonte normativa"),
        blank=True,
        default="",
        db_default="",
        help_text=_("La norma o l'atto che fissa il valore atteso, se c'è."),
    )

    class Meta:
        verbose_name = _("valore atteso")
        verbose_name_plural = _("valori attesi")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="unique_target_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw}"


class IndicatorBaseline(ParsedValue):
    """An indicator's baseline: the value it starts from, against which targets such as "Aumento del 30%
    rispetto alla baseline" are stated (plans.scoring resolves them). One per indicator, kept as written and
    parsed like a target; `year` is the year it refers to, when the document gives one, and a target naming a
    year ("rispetto al 2023") is measured only against a baseline of that year or of none stated. A plan that
    restates its baseline for a later cycle changes this row, and the audit trail keeps the earlier one."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="baseline")
    year = models.PositiveSmallIntegerField(_("anno di riferimento"), null=True, blank=True)
    source = models.TextField(_("fonte"), blank=True, help_text=_("Da dove viene il valore: documento, rilevazione."))

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baseline")

    def __str__(self) -> str:
        return f"{self.raw} ({self.year})" if self.year else self.raw


class HistoricalValue(ParsedValue):
    """A value an indicator had in a year before the plan (a "serie storica": 2022, 2023, 2024), kept as written
    and parsed like a target. Beside the baseline, not instead of it: a target stated against a year ("+10%
    rispetto al 2023") is measured against the historical value of that year when the baseline is of another
    (plans.baselines.References)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="history")
    year = models.PositiveSmallIntegerField(_("anno"))
    source = models.TextField(_("fonte"), blank=True, help_text=_("Da dove viene il valore: documento, rilevazione."))

    class Meta:
        verbose_name = _("valore storico")
        verbose_name_plural = _("valori storici")
        ordering = ["indicator_id", "year"]  # the column: "indicator" would order by the indicator's own ordering
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="unique_history_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw}"


def baseline_of(indicator: Indicator) -> IndicatorBaseline | None:
    """The indicator's baseline, None when it has none. Load indicators with select_related("baseline"), or it
    costs a query each."""
    try:
        return indicator.baseline
    except IndicatorBaseline.DoesNotExist:
        return None


# Where a list of indicators carries each one's historical values, read with the list: a Prefetch's to_attr.
HISTORY_ROWS = "history_rows"


def history_prefetch() -> Prefetch[Any]:
    """The historical values of a list of indicators, in one query, for references_of."""
    return Prefetch("history", queryset=HistoricalValue.objects.order_by("year"), to_attr=HISTORY_ROWS)


def references_of(indicator: Indicator) -> References:
    """The indicator's baseline and historical values, against which its relative targets are measured. Load
    a list of indicators with select_related("baseline") and history_prefetch(), or it costs two queries each."""
    rows = getattr(indicator, HISTORY_ROWS, None)
    history = tuple(rows) if rows is not None else tuple(indicator.history.order_by("year"))
    return References(baseline_of(indicator), history)


class Measurement(ParsedValue):
    """An actual value (valore consuntivo) of an indicator. Every measurement is kept: the latest of a
    year is the current one, the earlier ones are its history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    year = models.PositiveSmallIntegerField(_("anno"))
    measured_on = models.DateField(_("rilevato il"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("registrato da")
    )
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)
    # Where the organization wants it, the area head confirms a value recorded by staff.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confermato da"),
    )
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("valore consuntivo")
        verbose_name_plural = _("valori consuntivi")
        ordering = ["indicator", "year", "measured_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw}"


def evidence_path(evidence: MeasurementEvidence, filename: str) -> str:
    """Under the organization and a random folder: a stored name says nothing and never collides."""
    organization = evidence.measurement.indicator.objective.plan.organization_id
    return f"evidenze/{organization}/{uuid.uuid4().hex}/{filename}"


class MeasurementEvidence(models.Model):
    """A file that documents a measurement (a register, a minute, a count): kept through Django's storage API, so
    that object storage can serve it later, and never served but to those who see the indicator."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("nome del file"), max_length=200, help_text=_("Come è stato caricato."))
    content_type = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("caricato da")
    )
    uploaded_at = models.DateTimeField(_("caricato il"), default=timezone.now)

    class Meta:
        verbose_name = _("documentazione del valore")
        verbose_name_plural = _("documentazione dei valori")
        ordering = ["measurement", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class IndicatorMotivation(models.Model):
    """Why an indicator missed its target in a year: the area head's motivation, which the Relazione's annex of
    deviations prints beside the figures. One per indicator and year; its changes are in the audit trail."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="motivations")
    year = models.PositiveSmallIntegerField(_("anno"))
    text = models.TextField(_("motivazione"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scritta da")
    )
    written_at = models.DateTimeField(_("scritta il"), default=timezone.now)

    class Meta:
        verbose_name = _("motivazione dello scostamento")
        verbose_name_plural = _("motivazioni degli scostamenti")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="one_motivation_per_year")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"
