from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin import ScopedAdmin
from evaluation.models import Behaviour, MeasurementSystem


@admin.register(MeasurementSystem)
class MeasurementSystemAdmin(ScopedAdmin[MeasurementSystem]):
    """Read-only: the director edits the system on its own page, which asks for the motivation a change after
    adoption needs and records it in the trail; the admin shows the rows to those who see the organization."""

    organization_path = "organization"
    list_display = ("organization", "year", "adopted_on", "reached", "partial", "cap", "floor")
    list_filter = ("year",)
    search_fields = ("organization__name", "act")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Behaviour)
class BehaviourAdmin(ScopedAdmin[Behaviour]):
    organization_path = "system__organization"
    list_display = ("name", "system", "position", "weight")
    search_fields = ("name",)
    list_select_related = ("system",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
