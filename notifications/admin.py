"""The outbox in the admin: what was planned, sent, failed or dropped as no longer true, with the last error
or the reason. Rows are written only by the scans and the dispatcher; failed ones can be queued again once
the cause is fixed (dropped ones never: what they said is no longer true). Every admin is scoped to the
user's organizations (config/admin.py); calendar tokens are shown to nobody."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin import PlatformOnlyAdmin, ScopedAdmin, through
from notifications.body_settings import EDITABLE, recount_reminders
from notifications.feeds import calendar_feed_rotate
from notifications.models import (
    BodySettings,
    CalendarFeed,
    LegalCalendar,
    LegalDeadlineYear,
    Message,
    MonitoringAnswer,
    MonitoringRound,
    Preference,
)
from plans.rules import roles_of, visible_activities


@admin.register(Message)
class MessageAdmin(ScopedAdmin[Message]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
    organization_path = "organization"
    list_display = ("created_at", "kind", "recipient", "period", "due_on", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "organization", "due_on")
    search_fields = ("recipient__username", "recipient__email", "target", "period", "last_error", "dropped_reason")
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in Message._meta.fields]
    actions = ("queue_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Rimetti in coda i messaggi non recapitati"), permissions=["change"])
    def queue_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = queryset.filter(status=Message.Status.FAILED).update(
            status=Message.Status.PENDING, next_attempt_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%(count)d messaggio rimesso in coda.", "%(count)d messaggi rimessi in coda.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Preference)
class PreferenceAdmin(PlatformOnlyAdmin[Preference]):
    """A person's own choice (they make it on their profile page): others read it. A person may work for several
    bodies: one body's director does not choose for them."""

    person_path = "user"
    list_display = ("user", "delivery", "language")
    list_select_related = ("user",)
    list_filter = ("delivery", "language")
    autocomplete_fields = ("user",)


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(ScopedAdmin[MonitoringRound]):
    organization_path = "organization"
    list_display = ("organization", "month", "planned_on")
    list_select_related = ("organization",)
    list_filter = ("organization",)


@admin.register(MonitoringAnswer)
class MonitoringAnswerAdmin(ScopedAdmin[MonitoringAnswer]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
    organization_path = "round__organization"
    visible = staticmethod(through(MonitoringAnswer, "activity", visible_activities))
    list_display = ("answered_at", "activity", "respondent", "state", "progress", "actual_end")
    list_select_related = ("activity__objective", "respondent")
    list_filter = ("round__organization", "round__month", "state")
    search_fields = ("activity__description", "respondent__username", "note")
    readonly_fields = ("round", "activity", "respondent", "state", "progress", "note", "actual_end", "answered_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(PlatformOnlyAdmin[CalendarFeed]):
    """The token in a feed's address is a credential: nobody reads it here, not even a superuser. The admin
    shows that a person has a feed, and the platform operator renews it (a leaked address); the person creates
    and renews it on their profile page. One body's director does not break the feed of a person who works
    for other bodies too."""

    person_path = "user"
    secret_fields = ("token",)
    list_display = ("user", "created_at")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")  # moving a feed to someone else would publish their deadlines
    actions = ("rotate",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Rinnova il link (quello vecchio smette di funzionare)"), permissions=["change"])
    def rotate(self, request: HttpRequest, queryset: QuerySet[CalendarFeed]) -> None:
        feeds = list(queryset.select_related("user"))
        for feed in feeds:
            calendar_feed_rotate(actor=feed.user)
        self.message_user(
            request,
            ngettext("%(count)d link rinnovato.", "%(count)d link rinnovati.", len(feeds)) % {"count": len(feeds)},
            messages.SUCCESS,
        )


class DirectedOnly[M: Any](ScopedAdmin[M]):
    """The legal calendar is the body's: its director (and the platform operator) sets it; nobody else sees it
    here (the director and the OIV read it on /scadenze-di-legge/)."""

    organization_path = "organization"

    def organizations(self, request: HttpRequest) -> frozenset[int]:
        return roles_of(request.user).director_of


@admin.register(LegalCalendar)
class LegalCalendarAdmin(DirectedOnly[LegalCalendar]):
    list_display = (
        "organization",
        "piano_due",
        "monitoraggio_due",
        "relazione_due",
        "validazione_due",
        "pubblicazione_due",
        "lead_days",
    )
    list_select_related = ("organization",)


@admin.register(LegalDeadlineYear)
class LegalDeadlineYearAdmin(DirectedOnly[LegalDeadlineYear]):
    list_display = ("organization", "year", "deadline", "due_on", "done_on", "note")
    list_select_related = ("organization",)
    list_filter = ("organization", "year", "deadline")


@admin.register(BodySettings)
class BodySettingsAdmin(DirectedOnly[BodySettings]):
    """The same settings as the body's settings page (notifications.settings_views), for the operator."""

    list_display = ("organization", "reminder_leads", "escalation_after", "approval_reminder_after", "digest_hour")
    list_select_related = ("organization",)
    fields = ("organization", *EDITABLE)

    def get_readonly_fields(self, request: HttpRequest, obj: BodySettings | None = None) -> Any:
        return ("organization",) if obj is not None else ()  # a body's row stays that body's

    def save_model(self, request: HttpRequest, obj: BodySettings, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if {"reminder_leads", "escalation_after"} & set(form.changed_data):
            recount_reminders(obj.organization)

    def delete_model(self, request: HttpRequest, obj: BodySettings) -> None:
        super().delete_model(request, obj)
        recount_reminders(obj.organization)  # back to the installation's leads

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[BodySettings]) -> None:
        bodies = [row.organization for row in queryset.select_related("organization")]
        super().delete_queryset(request, queryset)
        for body in bodies:
            recount_reminders(body)
