"""The OIV's validation of the Relazione sulla Performance (art. 14, comma 4, lettera c, d.lgs. 150/2009).

Each body keeps its own checklist of criteria (ValidationCriterion), seeded with the criteria of the Funzione
Pubblica's guidelines (Linee guida per la Relazione annuale sulla performance, n. 3, novembre 2018, § 4) and
editable by its director. For a closed plan, the OIV works on a draft (Validation without an outcome), one check
per criterion (ValidationCheck: met, partially met, not met, with a note), writes general observations, and records
an outcome, which is final: "validata" and "validata con osservazioni" validate the plan in the same transaction,
"non validata" leaves it closed and a later attempt may follow. Every attempt is kept; all three tables are in the
audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Organization, Plan

GUIDELINES = _(
    "Criteri delle Linee guida per la Relazione annuale sulla performance n. 3 del novembre 2018 del "
    "Dipartimento della Funzione Pubblica, § 4 «La validazione della Relazione» (art. 14, comma 4, lettera c, "
    "d.lgs. 150/2009)."
)

# (title, guidance): the criteria of the guidelines, in their order, as each body starts with them.
DEFAULT_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        "Coerenza con il Piano",
        "I contenuti della Relazione sono coerenti con quelli del Piano della performance dell'anno.",
    ),
    (
        "Coerenza delle valutazioni",
        "La valutazione della performance organizzativa complessiva è coerente con le valutazioni degli obiettivi "
        "riportate nella Relazione.",
    ),
    (
        "Completezza dei risultati",
        "La Relazione presenta i risultati di tutti gli obiettivi e indicatori del Piano.",
    ),
    (
        "Evidenza degli scostamenti",
        "Per ogni obiettivo e indicatore sono evidenziati gli scostamenti fra risultati attesi e conseguiti, con la "
        "loro motivazione.",
    ),
    (
        "Attendibilità dei dati e delle fonti",
        "I dati sono affidabili, con preferenza per fonti esterne certificate o fonti interne non autodichiarate "
        "(ad esempio il controllo di gestione).",
    ),
    (
        "Adeguatezza del processo di misurazione e valutazione",
        "Il processo descritto nella Relazione rispetta fasi e tempi del Sistema di misurazione e valutazione.",
    ),
    (
        "Conformità",
        "Struttura e contenuti sono conformi alle norme vigenti e alle linee guida del Dipartimento della Funzione "
        "Pubblica.",
    ),
    (
        "Sinteticità",
        "La Relazione è sintetica: lunghezza contenuta, rinvii ad altri documenti e banche dati dove servono.",
    ),
    (
        "Chiarezza e comprensibilità",
        "Il linguaggio e le rappresentazioni grafiche rendono la Relazione comprensibile ai cittadini.",
    ),
)


class ValidationCriterion(models.Model):
    """A criterion of the body's validation checklist."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="validation_criteria", verbose_name=_("ente")
    )
    position = models.PositiveSmallIntegerField(_("posizione"), default=0)
    title = models.CharField(_("criterio"), max_length=200)
    guidance = models.TextField(_("che cosa si verifica"), blank=True, help_text=GUIDELINES)
    active = models.BooleanField(
        _("in uso"), default=True, help_text=_("Un criterio non più in uso resta nelle validazioni già registrate.")
    )

    class Meta:
        verbose_name = _("criterio di validazione")
        verbose_name_plural = _("criteri di validazione")
        ordering = ["organization", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="one_criterion_per_title")]

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    VALIDATED = "validata", _("validata")
    WITH_OBSERVATIONS = "validata_con_osservazioni", _("validata con osservazioni")
    NOT_VALIDATED = "non_validata", _("non validata")


POSITIVE_OUTCOMES = (Outcome.VALIDATED, Outcome.WITH_OBSERVATIONS)


class Validation(models.Model):
    """One attempt of the OIV at validating a plan's Relazione: a draft while `outcome` is empty, final once
    recorded."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="validations", verbose_name=_("piano"))
    year = models.PositiveSmallIntegerField(_("anno della Relazione"))
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("OIV")
    )
    opened_at = models.DateTimeField(_("aperta il"), default=timezone.now)
    updated_at = models.DateTimeField(_("aggiornata il"), default=timezone.now)
    observations = models.TextField(_("osservazioni"), blank=True)
    motivation = models.TextField(_("motivazione della mancata validazione"), blank=True)
    outcome = models.CharField(_("esito"), max_length=30, choices=Outcome.choices, blank=True)
    recorded_at = models.DateTimeField(_("registrata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("validazione della Relazione")
        verbose_name_plural = _("validazioni della Relazione")
        ordering = ["plan", "-opened_at", "-pk"]
        constraints = [
            # One draft at a time per plan; recorded attempts are all kept.
            models.UniqueConstraint(fields=["plan"], condition=models.Q(outcome=""), name="one_validation_draft"),
            models.CheckConstraint(
                condition=models.Q(outcome="", recorded_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(recorded_at__isnull=False)),
                name="validation_recorded_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}: {self.get_outcome_display() or _('bozza')}"

    @property
    def is_draft(self) -> bool:
        return not self.outcome


class ValidationCheck(models.Model):
    """The OIV's finding on one criterion. The criterion's title is copied: a recorded validation keeps the words
    it was given, whatever the body changes in its checklist later."""

    class Result(models.TextChoices):
        MET = "met", _("soddisfatto")
        PARTIAL = "partial", _("parzialmente soddisfatto")
        NOT_MET = "not_met", _("non soddisfatto")

    validation = models.ForeignKey(Validation, on_delete=models.CASCADE, related_name="checks")
    criterion = models.ForeignKey(
        ValidationCriterion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("posizione"), default=0)
    title = models.CharField(_("criterio"), max_length=200)
    guidance = models.TextField(_("che cosa si verifica"), blank=True)
    result = models.CharField(_("esito"), max_length=10, choices=Result.choices, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("verifica di un criterio")
        verbose_name_plural = _("verifiche dei criteri")
        ordering = ["validation", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_result_display() or '—'}"
