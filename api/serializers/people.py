from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from api.serializers.base import ModelSerializer


class PersonSerializer(ModelSerializer[User]):
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]

    def get_full_name(self, user: User) -> str:
        return user.get_full_name() or user.username


def person(user: Any) -> dict[str, Any] | None:
    return PersonSerializer(user).data if user is not None else None
