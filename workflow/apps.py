from __future__ import annotations

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Flusso di approvazione"
