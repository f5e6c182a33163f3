"""Italian decimal numbers: ``.`` groups thousands, ``,`` separates the decimals."""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = [
    "NUMBER_EXAMPLE",
    "decimal_places",
    "exact_text",
    "parse_italian_decimal",
    "try_parse_italian_decimal",
    "weight_label",
]

NUMBER_EXAMPLE = "6.195.143,71"
_EXPECTED = f"atteso un numero in formato italiano, ad esempio {NUMBER_EXAMPLE}"

# 6.195.143,71 / 1.000 / 298.395,00: dots only between groups of exactly three digits.
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
# 12 / 0,00 / 1,00
_PLAIN = re.compile(r"[0-9]+(?:,[0-9]+)?")
# 1.5: a dot that cannot be a thousands separator is read as a decimal point.
_DOT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_MINUS_SIGNS = ("-", "\u2212")
_MAX_SHOWN = 60
_CENT = Decimal("0.01")


def parse_italian_decimal(text: str) -> Decimal:
    """Parse an Italian-formatted number, keeping the scale as written.

    ``"6.195.143,71"`` → ``Decimal("6195143.71")``, ``"1,00"`` → ``Decimal("1.00")``,
    ``"1.000"`` → ``Decimal("1000")``, ``"1.5"`` → ``Decimal("1.5")``.
    Raises ``ValueError`` with an Italian message on anything else.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"valore vuoto: {_EXPECTED}")
    sign = ""
    body = stripped
    if body[0] in _MINUS_SIGNS:
        sign, body = "-", body[1:]
    elif body[0] == "+":
        body = body[1:]
    if _GROUPED.fullmatch(body):
        digits = body.replace(".", "").replace(",", ".")
    elif _PLAIN.fullmatch(body):
        digits = body.replace(",", ".")
    elif _DOT_DECIMAL.fullmatch(body):
        digits = body
    else:
        raise ValueError(_explain(stripped))
    return Decimal(sign + digits)


def try_parse_italian_decimal(text: str) -> Decimal | None:
    """Like :func:`parse_italian_decimal`, but return ``None`` instead of raising."""
    try:
        return parse_italian_decimal(text)
    except ValueError:
        return None


def _explain(text: str) -> str:
    shown = text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
    prefix = f"«{shown}» non è un numero"
    if text.count(",") > 1:
        return f"{prefix}: contiene più di una virgola decimale; {_EXPECTED}"
    if "," in text and "." in text and text.index(",") < text.rindex("."):
        return f"{prefix}: la virgola decimale deve seguire i punti delle migliaia; {_EXPECTED}"
    if re.fullmatch(r"[+\-\u2212]?[0-9.]+(?:,[0-9]*)?", text) and "." in text:
        return f"{prefix}: i punti separano le migliaia in gruppi di tre cifre; {_EXPECTED}"
    return f"{prefix}: {_EXPECTED}"


def exact_text(value: Decimal) -> str:
    """A number (a weight) as plain text with every significant decimal and at least two: "2.00", "2.2523". Two
    decimals are what the weight columns kept before, so texts stored then ("2.00") still compare equal."""
    cents = value.quantize(_CENT)
    return str(cents) if cents == value else format(value.normalize(), "f")


def weight_label(value: Decimal | None, raw: str = "") -> str:
    """A weight for people: as the document wrote it when it was imported, else the number in Italian with every
    significant decimal ("2,2523", "1"); "" without a weight."""
    if raw:
        return raw
    return "" if value is None else format(value.normalize(), "f").replace(".", ",")


def decimal_places(value: Decimal) -> int:
    """How many significant decimals a finite number has: 4 for 2.2523 and for 2.25230, 0 for 100."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
