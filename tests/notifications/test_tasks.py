"""The Celery side in-process: beat's schedule names real tasks, and the tasks run the scans (the real
worker on Redis is exercised in test_delivery.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from pytest_django.fixtures import Settings

from config.celery import app
from notifications.tasks import run_scans
from plans.models import Activity
from tests.workflow.world import World


def test_every_scheduled_task_exists_and_runs_in_office_hours() -> None:
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        assert set(entry["schedule"].hour) <= set(range(6, 22))  # away from the DST switch


@pytest.mark.django_db
def test_run_scans_plans_and_sends_for_the_given_moment(world: World, settings: Settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 6, 19))
    result = run_scans.apply(kwargs={"now": "2026-06-22T10:00:00+02:00"}).get()
    assert result["mails"] >= 1
    assert "sara@aurelia.example" in [message.to[0] for message in mail.outbox]
