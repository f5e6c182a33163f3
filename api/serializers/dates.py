"""A date as the API reads it: YYYY-MM-DD and nothing else, as its schema says (api.schema.DATE_PATTERN).

DRF's DateField and Django's parse_date go through Python's date.fromisoformat, which since 3.11 also reads
20260501, 2026-W30-1 and other scripts' digits: values the schema calls invalid were accepted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from rest_framework import serializers

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(value: Any) -> bool:
    return isinstance(value, str) and ISO_DATE.fullmatch(value) is not None


class DateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> dt.date:
        if isinstance(value, str) and not is_iso_date(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class DateFormField(forms.DateField):
    """The same for a query's date (a filter)."""

    def to_python(self, value: Any) -> dt.date | None:
        if value not in self.empty_values and not is_iso_date(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
