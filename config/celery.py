"""The Celery application. Broker and schedule come from the Django settings (CELERY_* names)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class TrailTask(Task):
    """Every task's changes to plan data are recorded in the audit trail as the workers' own."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from workflow.trail.context import Source, recorded_as  # the app registry is ready by now

        with recorded_as(Source.WORKER):
            return super().__call__(*args, **kwargs)


app = Celery("traguardi", task_cls=TrailTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
