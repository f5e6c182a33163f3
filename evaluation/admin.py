from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from config.admin import ScopedAdmin, is_platform_operator, through
from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem, ScoreSnapshot
from evaluation.selectors import readable_sheets
from plans.rules import roles_of


class OperatorChanges[M: Model](ScopedAdmin[M]):
    """The measurement system, a sheet and its scores change through the pages (evaluation.services), where the
    director changes the system with its motivation, only the evaluator scores and
    only the person acknowledges: here anyone else reads what the pages would show them (a director with admin
    access must not rewrite the scores of her own sheet), and only the platform operator repairs a row."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request) and super().has_delete_permission(request, obj)


@admin.register(MeasurementSystem)
class MeasurementSystemAdmin(OperatorChanges[MeasurementSystem]):
    """The director edits the system on its own page, which asks for the motivation a change after adoption
    needs and records it in the trail; here others read it and only the platform operator repairs a row."""

    organization_path = "organization"
    list_display = ("organization", "year", "adopted_on", "reached", "partial", "cap", "floor")
    list_select_related = ("organization",)
    list_filter = ("year",)
    search_fields = ("organization__name", "act")


@admin.register(Behaviour)
class BehaviourAdmin(OperatorChanges[Behaviour]):
    organization_path = "system__organization"
    list_display = ("name", "system", "position", "weight")
    search_fields = ("name",)
    list_select_related = ("system",)


@admin.register(EvaluationSheet)
class EvaluationSheetAdmin(OperatorChanges[EvaluationSheet]):
    """The state and the frozen score are read-only even to the platform operator."""

    organization_path = "organization"
    # The evaluated person reads her own sheet here only once submitted, as on its page: the draft's scores and
    # comments are the evaluator's until then.
    visible = staticmethod(readable_sheets)
    list_display = ("person", "organization", "year", "role", "evaluator", "state", "final_score")
    list_filter = ("year", "role", "state")
    search_fields = ("person__username", "person__last_name", "evaluator__last_name")
    list_select_related = ("person", "evaluator", "organization")
    readonly_fields = ("state", "submitted_at", "acknowledged_at", "final_score", "final_explanation")


@admin.register(BehaviourScore)
class BehaviourScoreAdmin(OperatorChanges[BehaviourScore]):
    organization_path = "sheet__organization"
    visible = staticmethod(through(BehaviourScore, "sheet", readable_sheets))
    list_display = ("sheet", "behaviour", "score")
    list_select_related = ("sheet", "behaviour")


def _overseen_snapshots(user: Any) -> QuerySet[ScoreSnapshot]:
    """A snapshot holds every objective of the plan: those who oversee the whole body (its director and its
    auditor) read it here."""
    roles = roles_of(user)
    return ScoreSnapshot.objects.filter(plan__organization__in=roles.director_of | roles.auditor_of)


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ScopedAdmin[ScoreSnapshot]):
    """Derived data, written by the daily task (evaluation.tasks.refresh_scores): read only."""

    organization_path = "plan__organization"
    visible = staticmethod(_overseen_snapshots)
    list_display = ("plan", "year", "body_score", "body_level", "computed_at", "trail_seq")
    list_filter = ("year", "body_level")
    search_fields = ("plan__code", "plan__title")
    list_select_related = ("plan",)
    readonly_fields = ("plan", "year", "computed_at", "trail_seq", "body_score", "body_level", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
