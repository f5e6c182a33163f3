"""A text field that takes a JSON string only. DRF's CharField turns a number or a boolean into text (0 becomes
"0", true "True"): a client that sent the wrong type would see its value stored with another meaning."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


class TextField(serializers.CharField):
    default_error_messages = {
        "not_text": _("Va scritto come testo tra virgolette: è arrivato un valore di tipo {kind}.")
    }

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str):
            return super().to_internal_value(data)
        kind = _json_kind(data)
        if kind is None:  # not from JSON (a file of a multipart form): DRF's own message
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        raise ValidationError(self.error_messages["not_text"].format(kind=kind), code="not_text")


def _json_kind(value: Any) -> str | None:
    """The JSON type of a value that is not a string, in the reader's language; None for what JSON has not."""
    if isinstance(value, bool):
        return pgettext("JSON type", "booleano")
    if isinstance(value, (int, float)):
        return pgettext("JSON type", "numero")
    if value is None:
        return "null"
    if isinstance(value, dict):
        return pgettext("JSON type", "oggetto")
    return pgettext("JSON type", "lista") if isinstance(value, list) else None


# For ModelSerializer.serializer_field_mapping: a model's text columns take JSON strings only.
TEXT_COLUMNS: dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]] = {
    models.CharField: TextField,
    models.TextField: TextField,
}
