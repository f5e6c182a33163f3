"""The monthly monitoring answers, read-only: what staff said about the activities the caller sees."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from api.filters import IdFilter, IsoDateFilter
from api.serializers.people import PersonSerializer
from api.views.items import ID
from notifications.models import MonitoringAnswer
from plans.rules import visible_activities


class MonitoringAnswerSerializer(serializers.ModelSerializer[MonitoringAnswer]):
    respondent = PersonSerializer(read_only=True)
    month = serializers.DateField(source="round.month", read_only=True)

    class Meta:
        model = MonitoringAnswer
        fields = ["id", "month", "activity", "respondent", "state", "progress", "note", "actual_end", "answered_at"]


class MonitoringAnswerFilter(django_filters.FilterSet):
    activity = IdFilter(field_name="activity_id")
    month = IsoDateFilter(field_name="round__month", help_text="The first day of the month.")

    class Meta:
        model = MonitoringAnswer
        fields = ["activity", "month"]


class MonitoringAnswerViewSet(viewsets.ReadOnlyModelViewSet[MonitoringAnswer]):
    serializer_class = MonitoringAnswerSerializer
    filterset_class = MonitoringAnswerFilter
    keyset_ordering = ("-answered_at", "-id")
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[MonitoringAnswer]:
        visible: Any = visible_activities(self.request.user).values("pk")
        return MonitoringAnswer.objects.filter(activity__in=visible).select_related("respondent", "round")
