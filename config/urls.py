from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import health, live, ready

# Django's own 400s (a Host outside ALLOWED_HOSTS, a body too large): the API's JSON error shape under /api/.
handler400 = "config.refusals.bad_request"

# The admin speaks of Traguardi, not of Django, in the person's language.
admin.site.site_header = _("Amministrazione di Traguardi")
admin.site.site_title = _("Traguardi")
admin.site.index_title = _("Dati degli enti")

urlpatterns = [
    path("health/", health, name="health"),
    path("health/ready/", ready, name="health-ready"),
    path("health/live/", live, name="health-live"),
    path("admin/", admin.site.urls),
    path("api/", include(("api.urls", "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("accounts.urls")),
    path("", include("web.urls")),
    path("", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("plans.urls")),
    path("", include("evaluation.urls")),
]
