from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin import ScopedAdmin
from reports.models import RelazioneChapter, ReportExport


@admin.register(ReportExport)
class ReportExportAdmin(ScopedAdmin[ReportExport]):
    """Read-only: documents are asked for on the plan's pages and prepared by the workers."""

    organization_path = "plan__organization"

    list_display = ("plan", "year", "fmt", "status", "requested_by", "requested_at", "finished_at", "size")
    list_filter = ("status", "fmt")
    search_fields = ("plan__code", "plan__title", "filename")
    list_select_related = ("plan", "requested_by")
    exclude = ("content",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RelazioneChapter)
class RelazioneChapterAdmin(ScopedAdmin[RelazioneChapter]):
    """The director writes these chapters on the Relazione's page; the admin shows them to those who see the plan."""

    organization_path = "plan__organization"
    list_display = ("plan", "year", "kind", "written_by", "written_at")
    list_select_related = ("plan", "written_by")
    list_filter = ("year", "kind")
    search_fields = ("text", "plan__code")
