"""Parse an indicator value: expected ("Valore atteso") or actual ("Valore consuntivo")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from plans.parsing.dates import looks_like_numeric_date, parse_numeric_date
from plans.parsing.numbers import try_parse_italian_decimal
from plans.parsing.text import clean, fold, means_no_value, strip_prefix

__all__ = ["ValueKind", "ValueSpec", "parse_value"]


class ValueKind(StrEnum):
    """What shape an indicator value has."""

    EMPTY = "empty"  # nothing written
    NUMBER = "number"  # "12", "1,00", "6.195.143,71"
    PERCENT = "percent"  # "75%": value 75 (not 0.75)
    RATIO = "ratio"  # "150/1600": numerator and denominator, value None
    THRESHOLD = "threshold"  # "=>4": operator and value
    DATE = "date"  # "31/12/2019" (a deadline)
    BOOLEAN = "boolean"  # "si" / "no"
    RELATIVE = "relative"  # "Aumento del 30% rispetto alla baseline": operator and the change in %, signed
    TEXT = "text"  # qualitative text, not understood (parsed=False)


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """A parsed indicator value. ``raw`` is always the input, untouched."""

    raw: str
    kind: ValueKind
    operator: str = ""  # "" or one of ">=", "<=", ">", "<", "="
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    date: dt.date | None = None
    boolean: bool | None = None
    parsed: bool = True
    # A relative target's reference year ("rispetto al 2023"), None for "la baseline". Not a column: the
    # engine reads it again from the raw text (plans.scoring), which is always kept.
    reference_year: int | None = None

    @property
    def ratio(self) -> Decimal | None:
        """``numerator / denominator`` when both are known and the denominator is not zero."""
        if self.numerator is None or self.denominator is None or self.denominator == 0:
            return None
        return self.numerator / self.denominator


_BOOLEANS: dict[str, bool] = {"si": True, "sì": True, "sí": True, "si'": True, "no": False}
# Longest symbols first, so that ">=" is not read as ">" followed by "=".
_SYMBOL_OPERATOR = re.compile(r"(>=|=>|≥|⩾|<=|=<|≤|⩽|>|<|=)\s*(.*)")
_SYMBOLS: dict[str, str] = {"=>": ">=", "≥": ">=", "⩾": ">=", "=<": "<=", "≤": "<=", "⩽": "<="}
_WORD_OPERATORS: dict[str, str] = {
    "almeno": ">=",
    "minimo": ">=",
    "min.": ">=",
    "non meno di": ">=",
    "non inferiore a": ">=",
    "massimo": "<=",
    "al massimo": "<=",
    "max": "<=",
    "max.": "<=",
    "non più di": "<=",
    "non superiore a": "<=",
    "fino a": "<=",
    "più di": ">",
    "oltre": ">",
    "maggiore di": ">",
    "superiore a": ">",
    "meno di": "<",
    "minore di": "<",
    "inferiore a": "<",
    "maggiore o uguale a": ">=",
    "superiore o uguale a": ">=",
    "minore o uguale a": "<=",
    "inferiore o uguale a": "<=",
}


def _with_contractions(words: dict[str, str]) -> dict[str, str]:
    """Each phrase ending in "a" or "di" also with its article joined: "superiore al 95%", "più del 10%"."""
    joined = {" a": (" al", " alla", " allo", " all'", " ai", " agli", " alle"),
              " di": (" del", " della", " dello", " dell'", " dei", " degli", " delle")}  # fmt: skip
    grown = dict(words)
    for phrase, operator in words.items():
        for ending, contractions in joined.items():
            if phrase.endswith(ending):
                grown |= {phrase.removesuffix(ending) + contraction: operator for contraction in contractions}
    return grown


_WORD_OPERATORS = _with_contractions(_WORD_OPERATORS)
_OPERATOR_WORDS = tuple(sorted(_WORD_OPERATORS, key=len, reverse=True))
_ARTICLES = ("il", "lo", "la", "l'", "i", "gli", "le")
# Symbols written apart: "> = 90", "< = 3".
_SPACED_SYMBOLS = re.compile(r"([<>=])\s+(?=[<>=])")
_DEADLINE_PREFIXES = ("entro", "entro il", "entro la data del", "non oltre il")
_CURRENCY = re.compile(r"(?:€|euro)\s*(.+)|(.+?)\s*(?:€|euro)")


def parse_value(raw: str) -> ValueSpec:
    """Parse an indicator value. Never raises on any text.

    ``"12"`` → NUMBER; ``"150/1600"`` → RATIO; ``"=>4"`` → THRESHOLD ``>=`` 4; ``"75%"`` →
    PERCENT 75; ``"31/12/2019"`` → DATE; ``"si"``/``"no"`` → BOOLEAN; ``""`` → EMPTY;
    ``"Aumento del 30% rispetto alla baseline"`` → RELATIVE ``>=`` +30 (see :func:`_relative`);
    anything else → TEXT with ``parsed=False``.
    """
    cleaned = clean(raw)
    if not cleaned:
        return ValueSpec(raw, ValueKind.EMPTY)
    folded = fold(cleaned)
    if means_no_value(folded):  # "-", "—", "n.d.", "N/A": no value, the text kept as written
        return ValueSpec(raw, ValueKind.EMPTY)
    boolean = _BOOLEANS.get(folded.rstrip("."))
    if boolean is not None:
        return ValueSpec(raw, ValueKind.BOOLEAN, boolean=boolean)
    spec = _date(raw, folded) or _threshold(raw, folded) or _quantity(raw, folded) or _relative(raw, folded)
    return spec if spec is not None else ValueSpec(raw, ValueKind.TEXT, parsed=False)


def _date(raw: str, folded: str) -> ValueSpec | None:
    operator, text = "", folded
    rest = strip_prefix(folded, _DEADLINE_PREFIXES)
    if rest and looks_like_numeric_date(rest):
        operator, text = "<=", rest  # "entro il 31/12/2019": on or before that day
    if not looks_like_numeric_date(text):
        return None
    day = parse_numeric_date(text)
    if day is None:  # shaped like a date but impossible: "31/02/2021"
        return ValueSpec(raw, ValueKind.TEXT, parsed=False)
    return ValueSpec(raw, ValueKind.DATE, operator=operator, date=day)


def _threshold(raw: str, folded: str) -> ValueSpec | None:
    match = _SYMBOL_OPERATOR.fullmatch(_SPACED_SYMBOLS.sub(r"\1", folded))
    if match is not None:
        operator, rest = _SYMBOLS.get(match[1], match[1]), match[2]
    else:
        operator = ""
        for words in _OPERATOR_WORDS:
            found = strip_prefix(folded, (words,))
            if found:
                operator, rest = _WORD_OPERATORS[words], strip_prefix(found, _ARTICLES) or found
                break
        if not operator:
            return None
    amount = _amount(rest)
    if amount is None:
        return None
    return ValueSpec(raw, ValueKind.THRESHOLD, operator=operator, value=amount[0])


def _quantity(raw: str, folded: str) -> ValueSpec | None:
    if folded.count("/") == 1:
        left, right = folded.split("/")
        numerator = _number(left)
        denominator = _number(right)
        if numerator is None or denominator is None:
            return None
        return ValueSpec(raw, ValueKind.RATIO, numerator=numerator, denominator=denominator)
    amount = _amount(folded)
    if amount is None:
        return None
    value, percent = amount
    return ValueSpec(raw, ValueKind.PERCENT if percent else ValueKind.NUMBER, value=value)


def _amount(text: str) -> tuple[Decimal, bool] | None:
    """A number, possibly followed by ``%`` (then the flag is True)."""
    text = text.strip()
    if text.endswith("%"):
        number = _number(text[:-1])
        return None if number is None else (number, True)
    number = _number(text)
    return None if number is None else (number, False)


def _number(text: str) -> Decimal | None:
    text = text.strip()
    currency = _CURRENCY.fullmatch(text)
    if currency is not None:
        text = currency[1] or currency[2]
    return try_parse_italian_decimal(text) if text else None


# Targets stated against a baseline. Only a change in percent, with what it is relative to, is understood:
# "aumento di 5 rispetto alla baseline" (an absolute change) or "aumento del 30%" (relative to what?) stay text.
_INCREASE_WORDS = r"aumento|aumentare|incremento|incrementare|crescita|miglioramento"
_DECREASE_WORDS = r"riduzione|ridurre|diminuzione|diminuire|calo|decremento|contenimento"
_OF = r"(?:del|dello|di|pari al|pari a)"
_AMOUNT = r"([0-9][0-9.]*(?:,[0-9]+)?)\s*%"
_ANCHOR = r"(?:rispetto (?:a |al |alla |allo |all')?|sul |sulla |sullo |sull'|su )"
_CHANGE_IN_WORDS = re.compile(rf"({_INCREASE_WORDS}|{_DECREASE_WORDS}) {_OF} {_AMOUNT} {_ANCHOR}(.+)")
_CHANGE_IN_SIGNS = re.compile(rf"([+-])\s*{_AMOUNT} {_ANCHOR}(.+)")
_MAINTAIN = re.compile(r"(?:mantenimento|mantenere) (.+)")
_EQUAL = re.compile(r"(?:(?:pari|uguale|identico) (?:a |al |alla |allo |all')?|= ?)(.+)")
# What the change is relative to: the baseline ("la baseline", "valore di baseline", "baseline 2023") or a
# year's value ("il 2023", "valore del 2023", "l'anno 2023").
_REFERENCE = re.compile(
    r"(?:la |il |al |alla |allo |all'|l'|del |della |dell')?"
    r"(?:(?:valore|dato|livello) (?:di |della |dell'|del |dello )?)?"
    r"(baseline|valore base|base)?"
    r" ?(?:(?:del |dell')?(?:anno )?((?:19|20|21)[0-9]{2}))?"
)


def _relative(raw: str, folded: str) -> ValueSpec | None:
    """A target relative to the baseline: ``"Aumento del 30% rispetto alla baseline"`` and ``"+30% sulla
    baseline"`` → ``>=`` +30; ``"Riduzione del 10% rispetto al 2023"`` → ``<=`` -10 (reference year 2023);
    ``"mantenimento della baseline"`` → no operator (the indicator's direction decides) and 0; ``"pari alla
    baseline"`` → ``=`` 0. The change is in percent of the baseline."""
    folded = folded.rstrip(".").strip()
    operator, change = "", Decimal(0)
    if match := _CHANGE_IN_WORDS.fullmatch(folded):
        decrease, amount, reference = re.fullmatch(_DECREASE_WORDS, match[1]) is not None, match[2], match[3]
    elif match := _CHANGE_IN_SIGNS.fullmatch(folded):
        decrease, amount, reference = match[1] == "-", match[2], match[3]
    elif match := _MAINTAIN.fullmatch(folded):
        decrease, amount, reference = False, "", match[1]
    elif match := _EQUAL.fullmatch(folded):
        operator, decrease, amount, reference = "=", False, "", match[1]
    else:
        return None
    if amount:
        number = _number(amount)
        if number is None:
            return None
        operator, change = ("<=", -number) if decrease else (">=", number)
    found = _REFERENCE.fullmatch(reference.strip())
    if found is None or not (found[1] or found[2]):
        return None  # relative to something else ("rispetto al mese precedente"): not understood
    year = int(found[2]) if found[2] else None
    return ValueSpec(raw, ValueKind.RELATIVE, operator=operator, value=change, reference_year=year)
