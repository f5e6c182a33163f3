"""Documents prepared in the background: the Relazione of a large plan takes longer than a web request may."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan


class ReportExport(models.Model):
    """One request for a Relazione document, and, once a worker has prepared it, the document itself.

    The file is kept in the database, so the web and worker containers need no shared volume and a backup of
    the database holds every document ever handed out. Each request keeps its own snapshot: the Relazione
    shows the plan as it was when the document was prepared, and `finished_at` says when that was."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in coda")
        RUNNING = "running", _("in preparazione")
        READY = "ready", _("pronto")
        FAILED = "failed", _("non riuscito")

    class Kind(models.TextChoices):
        RELAZIONE = "relazione", _("Relazione sulla Performance")
        MONITORING = "monitoring", _("monitoraggio intermedio")
        PIAO = "piao", _("sezione Performance del PIAO")
        PACK = "pack", _("pacchetto probatorio")
        OPEN_DATA = "dati-aperti", _("dati aperti")
        SHEETS = "schede", _("schede del Piano di Zona")

    class Stage(models.TextChoices):
        """Where a running job is: reading the plan, writing the document, storing it."""

        WAITING = "waiting", _("in attesa di un elaboratore")
        READING = "reading", _("lettura dei dati del piano")
        RENDERING = "rendering", _("composizione del documento")
        STORING = "storing", _("salvataggio del documento")
        DONE = "done", _("completato")

    PENDING = (Status.QUEUED, Status.RUNNING)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="exports", verbose_name=_("piano"))
    kind = models.CharField(_("documento"), max_length=12, choices=Kind.choices, default=Kind.RELAZIONE)
    year = models.PositiveSmallIntegerField(_("anno"))
    fmt = models.CharField(_("formato"), max_length=8)
    # Empty for the Relazione of `year`; for the intermediate monitoring report, its date (in `year`).
    as_of = models.DateField(_("monitoraggio al"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("richiesto da")
    )
    requested_at = models.DateTimeField(_("richiesto il"), default=timezone.now)
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminato il"), null=True, blank=True)
    # A worker holds the job until then; after it, the job is taken to be lost with its worker and is resumed.
    lease_until = models.DateTimeField(_("in carico fino al"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    filename = models.CharField(_("nome del file"), max_length=200, blank=True)
    content = models.BinaryField(_("contenuto"), null=True, editable=False)
    size = models.PositiveIntegerField(_("dimensione (byte)"), null=True, blank=True)
    error = models.TextField(_("errore"), blank=True)
    # Progress, for the job's page: the stage, written by the worker as it moves on, and the estimate of the whole
    # preparation (reports.sizing) against which the time spent in a stage is shown as a percentage.
    stage = models.CharField(_("fase"), max_length=10, choices=Stage.choices, default=Stage.WAITING)
    stage_at = models.DateTimeField(_("fase iniziata il"), null=True, blank=True)
    estimate_seconds = models.FloatField(_("durata stimata (secondi)"), null=True, blank=True)

    class Meta:
        verbose_name = _("documento preparato")
        verbose_name_plural = _("documenti preparati")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["plan", "year", "-requested_at"], name="export_plan_year")]
        constraints = [
            # One job at a time per document: a second request joins the one under way.
            models.UniqueConstraint(
                fields=["plan", "kind", "year", "fmt"],
                condition=models.Q(status__in=["queued", "running"], as_of__isnull=True),
                name="one_pending_export_per_document",
            ),
            # Two conditions rather than a unique (plan, year, fmt, as_of) with NULLS NOT DISTINCT, which needs
            # PostgreSQL 15 and which SQLite (the demo's database) lacks.
            models.UniqueConstraint(
                fields=["plan", "as_of", "fmt"],
                condition=models.Q(status__in=["queued", "running"], as_of__isnull=False),
                name="one_pending_monitoring_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year} {self.fmt.upper()} ({self.get_status_display()})"

    @property
    def document(self) -> str:
        """What the document is, for people: "Relazione sulla Performance 2026", "Monitoraggio intermedio al …"."""
        if self.fmt == "zip":  # reports.exports.PACK_FORMAT: the evidence pack of a validated year
            return _("Pacchetto probatorio %(year)d") % {"year": self.year}
        if self.kind == self.Kind.PIAO:
            return _("Sezione Performance del PIAO %(code)s") % {"code": self.plan.code}
        if self.kind == self.Kind.SHEETS:
            return _("Schede del Piano di Zona %(code)s") % {"code": self.plan.code}
        if self.kind == self.Kind.OPEN_DATA:
            return _("Dati aperti della Relazione sulla Performance %(year)d") % {"year": self.year}
        if self.as_of is None:
            return _("Relazione sulla Performance %(year)d") % {"year": self.year}
        return _("Monitoraggio intermedio al %(date)s") % {"date": f"{self.as_of:%d/%m/%Y}"}

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def estimate_whole_seconds(self) -> int:
        return max(round(self.estimate_seconds or 0), 1)

    def percent(self, now: dt.datetime) -> int:
        """How far the preparation is, 0 to 100: the stage's share, and within the rendering (the long part,
        which cannot report its own progress) the time spent against the estimate, never past 95 until done."""
        if self.status == self.Status.READY:
            return 100
        if self.status != self.Status.RUNNING or self.stage == self.Stage.WAITING:
            return 0
        if self.stage == self.Stage.READING:
            return 5
        if self.stage == self.Stage.STORING:
            return 95
        elapsed = (now - self.stage_at).total_seconds() if self.stage_at else 0.0
        share = elapsed / self.estimate_seconds if self.estimate_seconds else 0.5
        return 10 + round(85 * min(max(share, 0.0), 0.95))


class RelazioneChapter(models.Model):
    """A chapter of the Relazione that the director writes in the application: its presentation, the context, and
    how the report was drawn up. One per plan, year and kind; its changes are in the audit trail."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("presentazione")
        CONTEXT = "context", _("contesto e risorse")
        PROCESS = "process", _("processo di redazione")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("piano"))
    year = models.PositiveSmallIntegerField(_("anno"))
    kind = models.CharField(_("capitolo"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("testo"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scritto da")
    )
    written_at = models.DateTimeField(_("scritto il"), default=timezone.now)

    class Meta:
        verbose_name = _("capitolo della Relazione")
        verbose_name_plural = _("capitoli della Relazione")
        ordering = ["plan", "year", "kind"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "kind"], name="one_chapter_per_kind")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}: {self.get_kind_display()}"


class PiaoUpload(models.Model):
    """That the PIAO's performance section of a plan was uploaded to the Funzione Pubblica's portal
    (piao.dfp.gov.it): on what day, recorded by whom, with an optional note (the portal's receipt, a protocol
    number). Recorded by the body's director (reports.piao_uploads); in the audit trail. A plan may be uploaded
    more than once (an updated PIAO is uploaded again): every upload is kept."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="piao_uploads", verbose_name=_("piano"))
    uploaded_on = models.DateField(_("caricato sul portale il"))
    note = models.TextField(_("nota o protocollo"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrato da")
    )
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        verbose_name = _("caricamento sul portale PIAO")
        verbose_name_plural = _("caricamenti sul portale PIAO")
        ordering = ["plan", "-uploaded_on", "-pk"]
        indexes = [models.Index(fields=["plan", "-uploaded_on", "-id"], name="piao_upload_plan")]

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.uploaded_on:%d/%m/%Y}"
