"""Celery tasks of the plans: the web import of a plan file (plans.importing.jobs). They take ids only and are
safe to run twice: the job's row says whether there is still anything to do."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from plans.importing.jobs import resume_imports, run_import


@shared_task(soft_time_limit=settings.PLAN_IMPORT_LEASE_SECONDS - 60)
def run_plan_import(job_id: int) -> dict[str, str]:
    """Import the file of one queued job and keep what it found."""
    return {"import": str(job_id), "outcome": run_import(job_id)}


@shared_task
def resume_stalled_imports() -> dict[str, int]:
    """Beat's job: send again the imports whose task was lost with the broker or with its worker."""
    return {"resumed": len(resume_imports(timezone.now()))}
