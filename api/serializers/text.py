"""A text field that takes a JSON string only. DRF's CharField turns a number or a boolean into text (0 becomes
"0", true "True"): a client that sent the wrong type would see its value stored with another meaning."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TextField(serializers.CharField):
    default_error_messages = {
        "not_text": _("Va scritto come testo tra virgolette: è arrivato un valore di tipo {kind}.")
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text", kind=_json_kind(data))
        return super().to_internal_value(data)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("booleano")
    if isinstance(value, (int, float)):
        return gettext("numero")
    if value is None:
        return "null"
    return gettext("oggetto") if isinstance(value, dict) else gettext("lista") if isinstance(value, list) else "?"


# For ModelSerializer.serializer_field_mapping: a model's text columns take JSON strings only.
TEXT_COLUMNS: dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]] = {
    models.CharField: TextField,
    models.TextField: TextField,
}
