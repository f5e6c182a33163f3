from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifiche"

    def ready(self) -> None:
        from notifications import receivers  # noqa: F401  (connects the workflow's signals)
