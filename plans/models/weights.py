"""An objective's or an indicator's weight: the number with every decimal the document gave (Excel holds 15
significant digits, so up to 15 decimals) and, beside it, the text as the document wrote it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

WEIGHT_DIGITS = 20
WEIGHT_PLACES = 15  # 5 digits before the comma, as before this column kept every decimal
WEIGHT_TEXT_CHARS = 100  # the weight as written: "2,2523", "1,5 (su 10)"
WEIGHT_LIMIT = Decimal(10) ** (WEIGHT_DIGITS - WEIGHT_PLACES)  # 100000: the first weight too large


def weight_field() -> models.DecimalField[Any, Any]:
    return models.DecimalField(
        _("peso"),
        max_digits=WEIGHT_DIGITS,
        decimal_places=WEIGHT_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


def weight_raw_field() -> models.CharField[Any, Any]:
    # Set by the import; empty where the weight was typed in Traguardi (the number is then all there is).
    return models.CharField(
        _("peso (testo originale)"),
        max_length=WEIGHT_TEXT_CHARS,
        blank=True,
        default="",
        db_default="",
        help_text=_("Il peso come lo scrive il documento importato."),
    )
