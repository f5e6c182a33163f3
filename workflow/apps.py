from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Flusso di approvazione")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from workflow.tokens import revoke_tokens_when_password_disabled
        from workflow.trail.install import after_migrate

        pre_save.connect(
            revoke_tokens_when_password_disabled, sender=get_user_model(), dispatch_uid="workflow.tokens.password_off"
        )

        # Once per migrate (sender: this app), after every app's migrations.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="workflow.trail.after_migrate")
