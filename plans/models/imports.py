from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models.organization import Organization
from plans.models.plan import Plan


class PlanImport(models.Model):
    """A plan file uploaded on the web import page, and what its import found (plans.importing.jobs).

    A worker runs it: a large plan takes a minute, longer than a request may. The file is kept with the job (in the
    database, as the prepared documents are), so that what was imported can always be seen again; `outcome` holds
    what the person is shown: the counts, the values kept as written without a meaning and, for a refused file,
    its problems, each with its place in the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in coda")
        RUNNING = "running", _("in corso")
        DONE = "done", _("completata")
        REFUSED = "refused", _("file rifiutato")
        FAILED = "failed", _("non riuscita")

    PENDING = (Status.QUEUED, Status.RUNNING)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="plan_imports", verbose_name=_("ente")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("richiesta da")
    )
    requested_at = models.DateTimeField(_("richiesta il"), default=timezone.now)
    filename = models.CharField(_("nome del file"), max_length=200)
    content = models.BinaryField(_("contenuto"), editable=False)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    dry_run = models.BooleanField(_("solo verifica"), default=True)
    strict = models.BooleanField(_("rifiuta i valori non interpretati"), default=False)
    # For a plan already adopted, whose differences become change requests (workflow.changes.reimport).
    motivation = models.TextField(_("motivazione"), blank=True)
    act = models.CharField(_("atto"), max_length=300, blank=True)
    act_date = models.DateField(_("data dell'atto"), null=True, blank=True)
    # For a Word document that does not say them (plans.importing.word.Identity).
    plan_code = models.CharField(_("codice del piano"), max_length=60, blank=True, default="", db_default="")
    plan_title = models.CharField(_("titolo del piano"), max_length=300, blank=True, default="", db_default="")
    plan_year = models.PositiveSmallIntegerField(_("anno del piano"), null=True, blank=True)
    # For a check that was confirmed: the import that followed it (once; a second confirmation leads to it).
    confirmed_as = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("confermata con")
    )
    status = models.CharField(_("stato"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(_("iniziata il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminata il"), null=True, blank=True)
    # A worker holds the job until then; after it, the job is taken to be lost with its worker and is resumed.
    lease_until = models.DateTimeField(_("in carico fino al"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    # The plan written (not for a check, which writes nothing).
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("piano")
    )
    outcome = models.JSONField(_("esito"), default=dict, blank=True)
    error = models.TextField(_("errore"), blank=True)

    class Meta:
        verbose_name = _("importazione di un piano")
        verbose_name_plural = _("importazioni di piani")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="plan_import_requester")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING
