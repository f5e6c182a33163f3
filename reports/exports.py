"""Preparing documents in the background (the Relazione, the intermediate monitoring report, the PIAO section, the
evidence pack): request, claim, render with its stages recorded, store, tell the requester by mail, resume.

Which documents come here is decided by their measured size (reports.sizing), not by a count of objectives.

State lives in `ReportExport` rows; the broker only carries wake-up calls. A request whose task never reached
the broker, or whose worker died, is resumed by `resume_exports`, which beat runs every few minutes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.documents import document_ready
from plans.models import Plan
from reports import sizing
from reports.action_sheets import build_action_sheets
from reports.as_of import build_monitoring
from reports.evidence_pack.errors import NotValidated
from reports.formats import FORMATS
from reports.models import ReportExport
from reports.opendata import open_data_head, open_data_objectives
from reports.piao import PlanNotAdopted, build_piao_section
from reports.relazione import build_relazione
from reports.render.monitoring import FORMATS as MONITORING_FORMATS
from reports.render.monitoring import filename as monitoring_filename
from reports.render.piao import FORMATS as PIAO_FORMATS
from reports.render.piao import filename as piao_filename
from reports.sheet_formats import EVERY_FORMAT as SHEETS_FORMATS
from reports.sizing import PlanSize, estimate

logger = logging.getLogger(__name__)

# The evidence pack of a validated year is a job of its own kind (reports.evidence_pack), never a Relazione format.
PACK_FORMAT = "zip"
# A queued job younger than this is left to the task sent with it; older ones are sent again.
QUEUED_GRACE = dt.timedelta(minutes=2)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.REPORT_EXPORT_LEASE_SECONDS)


def kind_of(fmt: str, as_of: dt.date | None, kind: str | None = None) -> str:
    """The job's kind: the evidence pack for a zip, the monitoring report with a date, else `kind` (Relazione)."""
    if fmt == PACK_FORMAT:
        return ReportExport.Kind.PACK
    if as_of is not None:
        return ReportExport.Kind.MONITORING
    return kind or ReportExport.Kind.RELAZIONE


def estimate_seconds(plan: Plan, kind: str, fmt: str, year: int | None = None) -> float | None:
    """The measured estimate of the document's preparation (reports.sizing); None for a kind never long."""
    if kind == ReportExport.Kind.PACK:
        return None
    if kind == ReportExport.Kind.SHEETS:
        return estimate(kind, fmt, PlanSize.of_sheets(plan))
    return estimate(kind, fmt, PlanSize.of(plan, year))


def needs_background(plan: Plan, fmt: str, *, kind: str = sizing.RELAZIONE, year: int | None = None) -> bool:
    """Whether the document would take longer than a web request should: then a worker prepares it."""
    seconds = estimate_seconds(plan, kind, fmt, year)
    return seconds is not None and seconds > settings.REPORT_INLINE_MAX_SECONDS


def request_export(
    *, actor: Any, plan: Plan, year: int, fmt: str, as_of: dt.date | None = None, kind: str | None = None
) -> tuple[ReportExport, bool]:
    """The job preparing this document (the Relazione of `year`, with `as_of` the monitoring report at that
    date, with `kind` another document of the plan): a new one (True), or the one already under way (False)."""
    kind = kind_of(fmt, as_of, kind)
    pending = ReportExport.objects.filter(
        plan=plan, kind=kind, year=year, fmt=fmt, as_of=as_of, status__in=ReportExport.PENDING
    )
    existing = pending.defer("content").first()
    if existing is not None:
        return existing, False
    seconds = estimate_seconds(plan, kind, fmt, year)
    try:
        with transaction.atomic():
            export = ReportExport.objects.create(
                plan=plan, kind=kind, year=year, fmt=fmt, as_of=as_of, requested_by=actor, estimate_seconds=seconds
            )
            transaction.on_commit(lambda: enqueue(export.pk))
    except IntegrityError:  # someone asked for it in the same instant
        return pending.defer("content").get(), False
    return export, True


def enqueue(export_id: int) -> None:
    """Ask a worker to prepare the document. If the broker cannot be reached the job stays queued in the
    database and `resume_exports` sends it later: the request has been recorded and must not fail."""
    from reports.tasks import prepare_export

    try:
        prepare_export.delay(export_id)
    except Exception:
        logger.exception("broker unreachable: export %s stays queued for the next resume", export_id)


def claim(export_id: int, now: dt.datetime) -> ReportExport | None:
    """Take the job for this worker, if it is queued or its previous worker's lease has run out."""
    with transaction.atomic():
        export = (
            ReportExport.objects.select_for_update(skip_locked=True)
            .select_related("plan")
            .defer("content")
            .filter(pk=export_id, status__in=ReportExport.PENDING)
            .first()
        )
        lease = export.lease_until if export is not None else None
        if export is None or (export.status == ReportExport.Status.RUNNING and lease is not None and lease > now):
            return None
        export.status = ReportExport.Status.RUNNING
        export.started_at = export.stage_at = now
        export.stage = ReportExport.Stage.READING
        export.lease_until = now + _lease()
        export.attempts += 1
        export.save(update_fields=["status", "started_at", "stage", "stage_at", "lease_until", "attempts"])
    return export


def prepare(export_id: int) -> str:
    """Render the document of a claimed job and store it; what happened, for the worker's log."""
    export = claim(export_id, timezone.now())
    if export is None:
        return "skipped"
    if export.attempts > settings.REPORT_EXPORT_MAX_ATTEMPTS:
        return _fail(export, _("La preparazione è stata interrotta %(count)d volte.") % {"count": export.attempts - 1})
    try:
        content, filename = _render(export, lambda stage: _advance(export, stage))
    except NotValidated as refusal:  # reopened since the pack was asked for: nothing to seal now
        return _fail(export, str(refusal))
    except PlanNotAdopted:  # the plan went back to draft since the PIAO section was asked for
        return _fail(export, _("Il piano è tornato in bozza: la sezione del PIAO si prepara dal piano adottato."))
    except Exception:
        logger.exception("export %s of plan %s failed", export.pk, export.plan_id)
        return _fail(export, _("Si è verificato un errore durante la preparazione del documento."))
    done = ReportExport.objects.filter(pk=export.pk, status=ReportExport.Status.RUNNING, attempts=export.attempts)
    _advance(export, ReportExport.Stage.STORING)
    finished = timezone.now()
    updated = done.update(
        status=ReportExport.Status.READY,
        content=content,
        size=len(content),
        filename=filename,
        finished_at=finished,
        stage=ReportExport.Stage.DONE,
        stage_at=finished,
        lease_until=None,
    )
    if not updated:
        return "superseded"
    if export.kind != ReportExport.Kind.PACK:  # the pack's page is the OIV's and the director's own
        document_ready(export, finished)
    return "ready"


def _advance(export: ReportExport, stage: str) -> None:
    """Record the job's stage for its page; a job taken over by another worker meanwhile is left alone."""
    ReportExport.objects.filter(pk=export.pk, status=ReportExport.Status.RUNNING, attempts=export.attempts).update(
        stage=stage, stage_at=timezone.now()
    )


def _render(export: ReportExport, advance: Callable[[str], None]) -> tuple[bytes, str]:
    """The document's bytes and file name; `advance` is told when the data are read and the writing begins."""
    rendering = ReportExport.Stage.RENDERING
    if export.kind == ReportExport.Kind.PACK:
        from reports.evidence_pack.pack import build_evidence_pack

        pack = build_evidence_pack(plan=export.plan, year=export.year)
        return pack.content, pack.filename
    if export.kind == ReportExport.Kind.MONITORING and export.as_of is not None:
        report = build_monitoring(plan=export.plan, moment=export.as_of)
        advance(rendering)
        _content_type, render = MONITORING_FORMATS[export.fmt]
        return render(report), monitoring_filename(report, export.fmt)
    if export.kind == ReportExport.Kind.PIAO:
        section = build_piao_section(plan=export.plan)
        advance(rendering)
        return PIAO_FORMATS[export.fmt][1](section), piao_filename(section, export.fmt)
    if export.kind == ReportExport.Kind.SHEETS:
        sheets = build_action_sheets(plan=export.plan)
        advance(rendering)
        chosen = SHEETS_FORMATS[export.fmt]
        return chosen.render(sheets), chosen.filename(sheets)
    fmt = FORMATS[export.fmt]
    if fmt.stream is not None:  # the CSV files: their own lighter reading, written as it goes
        head = open_data_head(export.plan, export.year)
        advance(rendering)
        return b"".join(fmt.stream(head, open_data_objectives(export.plan, export.year))), fmt.filename(head)
    relazione = build_relazione(plan=export.plan, year=export.year)
    advance(rendering)
    return fmt.render(relazione), fmt.filename(relazione)


def content_type(export: ReportExport) -> str:
    """The Content-Type of a prepared document, by its kind and format."""
    if export.kind == ReportExport.Kind.MONITORING:
        return MONITORING_FORMATS[export.fmt][0]
    if export.kind == ReportExport.Kind.PIAO:
        return PIAO_FORMATS[export.fmt][0]
    if export.kind == ReportExport.Kind.SHEETS:
        return SHEETS_FORMATS[export.fmt].content_type
    return FORMATS[export.fmt].content_type


def _fail(export: ReportExport, message: str) -> str:
    ReportExport.objects.filter(pk=export.pk, attempts=export.attempts).update(
        status=ReportExport.Status.FAILED,
        error=message,
        finished_at=timezone.now(),
        stage=ReportExport.Stage.DONE,
        lease_until=None,
    )
    return "failed"


def resume_exports(now: dt.datetime) -> list[int]:
    """Send again the jobs nobody is working on: queued for a while, or running past their lease."""
    stalled = ReportExport.objects.filter(
        status=ReportExport.Status.QUEUED, requested_at__lt=now - QUEUED_GRACE
    ) | ReportExport.objects.filter(status=ReportExport.Status.RUNNING, lease_until__lt=now)
    ids = list(stalled.order_by("requested_at").values_list("pk", flat=True))
    for export_id in ids:
        enqueue(export_id)
    return ids
