from __future__ import annotations

from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("piani/modello-importazione.xlsx", views.import_template, name="import-template"),
    path("piani/schema.json", views.plan_schema, name="plan-schema"),
]
