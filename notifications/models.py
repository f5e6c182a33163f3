"""The outbox: every message the system plans to send is a row before it is a mail.

A row is unique by (kind, target, period, recipient), so a scan that runs twice plans nothing twice. Whoever
sends a row first claims it with a conditional UPDATE (pending → sending); a second worker, a second beat or
a redelivered task finds nothing left to claim. A row whose sender died mid-send is handed back after its
lease expires. A row that is no longer true when its turn comes (the request was decided, the item closed,
the person no longer holds the role) is dropped instead, with the reason (notifications.staleness).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from plans.models import Activity, Organization, WorkState


class Message(models.Model):
    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("promemoria di scadenza")
        OVERDUE = "overdue", _("scadenza superata")
        ESCALATION = "escalation", _("segnalazione al responsabile")
        DIRECTOR_DIGEST = "director_digest", _("riepilogo settimanale per il direttore")
        MONITORING = "monitoring", _("richiesta di monitoraggio mensile")
        MONITORING_REMINDER = "monitoring_reminder", _("sollecito del monitoraggio")
        MONITORING_MISSING = "monitoring_missing", _("monitoraggio: chi non ha risposto")
        APPROVAL_NEEDED = "approval_needed", _("richiesta da approvare")
        REQUEST_DECIDED = "request_decided", _("esito della richiesta")
        FORECAST = "forecast", _("obiettivi che rischiano di mancare il traguardo")
        LEGAL_DEADLINE = "legal_deadline", _("scadenza di legge del ciclo della performance")
        DOCUMENT_READY = "document_ready", _("documento pronto da scaricare")
        APPROVAL_REMINDER = "approval_reminder", _("sollecito di una richiesta da approvare")
        APPROVAL_ESCALATION = "approval_escalation", _("richiesta ferma: segnalazione al livello superiore")

    class Status(models.TextChoices):
        PENDING = "pending", _("da inviare")
        SENDING = "sending", _("in invio")
        SENT = "sent", _("inviato")
        FAILED = "failed", _("non recapitabile")
        DROPPED = "dropped", _("non più attuale")  # stale at send time: never sent, never retried

    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox", verbose_name=_("destinatario")
    )
    target = models.CharField(_("oggetto"), max_length=40, help_text="activity:12, objective:3, request:7, area:2…")
    period = models.CharField(_("periodo"), max_length=40, help_text="The deadline, lead time, week or month.")
    context = models.JSONField(_("dati"), default=dict, blank=True)
    due_on = models.DateField(_("da inviare il"))
    status = models.CharField(_("stato"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), default=timezone.now)
    claim = models.UUIDField(_("invio in corso"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    # db_default: the scans insert rows naming only the columns they plan (scans.PLANNED_FIELDS).
    dropped_reason = models.TextField(_("perché non è stato inviato"), blank=True, db_default="")
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    # When the recipient saw it in the application's list of their notices (notifications.notice_views).
    read_at = models.DateTimeField(_("letto il"), null=True, blank=True)

    class Meta:
        verbose_name = _("messaggio")
        verbose_name_plural = _("messaggi in uscita")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target", "period", "recipient"], name="one_message_per_key"),
        ]
        indexes = [
            # The dispatcher's one query: what is pending and due.
            models.Index(fields=["next_attempt_at"], name="message_pending", condition=models.Q(status="pending")),
            models.Index(fields=["claimed_at"], name="message_sending", condition=models.Q(status="sending")),
            # A person's notices, newest first (notifications.notice_views), a page at a time.
            models.Index(fields=["recipient", "-created_at", "-id"], name="message_notices"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.period})"


class Preference(models.Model):
    """How a person wants their mail: each message as it comes (grouped per run), or one daily digest."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("subito (un messaggio per invio)")
        DAILY = "daily", _("un riepilogo al giorno")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference")
    delivery = models.CharField(_("recapito"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    language = models.CharField(_("lingua"), max_length=5, choices=settings.LANGUAGES, default="it")

    class Meta:
        verbose_name = _("preferenza di posta")
        verbose_name_plural = _("preferenze di posta")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_delivery_display()}"


class MonitoringRound(models.Model):
    """A month's monitoring in one organization: created once, when its requests are planned. The rounds in
    the database tell the scan which months are still missing after downtime."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="monitoring_rounds")
    month = models.DateField(_("mese"), help_text="The first day of the month.")
    planned_on = models.DateField(_("richieste il"), help_text="The day its requests were planned.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monitoraggio mensile")
        verbose_name_plural = _("monitoraggi mensili")
        ordering = ["organization", "-month"]
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="one_round_per_month")]

    def __str__(self) -> str:
        return f"{self.organization} {self.month:%m/%Y}"


class MonitoringAnswer(models.Model):
    """One answer to one item of a monthly request, given through its one-click link."""

    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="answers")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="monitoring_answers")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("stato dichiarato"), max_length=20, choices=WorkState.choices)
    progress = models.PositiveSmallIntegerField(_("avanzamento %"))
    note = models.TextField(_("nota"), blank=True)
    actual_end = models.DateField(_("conclusa il"), null=True, blank=True)
    answered_at = models.DateTimeField(_("risposta il"), default=timezone.now)

    class Meta:
        verbose_name = _("risposta al monitoraggio")
        verbose_name_plural = _("risposte al monitoraggio")
        ordering = ["-answered_at"]
        constraints = [
            # A link answers once: the second use of the same link finds this row and is refused.
            models.UniqueConstraint(fields=["round", "activity", "respondent"], name="one_answer_per_link"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_is_a_percentage"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} – {self.progress}% ({self.answered_at:%d/%m/%Y})"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The private address of a person's calendar of deadlines. The token in the address is the only
    credential a calendar program can send, so renewing it is how a leaked address is revoked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("persona")
    )
    # unique=True gives the index the feed's one lookup needs.
    token = models.CharField(
        _("codice segreto"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)

    class Meta:
        verbose_name = _("calendario delle scadenze")
        verbose_name_plural = _("calendari delle scadenze")

    def __str__(self) -> str:
        return str(self.user)


# ------------------------------------------------------------------------------ the legal calendar of the cycle


class LegalDeadline(models.TextChoices):
    """The deadlines the law sets for the performance cycle (notifications.legal_calendar says which law)."""

    PIANO = "piano", _("Adozione del Piano della performance / PIAO")
    MONITORAGGIO = "monitoraggio", _("Monitoraggio intermedio")
    RELAZIONE = "relazione", _("Approvazione della Relazione sulla performance")
    VALIDAZIONE = "validazione", _("Validazione della Relazione da parte dell'OIV")
    PUBBLICAZIONE = "pubblicazione", _("Pubblicazione in Amministrazione trasparente")


MONTH_DAY = RegexValidator(
    r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", _("Scrivi il giorno nel formato MM-GG, ad esempio 06-30.")
)
LEAD_DAYS = RegexValidator(
    r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
    _("Scrivi i giorni di preavviso come numeri separati da virgole, ad esempio 30,7,1."),
)


class LegalCalendar(models.Model):
    """The body's own legal calendar: the day of the year of each deadline (the law's by default) and how
    many days before it the director and the OIV are reminded. One row per body, created when first edited;
    without it the law's days and LEGAL_REMINDER_LEAD_DAYS apply (notifications.legal_calendar)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="legal_calendar", verbose_name=_("ente")
    )
    piano_due = models.CharField(
        _("Piano/PIAO entro il (MM-GG)"), max_length=5, default="01-31", validators=[MONTH_DAY]
    )
    monitoraggio_due = models.CharField(
        _("monitoraggio intermedio entro il (MM-GG)"), max_length=5, default="07-31", validators=[MONTH_DAY]
    )
    relazione_due = models.CharField(
        _("Relazione entro il (MM-GG dell'anno dopo)"), max_length=5, default="06-30", validators=[MONTH_DAY]
    )
    validazione_due = models.CharField(
        _("validazione OIV entro il (MM-GG dell'anno dopo)"), max_length=5, default="06-30", validators=[MONTH_DAY]
    )
    pubblicazione_due = models.CharField(
        _("pubblicazione entro il (MM-GG dell'anno dopo)"), max_length=5, default="06-30", validators=[MONTH_DAY]
    )
    lead_days = models.CharField(
        _("promemoria: giorni prima della scadenza"),
        max_length=60,
        blank=True,
        validators=[LEAD_DAYS],
        help_text=_(
            "Ad esempio 30,7,1; vuoto: il valore dell'installazione. Un promemoria parte anche il giorno stesso."
        ),
    )

    class Meta:
        verbose_name = _("calendario di legge del ciclo")
        verbose_name_plural = _("calendari di legge del ciclo")

    def __str__(self) -> str:
        return str(self.organization)


class LegalDeadlineYear(models.Model):
    """One deadline of one year of the cycle, where it departs from the calendar: a date set by a later law
    (the PIAO of 2022 by 30 June, a Comune's PIAO 30 days after its budget) or a duty the body marks as done
    (the publication, which no state of the plan records)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="legal_deadline_years", verbose_name=_("ente")
    )
    deadline = models.CharField(_("scadenza"), max_length=20, choices=LegalDeadline.choices)
    year = models.PositiveSmallIntegerField(
        _("anno del ciclo"), help_text=_("L'anno del piano (la Relazione 2026 scade nel 2027).")
    )
    due_on = models.DateField(_("scade il"), null=True, blank=True, help_text=_("Vuoto: la data del calendario."))
    done_on = models.DateField(_("adempiuto il"), null=True, blank=True)
    note = models.CharField(_("atto o nota"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("scadenza di legge di un anno")
        verbose_name_plural = _("scadenze di legge di un anno")
        ordering = ["organization", "-year", "deadline"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "deadline", "year"], name="one_legal_deadline_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_deadline_display()} {self.year}"


# ------------------------------------------------------------------------------ the body's own timings

WORKING_LEAD_DAYS = RegexValidator(
    r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$",
    _("Scrivi i giorni lavorativi di preavviso come numeri separati da virgole, ad esempio 14,7,1."),
)


def _working_days(label: StrOrPromise, most: int) -> Any:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(most)],
        help_text=_("In giorni lavorativi; vuoto: il valore dell'installazione."),
    )


class BodySettings(models.Model):
    """A body's own timings of its reminders, escalations and digests. One row per body, created when first
    edited; a blank field takes the installation's value (the environment's, config/settings.py). Read only
    through notifications.body_settings, which resolves the defaults. The patron saint's day is the
    organization's own field, the legal deadlines are the body's LegalCalendar: the settings page edits them
    beside these."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="body_settings", verbose_name=_("ente")
    )
    reminder_leads = models.CharField(
        _("promemoria delle scadenze: giorni lavorativi prima"),
        max_length=60,
        blank=True,
        validators=[WORKING_LEAD_DAYS],
        help_text=_("Ad esempio 14,7,1; vuoto: il valore dell'installazione."),
    )
    escalation_after = _working_days(_("segnalazione di una scadenza superata al responsabile d'area dopo"), 60)
    monitoring_reminder_after = _working_days(_("sollecito del monitoraggio mensile dopo"), 20)
    monitoring_missing_after = _working_days(_("elenco di chi non ha risposto al monitoraggio dopo"), 30)
    approval_reminder_after = _working_days(_("sollecito di chi deve approvare una richiesta dopo"), 60)
    approval_escalation_after = _working_days(_("segnalazione di una richiesta ferma al livello superiore dopo"), 60)
    digest_hour = models.PositiveSmallIntegerField(
        _("ora del riepilogo giornaliero"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(23)],
        help_text=_("Da 0 a 23; vuoto: il valore dell'installazione."),
    )
    updated_at = models.DateTimeField(_("modificate il"), auto_now=True)

    class Meta:
        verbose_name = _("impostazioni dell'ente")
        verbose_name_plural = _("impostazioni degli enti")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        """Each escalation after its reminder, counting the installation's value where a field is blank (the
        settings page and the admin both ask this)."""
        errors = {}
        pairs = (
            ("approval_reminder_after", "approval_escalation_after", APPROVAL_ORDER),
            ("monitoring_reminder_after", "monitoring_missing_after", MONITORING_ORDER),
        )
        for first, then, message in pairs:
            before, after = self._effective(first), self._effective(then)
            if before is not None and after is not None and after <= before:
                errors[then] = ValidationError(message, params={"reminder": before})
        if errors:
            raise ValidationError(errors)

    def _effective(self, name: str) -> int | None:
        value = getattr(self, name)
        return value if value is not None else getattr(settings, INSTALLATION_VALUES[name])


INSTALLATION_VALUES = {
    "approval_reminder_after": "APPROVAL_REMINDER_AFTER_WORKING_DAYS",
    "approval_escalation_after": "APPROVAL_ESCALATION_AFTER_WORKING_DAYS",
    "monitoring_reminder_after": "MONITORING_REMINDER_AFTER_WORKING_DAYS",
    "monitoring_missing_after": "MONITORING_MISSING_AFTER_WORKING_DAYS",
}
APPROVAL_ORDER = _(
    "La segnalazione al livello superiore deve venire dopo il sollecito (%(reminder)d giorni lavorativi): scrivi "
    "un numero più grande."
)
MONITORING_ORDER = _(
    "L'elenco di chi non ha risposto deve venire dopo il sollecito (%(reminder)d giorni lavorativi): scrivi un "
    "numero più grande."
)
