from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("piani/<int:plan_id>/relazione/<int:year>.<str:fmt>", views.relazione, name="relazione"),
    path("piani/<int:plan_id>/dati-aperti/<int:year>.<str:fmt>", views.opendata, name="opendata"),
]
