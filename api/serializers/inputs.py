"""The bodies the API reads: a field the operation does not take is refused, not ignored.

DRF drops the fields a serializer does not declare, so a misspelt field (`new_planed_end`) was accepted and its value
lost in silence. Every input serializer derives from `InputSerializer` (a model serializer that reads input mixes in
`KnownFieldsOnly`): a body with another field answers 400 naming it and saying which fields the operation takes.
The schema says the same: its request bodies admit no other property (api.schema.close_request_bodies).
The browsable API's forms carry Django's CSRF token, which is no field of the operation and is let through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

FORM_TOKEN = "csrfmiddlewaretoken"
MAX_NAMED = 20  # a body of a thousand unknown fields gets a short answer
MAX_NAME = 100


def unknown_fields(data: Any, known: Iterable[str]) -> dict[str, list[str]]:
    """The fields of `data` that are not `known`, each with the message that says what the operation takes."""
    if not isinstance(data, Mapping):
        return {}
    taken = sorted(known)
    form = isinstance(data, QueryDict)  # the browsable API's form: its CSRF token is no field of the operation
    unknown = [str(key) for key in data if key not in taken and not (form and key == FORM_TOKEN)]
    if not unknown:
        return {}
    message = _("Campo sconosciuto: questa operazione accetta %(fields)s.") % {
        "fields": ", ".join(taken) if taken else _("nessun campo")
    }
    return {name[:MAX_NAME]: [message] for name in unknown[:MAX_NAMED]}


def refuse_unknown_fields(data: Any, known: Iterable[str]) -> None:
    problems = unknown_fields(data, known)
    if problems:
        raise ValidationError(problems)


class KnownFieldsOnly:
    """A serializer mixin: input with a field the serializer does not write answers 400."""

    fields: Mapping[str, serializers.Field[Any, Any, Any, Any]]

    def to_internal_value(self, data: Any) -> Any:
        refuse_unknown_fields(data, (name for name, field in self.fields.items() if not field.read_only))
        return super().to_internal_value(data)  # type: ignore[misc]


class InputSerializer(KnownFieldsOnly, serializers.Serializer[Any]):
    """The serializer of an operation's body."""
