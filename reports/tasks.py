"""Celery tasks for the documents prepared in the background. They take ids only and are safe to run twice:
the job's row says whether there is still anything to do."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from reports.exports import prepare, resume_exports


@shared_task(soft_time_limit=settings.REPORT_EXPORT_LEASE_SECONDS - 60)
def prepare_export(export_id: int) -> dict[str, str]:
    """Render one queued Relazione document and store it with its job."""
    return {"export": str(export_id), "outcome": prepare(export_id)}


@shared_task
def resume_stalled_exports() -> dict[str, int]:
    """Beat's job: send again the documents whose task was lost with the broker or with its worker."""
    return {"resumed": len(resume_exports(timezone.now()))}
