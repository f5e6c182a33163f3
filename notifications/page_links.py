"""Absolute links to the pages, for mails and calendar feeds (which are read outside the site)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from plans.models import Activity, WorkItem


def item_url(item: WorkItem) -> str:
    name = "web:activity" if isinstance(item, Activity) else "web:objective"
    return f"{settings.SITE_URL}{reverse(name, args=[item.pk])}"


def request_url(request_id: int) -> str:
    """A request in the approvals inbox of whoever decides it next."""
    return f"{settings.SITE_URL}{reverse('web:inbox')}#richiesta-{request_id}"


def legal_calendar_url() -> str:
    """The year's legal calendar of the cycle, for the director and the OIV."""
    return f"{settings.SITE_URL}{reverse('notifications:legal-calendar')}"


def document_job_url(plan_id: int, export_id: int) -> str:
    """The page of a document prepared by a worker: its progress, then its download."""
    return f"{settings.SITE_URL}{reverse('reports:document_job', args=[plan_id, export_id])}"


def notices_url() -> str:
    """The person's notices in the application (every mail's footer)."""
    return f"{settings.SITE_URL}{reverse('notifications:notices')}"


def profile_url() -> str:
    """The person's profile, where the mail preferences are chosen (every mail's footer)."""
    return f"{settings.SITE_URL}{reverse('web:profile')}"
