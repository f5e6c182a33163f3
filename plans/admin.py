"""Admin for every plan model. The state is read-only here: it changes only through the workflow's
transitions. Raw texts are editable and their parsed meaning, shown beside them, is recomputed on save.
Every admin is scoped to the user's organizations (config/admin.py); organizations and their roles are
the platform operator's alone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin import PlatformOnlyAdmin, ScopedAdmin, ScopedStackedInline, ScopedTabularInline, through
from plans import admin_people  # noqa: F401  (registers the people's admins in place of django.contrib.auth's)
from plans.admin_forms import (
    ActivityForm,
    IndicatorForm,
    ObjectiveForm,
    ObjectiveReportForm,
    ParsedValueForm,
    PlanForm,
)
from plans.models import (
    ActionSheet,
    ActionSheetIndicator,
    Activity,
    Area,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    MeasurementEvidence,
    Objective,
    ObjectiveReport,
    Organization,
    OrganizationRole,
    Plan,
)
from plans.models.indicator import ParsedValue
from plans.rules import roles_of, visible_activities, visible_indicators, visible_objectives

PARSED_TIME = ("kind", "start", "end", "checkpoints", "hint", "remark", "parsed")
PARSED_VALUE = ("kind", "operator", "value", "numerator", "denominator", "date_value", "boolean", "parsed")


@admin.register(Organization)
class OrganizationAdmin(PlatformOnlyAdmin[Organization]):
    """Others read their own organization."""

    organization_path = "pk"
    list_display = ("name", "slug", "kind", "patron_saint_day")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(OrganizationRole)
class OrganizationRoleAdmin(PlatformOnlyAdmin[OrganizationRole]):
    """A role is power over a whole organization: others read their organization's roles."""

    organization_path = "organization"
    list_display = ("user", "role", "organization")
    list_select_related = ("user", "organization")
    list_filter = ("organization", "role")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("user",)


@admin.register(Area)
class AreaAdmin(ScopedAdmin[Area]):
    """Who heads an area, and who works in it, is power over its requests: the director's to set, and the
    platform operator's. Others with admin access read their organizations' areas (and choose among them, say for
    an objective) but change none."""

    organization_path = "organization"

    def _directs(self, request: HttpRequest, obj: Area | None) -> bool:
        directed = roles_of(request.user).director_of
        return request.user.is_superuser or (obj.organization_id in directed if obj is not None else bool(directed))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._directs(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Area | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._directs(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Area | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._directs(request, obj)

    list_display = ("code", "name", "organization", "head", "head_name", "parent")
    list_select_related = ("organization", "head", "parent")
    list_filter = ("organization",)
    search_fields = ("code", "name", "head_name", "head__username")
    filter_horizontal = ("members",)
    autocomplete_fields = ("head", "parent")


@admin.register(Plan)
class PlanAdmin(ScopedAdmin[Plan]):
    organization_path = "organization"
    form = PlanForm
    list_display = ("code", "title", "kind", "organization", "year_start", "year_end", "state")
    list_select_related = ("organization",)
    list_filter = ("organization", "kind", "year_start", "state")
    search_fields = ("code", "title")
    # The state changes only by its transitions (workflow.services.plan_lifecycle); the origin of a rolled over
    # plan is set once, by workflow.services.rollover.
    readonly_fields = ("state", "rolled_over_from")


class ReportInline(ScopedStackedInline[ObjectiveReport, Objective]):
    model = ObjectiveReport
    form = ObjectiveReportForm
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(ScopedAdmin[Objective]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
    organization_path = "plan__organization"
    visible = staticmethod(visible_objectives)
    form = ObjectiveForm
    list_display = ("code", "short_title", "plan", "programme", "number", "state", "planned_end", "owner")
    list_select_related = ("plan", "owner")
    list_filter = ("plan", "areas", "state", "typology")
    search_fields = ("code", "title", "description")
    readonly_fields = ("state", "weight_raw")
    autocomplete_fields = ("parent", "owner", "areas")
    inlines = (ReportInline,)

    @admin.display(description="titolo")
    def short_title(self, objective: Objective) -> str:
        return objective.title[:90]


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin[Activity]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
    organization_path = "objective__plan__organization"
    visible = staticmethod(visible_activities)
    form = ActivityForm  # parses the texts: the parsed columns are saved with them
    list_display = (
        "objective",
        "position",
        "short_description",
        "planned_raw",
        "planned_end",
        "actual_raw",
        "actual_end",
        "state",
        "owner",
    )
    list_filter = ("objective__plan", "objective__areas", "state", "planned_parsed", "actual_parsed")
    search_fields = ("description", "objective__code", "planned_raw", "actual_raw")
    list_select_related = ("objective", "owner")  # the owner of every row with the list, not one query each
    autocomplete_fields = ("objective", "owner")
    readonly_fields = (
        "state",
        *(f"planned_{name}" for name in PARSED_TIME),
        *(f"actual_{name}" for name in PARSED_TIME),
    )
    fieldsets = (
        (None, {"fields": ("objective", "position", "code", "description", "owner", "external_bodies", "state")}),
        ("Tempi", {"fields": ("planned_raw", *(f"planned_{name}" for name in PARSED_TIME))}),
        ("Consuntivo", {"fields": ("actual_raw", *(f"actual_{name}" for name in PARSED_TIME))}),
    )

    @admin.display(description="attività")
    def short_description(self, activity: Activity) -> str:
        return activity.description[:90]


class ParsedValueAdmin[M: ParsedValue](ScopedAdmin[M]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
    organization_path = "indicator__objective__plan__organization"
    readonly_fields = PARSED_VALUE
    list_filter = ("indicator__objective__plan", "kind", "parsed")
    search_fields = ("raw", "indicator__name", "indicator__objective__code")
    autocomplete_fields = ("indicator",)
    form = ParsedValueForm  # type: ignore[assignment]  # parses the raw value: the parsed columns saved with it


class BaselineInline(ScopedTabularInline[IndicatorBaseline, Indicator]):
    model = IndicatorBaseline
    form = ParsedValueForm  # type: ignore[assignment]
    fields = ("raw", "year", "source", *PARSED_VALUE)
    readonly_fields = PARSED_VALUE
    extra = 0


class TargetInline(ScopedTabularInline[IndicatorTarget, Indicator]):
    model = IndicatorTarget
    form = ParsedValueForm  # type: ignore[assignment]
    fields = ("year", "raw", "source", *PARSED_VALUE)
    readonly_fields = PARSED_VALUE
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin[Indicator]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
    organization_path = "objective__plan__organization"
    visible = staticmethod(visible_indicators)
    form = IndicatorForm
    readonly_fields = ("weight_raw",)
    list_display = ("objective", "position", "name", "unit", "indicator_type")
    list_select_related = ("objective",)
    list_filter = ("objective__plan", "objective__areas", "indicator_type")
    search_fields = ("name", "description", "objective__code")
    autocomplete_fields = ("objective",)
    inlines = (BaselineInline, TargetInline)


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ParsedValueAdmin[IndicatorTarget]):
    visible = staticmethod(through(IndicatorTarget, "indicator", visible_indicators))
    list_display = ("indicator", "year", "raw", "kind", "value", "numerator", "denominator", "parsed")
    list_select_related = ("indicator",)


@admin.register(IndicatorBaseline)
class IndicatorBaselineAdmin(ParsedValueAdmin[IndicatorBaseline]):
    visible = staticmethod(through(IndicatorBaseline, "indicator", visible_indicators))
    list_display = ("indicator", "raw", "year", "kind", "value", "parsed")
    list_select_related = ("indicator",)


@admin.register(HistoricalValue)
class HistoricalValueAdmin(ParsedValueAdmin[HistoricalValue]):
    visible = staticmethod(through(HistoricalValue, "indicator", visible_indicators))
    list_display = ("indicator", "year", "raw", "kind", "value", "parsed")
    list_select_related = ("indicator",)
    fields = ("indicator", "year", "raw", "source", *PARSED_VALUE)


@admin.register(Measurement)
class MeasurementAdmin(ParsedValueAdmin[Measurement]):
    visible = staticmethod(through(Measurement, "indicator", visible_indicators))
    list_display = ("indicator", "year", "measured_on", "raw", "kind", "value", "parsed", "recorded_by", "recorded_at")
    list_select_related = ("indicator", "recorded_by")
    readonly_fields = (*PARSED_VALUE, "recorded_at")  # type: ignore[assignment]


@admin.register(MeasurementEvidence)
class MeasurementEvidenceAdmin(ScopedAdmin[MeasurementEvidence]):
    """Read-only: files are added and downloaded on the indicator's page, which checks who may see them."""

    organization_path = "measurement__indicator__objective__plan__organization"
    visible = staticmethod(through(MeasurementEvidence, "measurement__indicator", visible_indicators))
    list_display = ("name", "measurement", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = ("measurement", "name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    list_select_related = ("measurement", "uploaded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorMotivation)
class IndicatorMotivationAdmin(ScopedAdmin[IndicatorMotivation]):
    organization_path = "indicator__objective__plan__organization"
    visible = staticmethod(through(IndicatorMotivation, "indicator", visible_indicators))
    list_display = ("indicator", "year", "written_by", "written_at")
    list_select_related = ("indicator", "written_by")
    list_filter = ("year",)
    search_fields = ("text", "indicator__name", "indicator__objective__code")
    autocomplete_fields = ("indicator",)


@admin.register(ObjectiveReport)
class ObjectiveReportAdmin(ScopedAdmin[ObjectiveReport]):
    form = ObjectiveReportForm
    organization_path = "objective__plan__organization"
    visible = staticmethod(through(ObjectiveReport, "objective", visible_objectives))
    list_display = ("objective", "date")
    list_select_related = ("objective",)
    list_filter = ("objective__plan", "objective__areas")
    search_fields = ("text", "objective__code")
    autocomplete_fields = ("objective",)


class SheetIndicatorInline(ScopedTabularInline[ActionSheetIndicator, ActionSheet]):
    model = ActionSheetIndicator
    extra = 0


@admin.register(ActionSheet)
class ActionSheetAdmin(ScopedAdmin[ActionSheet]):
    organization_path = "plan__organization"
    list_display = ("code", "title", "plan", "area", "level")
    list_select_related = ("plan", "area")
    list_filter = ("plan", "area")
    search_fields = ("code", "title", "objectives")
    inlines = (SheetIndicatorInline,)


@admin.register(ActionSheetIndicator)
class ActionSheetIndicatorAdmin(ScopedAdmin[ActionSheetIndicator]):
    organization_path = "sheet__plan__organization"
    list_display = ("sheet", "position", "text")
    list_select_related = ("sheet",)
    list_filter = ("sheet__plan",)
    search_fields = ("text", "sheet__code")
