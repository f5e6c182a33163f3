"""The web import: a plan file uploaded by a director (or the platform's operator), imported by a worker.

`request_import` keeps the file with a queued job (plans.models.PlanImport) and, after commit, asks a worker;
`run_import` is the worker's side: it takes the job, imports the file into the job's organization with the same
service as `manage.py import_plan` (plans.importing.service), and keeps what the person must see. Safe to run
twice: the job's row says whether there is still anything to do, and a job whose worker was lost is sent again
by `resume_imports` (beat). The file's own organization block is never used: the job's organization, which
the person directs, is the one written.

How far a running import is comes from the writer's progress (objectives written of all of them); it is kept in
the cache, not in the job's row, because the import writes in one transaction that nobody else sees until it
ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.importing.errors import PlanImportError
from plans.importing.service import ENTITY_LABELS, ImportResult, import_plan_file
from plans.importing.word import Identity
from plans.models import Organization, PlanImport

logger = logging.getLogger(__name__)

QUEUED_GRACE = dt.timedelta(minutes=2)
SUFFIXES = (".xlsx", ".docx", ".yaml", ".yml", ".json")
WORD = ".docx"  # read into a draft the person reviews: its first run is always a check
_UNSAFE = re.compile(r"[^\w.\- ]+")


def request_import(
    *,
    actor: Any,
    organization: Organization,
    filename: str,
    content: bytes,
    dry_run: bool,
    strict: bool,
    motivation: str = "",
    act: str = "",
    act_date: dt.date | None = None,
    identity: Identity | None = None,
) -> PlanImport:
    """A queued import of `content` into `organization`; a worker is asked once the transaction commits. A Word
    document is first only read (a check): the person reviews the draft, then confirms (`confirm_import`)."""
    name = safe_filename(filename)
    identity = identity or Identity()
    job = PlanImport.objects.create(
        organization=organization,
        requested_by=actor,
        filename=name,
        content=content,
        size=len(content),
        dry_run=dry_run or name.endswith(WORD),
        plan_code=identity.code,
        plan_title=identity.title,
        plan_year=identity.year,
        strict=strict,
        motivation=motivation,
        act=act,
        act_date=act_date,
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def confirm_import(job: PlanImport, *, actor: Any) -> PlanImport:
    """The import of a checked file (a Word document's reviewed draft), as it was checked: a new job with the same
    file and choices that writes. Once: a second confirmation (a double click) gets the same job."""
    with transaction.atomic():
        check = PlanImport.objects.select_for_update(of=("self",)).defer("content").get(pk=job.pk)
        if check.confirmed_as_id is not None:
            return PlanImport.objects.defer("content").get(pk=check.confirmed_as_id)
        confirmed = PlanImport.objects.create(
            organization=job.organization,
            requested_by=actor,
            filename=job.filename,
            content=PlanImport.objects.values_list("content", flat=True).get(pk=job.pk),
            size=job.size,
            dry_run=False,
            strict=job.strict,
            motivation=job.motivation,
            act=job.act,
            act_date=job.act_date,
            plan_code=job.plan_code,
            plan_title=job.plan_title,
            plan_year=job.plan_year,
        )
        check.confirmed_as = confirmed
        check.save(update_fields=["confirmed_as"])
    transaction.on_commit(lambda: enqueue(confirmed.pk))
    return confirmed


def safe_filename(name: str) -> str:
    """The uploaded file's own name, without folders or characters a file system may refuse: the import's
    messages name the file ("piano.xlsx, foglio «Attività», riga 4") as the person knows it."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "piano"
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    return f"{stem[: 190 - len(suffix)]}{suffix}"


def enqueue(job_id: int) -> None:
    """Ask a worker to run the import. If the broker cannot be reached the job stays queued in the database and
    `resume_imports` sends it later: the upload has been kept and the request must not fail."""
    from plans.tasks import run_plan_import

    try:
        run_plan_import.delay(job_id)
    except Exception:
        logger.exception("broker unreachable: plan import %s stays queued for the next resume", job_id)


def claim(job_id: int, now: dt.datetime) -> PlanImport | None:
    """Take the job for this worker, if it is queued or its previous worker's lease has run out."""
    with transaction.atomic():
        job = (
            PlanImport.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("organization", "requested_by")
            .filter(pk=job_id, status__in=PlanImport.PENDING)
            .first()
        )
        if job is None or (job.status == PlanImport.Status.RUNNING and job.lease_until and job.lease_until > now):
            return None
        job.status = PlanImport.Status.RUNNING
        job.started_at = now
        job.lease_until = now + dt.timedelta(seconds=settings.PLAN_IMPORT_LEASE_SECONDS)
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "lease_until", "attempts"])
    return job


def run_import(job_id: int) -> str:
    """Import the file of a claimed job and keep the outcome; what happened, for the worker's log."""
    job = claim(job_id, timezone.now())
    if job is None:
        return "skipped"
    if job.attempts > settings.PLAN_IMPORT_MAX_ATTEMPTS:
        return _finish(job, PlanImport.Status.FAILED, error=_("L'importazione è stata interrotta più volte."))
    cache.delete(progress_key(job.pk))
    with tempfile.TemporaryDirectory(prefix="traguardi-import-") as folder:
        path = Path(folder) / job.filename
        path.write_bytes(bytes(job.content))
        try:
            result = import_plan_file(
                path,
                organization_slug=job.organization.slug,
                dry_run=job.dry_run,
                strict=job.strict,
                reference_date=timezone.localdate(),
                progress=lambda done, total: _progress(job.pk, done, total),
                actor=job.requested_by,
                motivation=job.motivation,
                act=job.act,
                act_date=job.act_date,
                identity=Identity(job.plan_code, job.plan_title, job.plan_year),
            )
        except PlanImportError as refusal:
            problems = [asdict(problem) for problem in refusal.problems]
            return _finish(job, PlanImport.Status.REFUSED, outcome={"problems": problems})
        except Exception:
            logger.exception("plan import %s failed", job.pk)
            return _finish(job, PlanImport.Status.FAILED, error=_("Si è verificato un errore durante l'importazione."))
    return _finish(
        job, PlanImport.Status.DONE, outcome=outcome_of(result), plan_id=None if job.dry_run else result.plan.pk
    )


def outcome_of(result: ImportResult) -> dict[str, Any]:
    """What the job's page shows of an import (JSON)."""
    return {
        "plan": {"code": result.plan.code, "title": result.plan.title},
        "counts": [
            {"what": label, **asdict(counts)}
            for key, label in ENTITY_LABELS.items()
            if (counts := result.counts.get(key)) is not None
        ],
        "as_changes": result.as_changes,
        "change_requests": [
            {"objective": code, "request": pk, "applied": applied} for code, pk, applied in result.change_requests
        ],
        "not_imported": result.not_imported,
        "unread": [asdict(item) for item in result.unread],
        "unplaced": [asdict(item) for item in result.unplaced],
        "draft": result.draft,
    }


def _finish(
    job: PlanImport,
    status: str,
    *,
    outcome: dict[str, Any] | None = None,
    error: str = "",
    plan_id: int | None = None,
) -> str:
    """The outcome kept, unless another worker took the job over meanwhile (its own attempt then finishes it)."""
    PlanImport.objects.filter(pk=job.pk, status=PlanImport.Status.RUNNING, attempts=job.attempts).update(
        status=status,
        outcome=outcome or {},
        error=error,
        plan_id=plan_id,
        finished_at=timezone.now(),
        lease_until=None,
    )
    cache.delete(progress_key(job.pk))
    return str(status)


def progress_key(job_id: int) -> str:
    return f"plan-import-progress:{job_id}"


def _progress(job_id: int, done: int, total: int) -> None:
    cache.set(progress_key(job_id), (done, total), timeout=settings.PLAN_IMPORT_LEASE_SECONDS)


def percent(job: PlanImport) -> int | None:
    """How far a running import is, 0 to 99, from the objectives written of all of them as the writer reports
    (in batches: a plan of a few hundred objectives reports once, at the end); None when it has not said yet."""
    found = cache.get(progress_key(job.pk)) if job.status == PlanImport.Status.RUNNING else None
    if not found or not found[1]:
        return None
    done, total = found
    return min(99, round(100 * done / total))


def resume_imports(now: dt.datetime) -> list[int]:
    """Send again the jobs nobody is working on: queued for a while, or running past their lease."""
    stalled = PlanImport.objects.filter(
        status=PlanImport.Status.QUEUED, requested_at__lt=now - QUEUED_GRACE
    ) | PlanImport.objects.filter(status=PlanImport.Status.RUNNING, lease_until__lt=now)
    ids = list(stalled.order_by("requested_at").values_list("pk", flat=True))
    for job_id in ids:
        enqueue(job_id)
    return ids
