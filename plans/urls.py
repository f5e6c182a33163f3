from __future__ import annotations

from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("piani/modello-importazione.xlsx", views.import_template, name="import-template"),
    path("piani/schema.json", views.plan_schema, name="plan-schema"),
]
