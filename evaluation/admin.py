from __future__ import annotations

from django.contrib import admin

from config.admin import ScopedAdmin, through
from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem
from evaluation.selectors import visible_sheets


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


@admin.register(EvaluationSheet)
class EvaluationSheetAdmin(ScopedAdmin[EvaluationSheet]):
    """Sheets change through their pages (evaluation.services); here the state and the frozen score are read-only,
    and a non-superuser sees only the sheets the pages would show them."""

    organization_path = "organization"
    visible = staticmethod(visible_sheets)
    list_display = ("person", "organization", "year", "role", "evaluator", "state", "final_score")
    list_filter = ("year", "role", "state")
    search_fields = ("person__username", "person__last_name", "evaluator__last_name")
    list_select_related = ("person", "evaluator", "organization")
    readonly_fields = ("state", "submitted_at", "acknowledged_at", "final_score", "final_explanation")


@admin.register(BehaviourScore)
class BehaviourScoreAdmin(ScopedAdmin[BehaviourScore]):
    organization_path = "sheet__organization"
    visible = staticmethod(through(BehaviourScore, "sheet", visible_sheets))
    list_display = ("sheet", "behaviour", "score")
    list_select_related = ("sheet", "behaviour")
