from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from config.admin import ScopedAdmin
from evaluation.models import Behaviour, MeasurementSystem, ScoreSnapshot
from plans.rules import roles_of


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
