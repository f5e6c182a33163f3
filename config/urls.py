from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(("workflow.api.urls", "api"))),
    path("", include("notifications.urls")),
    path("", include("plans.urls")),
]
