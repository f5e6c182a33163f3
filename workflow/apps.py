from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Flusso di approvazione"

    def ready(self) -> None:
        from workflow.trail.install import after_migrate

        # Once per migrate (sender: this app), after every app's migrations.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="workflow.trail.after_migrate")
