from __future__ import annotations

from django.contrib.auth import views as auth
from django.urls import path, register_converter, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from web.views import (
    activities,
    changes,
    consuntivo,
    dashboard,
    exports,
    home,
    imports,
    inbox,
    items,
    plan_life,
    plan_versions,
    plans,
    rollover,
    scores,
    search,
    smvp,
    validation,
)
from web.views.auth import PasswordResetView, revoke_all_tokens, revoke_token

app_name = "web"


class ExportFormat:
    """The file formats of the lists' exports (web.exports): nothing else matches, so no other is asked for."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export")


def _form(template_title: StrOrPromise, submit: StrOrPromise, intro: StrOrPromise = "") -> dict[str, object]:
    return {
        "template_name": "web/auth_form.html",
        "extra_context": {"title": template_title, "submit": submit, "intro": intro},
    }


def _message(title: StrOrPromise, text: StrOrPromise) -> dict[str, object]:
    return {"template_name": "web/auth_message.html", "extra_context": {"title": title, "text": text}}


auth_urls = [
    path(
        "accedi/",
        auth.LoginView.as_view(redirect_authenticated_user=True, **_form(_("Accedi"), _("Accedi"))),
        name="login",
    ),
    path("esci/", auth.LogoutView.as_view(), name="logout"),
    path(
        "password/cambia/",
        auth.PasswordChangeView.as_view(
            success_url=reverse_lazy("web:password-change-done"),
            **_form(_("Cambia la password"), _("Cambia la password")),
        ),
        name="password-change",
    ),
    path(
        "password/cambiata/",
        auth.PasswordChangeDoneView.as_view(**_message(_("Password cambiata"), _("La nuova password è attiva."))),
        name="password-change-done",
    ),
    path(
        "password/dimenticata/",
        PasswordResetView.as_view(
            success_url=reverse_lazy("web:password-reset-done"),
            email_template_name="web/password_reset_email.txt",
            subject_template_name="web/password_reset_subject.txt",
            **_form(
                _("Password dimenticata"),
                _("Invia il link"),
                _("Scrivi l'indirizzo di posta del tuo account: ti mandiamo un link per sceglierne una nuova."),
            ),
        ),
        name="password-reset",
    ),
    path(
        "password/inviata/",
        auth.PasswordResetDoneView.as_view(
            **_message(
                _("Controlla la posta"),
                _("Se l'indirizzo appartiene a un account, riceverai a breve un link per scegliere la nuova password."),
            )
        ),
        name="password-reset-done",
    ),
    path(
        "password/nuova/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("web:password-reset-complete"),
            **_form(_("Scegli la nuova password"), _("Salva la password")),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/fatto/",
        auth.PasswordResetCompleteView.as_view(
            **_message(_("Password salvata"), _("Ora puoi accedere con la nuova password."))
        ),
        name="password-reset-complete",
    ),
]

urlpatterns = [
    *auth_urls,
    path("", home.home, name="home"),
    path("profilo/", home.profile, name="profile"),
    path("profilo/calendario/nuovo/", home.rotate_calendar, name="rotate-calendar"),
    path("profilo/posta/", home.mail_preferences, name="mail-preferences"),
    path("profilo/token/revoca-tutti/", revoke_all_tokens, name="revoke-all-tokens"),
    path("profilo/token/<str:prefix>/revoca/", revoke_token, name="revoke-token"),
    path("scadenze/", dashboard.dashboard, name="dashboard"),
    path("scadenze/puntualita/", dashboard.punctuality_chart, name="dashboard-punctuality"),
    path("scadenze/indicatori/", dashboard.indicators, name="dashboard-indicators"),
    path("scadenze/esporta.<export:fmt>", exports.slipped, name="dashboard-export"),
    path("scadenze/indicatori/esporta.<export:fmt>", exports.indicators, name="indicators-export"),
    path("cerca/", search.search_page, name="search"),
    path("cerca/esporta.<export:fmt>", exports.search_results, name="search-export"),
    path("approvazioni/", inbox.inbox, name="inbox"),
    path("approvazioni/<int:pk>/decisione/", inbox.decide, name="decide"),
    path("le-mie-attivita/", activities.my_activities, name="my-activities"),
    path("attivita/<int:pk>/aggiornamento/", activities.monthly_update, name="monthly-update"),
    path("attivita/<int:pk>/", items.detail, {"kind": "activity"}, name="activity"),
    path("obiettivi/<int:pk>/", items.detail, {"kind": "objective"}, name="objective"),
    path("attivita/<int:pk>/transizioni/", items.transition, {"kind": "activity"}, name="activity-transition"),
    path("obiettivi/<int:pk>/transizioni/", items.transition, {"kind": "objective"}, name="objective-transition"),
    path("obiettivi/<int:pk>/attivita/", plans.objective_activities, name="objective-activities"),
    path("obiettivi/<int:pk>/relazione/", consuntivo.write_objective_report, name="objective-report"),
    path("obiettivi/<int:pk>/rimodulazione/", changes.propose, name="objective-change"),
    path("indicatori/<int:pk>/", consuntivo.indicator, name="indicator"),
    path("indicatori/<int:pk>/valori/", consuntivo.record_value, name="indicator-record"),
    path("indicatori/<int:pk>/motivazioni/<int:year>/", consuntivo.write_motivation, name="indicator-motivation"),
    path("valori/<int:pk>/conferma/", consuntivo.confirm_value, name="measurement-confirm"),
    path("documentazione/<int:pk>/", consuntivo.evidence_download, name="evidence"),
    path("piani/<int:plan_id>/relazione/<int:year>/capitoli/", consuntivo.chapters, name="chapters"),
    path(
        "piani/<int:plan_id>/relazione/<int:year>/capitoli/<str:kind>/",
        consuntivo.write_chapter,
        name="chapter-write",
    ),
    path("enti/<int:organization_id>/smvp/<int:year>/", smvp.system_page, name="smvp"),
    path("enti/<int:organization_id>/smvp/<int:year>/adozione/", smvp.adopt, name="smvp-adopt"),
    path("enti/<int:organization_id>/smvp/<int:year>/versioni/", smvp.versions, name="smvp-versions"),
    path("piani/", plans.plan_list, name="plans"),
    path("piani/importa/", imports.plan_import, name="plan-import"),
    path("piani/importazioni/<int:pk>/", imports.plan_import_job, name="plan-import-job"),
    path("piani/importazioni/<int:pk>/importa/", imports.plan_import_confirm, name="plan-import-confirm"),
    path("piani/<int:pk>/", plans.plan_tree, name="plan"),
    path("piani/<int:pk>/passi/<str:step>/", plan_life.plan_step, name="plan-step"),
    path("piani/<int:pk>/riapri/", plan_life.plan_reopen_page, name="plan-reopen"),
    path("piani/<int:pk>/punteggi/", scores.plan_scores, name="plan-scores"),
    path("piani/<int:pk>/anno-successivo/", rollover.rollover, name="plan-rollover"),
    path("piani/<int:pk>/versioni/", plan_versions.versions, name="plan-versions"),
    path("piani/<int:pk>/versioni/differenze/", plan_versions.difference, name="plan-difference"),
    path("piani/<int:pk>/validazione/", validation.validation_page, name="validation"),
    path("piani/<int:pk>/validazione/apri/", validation.validation_start, name="validation-start"),
    path("piani/<int:pk>/validazione/salva/", validation.validation_write, name="validation-write"),
]
