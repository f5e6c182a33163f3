from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accesso")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.second_factor import remember_requirement

        user_logged_in.connect(remember_requirement, dispatch_uid="accounts.second_factor.remember_requirement")
