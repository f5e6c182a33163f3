from __future__ import annotations

from django.contrib import admin

from config.admin import ScopedAdmin
from evaluation.models import Behaviour, MeasurementSystem


@admin.register(MeasurementSystem)
class MeasurementSystemAdmin(ScopedAdmin[MeasurementSystem]):
    """The director edits the system on its own page (with the motivation a change after adoption needs); the
    admin shows the rows to those who see the organization."""

    organization_path = "organization"
    list_display = ("organization", "year", "adopted_on", "reached", "partial", "cap", "floor")
    list_filter = ("year",)
    search_fields = ("organization__name", "act")


@admin.register(Behaviour)
class BehaviourAdmin(ScopedAdmin[Behaviour]):
    organization_path = "system__organization"
    list_display = ("name", "system", "position", "weight")
    search_fields = ("name",)
    list_select_related = ("system",)
