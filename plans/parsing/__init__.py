"""Parsers for the Italian values found in performance plans and reports.

Everything here is pure Python (no Django), so it can be used from management commands,
importers, validators and tests alike. The raw text is always kept: a value that cannot be
understood is returned as text and flagged with ``parsed=False``, never raised.
"""

from __future__ import annotations

from plans.parsing.numbers import parse_italian_decimal
from plans.parsing.times import TimeHint, TimeKind, TimeSpec, parse_time
from plans.parsing.values import ValueKind, ValueSpec, parse_value

__all__ = [
    "TimeHint",
    "TimeKind",
    "TimeSpec",
    "ValueKind",
    "ValueSpec",
    "parse_italian_decimal",
    "parse_time",
    "parse_value",
]
