"""The caller's own mail preference: each message as it comes, or one daily digest; Italian or English."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.inputs import KnownFieldsOnly
from notifications.models import Preference


class PreferenceSerializer(KnownFieldsOnly, serializers.ModelSerializer[Preference]):
    # Both required: an empty form value is a mistake to report, not a field left out.
    delivery = serializers.ChoiceField(choices=Preference.Delivery.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)

    class Meta:
        model = Preference
        fields = ["delivery", "language"]


class MailPreferenceView(APIView):
    @extend_schema(responses=PreferenceSerializer)
    def get(self, request: Request) -> Response:
        """How the caller receives their mail (immediate, in Italian, unless they chose otherwise)."""
        preference = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
        return Response(PreferenceSerializer(preference).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request: Request) -> Response:
        """Choose immediate mail or one daily digest, and the language."""
        preference = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
        data = PreferenceSerializer(preference, data=request.data)
        data.is_valid(raise_exception=True)
        data.save()
        return Response(data.data)
