"""Parse the planned ("Tempi") and actual ("Consuntivo") time of an activity."""

from __future__ import annotations

import re
from itertools import product

from plans.parsing.periods import Period, parse_period
from plans.parsing.text import clean, fold, means_no_value, strip_prefix
from plans.parsing.time_spec import TimeHint, TimeKind, TimeSpec

__all__ = ["TimeHint", "TimeKind", "TimeSpec", "parse_time"]

_NOT_DONE = frozenset(
    {
        "no",
        "non svolto",
        "non svolta",
        "non realizzato",
        "non realizzata",
        "non effettuato",
        "non effettuata",
        "non avviato",
        "non avviata",
        "non attivato",
        "non attivata",
    }
)
_STARTED_VERBS = (
    "avviato",
    "avviata",
    "avviati",
    "avviate",
    "iniziato",
    "iniziata",
    "iniziati",
    "iniziate",
    "in corso",
)
_STARTED_LINKS = (
    "",
    "a",
    "ad",
    "da",
    "dal",
    "a partire da",
    "a partire dal",
    "nel",
    "nel mese di",
    "il",
    "in",
)
_STARTED_PREFIXES = tuple(f"{verb} {link}".strip() for verb, link in product(_STARTED_VERBS, _STARTED_LINKS))
_DEADLINE_PREFIXES = (
    "entro",
    "entro il",
    "entro l'",
    "entro la fine di",
    "entro la fine del mese di",
    "entro fine",
    "entro fine mese di",
    "entro il mese di",
    "fine",
    "a fine",
    "alla fine di",
    "fine mese di",
    "nel mese di",
    "mese di",
    "nel",
    "nel corso di",
    "per",
    "al",
)
# A start with no end: "da marzo 2026", "a partire dal 2026". A bare "da ... a ..." is a range (periods.py).
_OPEN_PREFIXES = (
    "da",
    "dal",
    "dalla",
    "dall'",
    "dal mese di",
    "a partire da",
    "a partire dal",
    "a partire dalla",
    "a partire dall'",
    "a decorrere da",
    "a decorrere dal",
    "a decorrere dalla",
    "a decorrere dall'",
    "con decorrenza da",
    "con decorrenza dal",
)
# Written after the start: under way ("in corso") or simply with no end ("in poi").
_ONGOING_SUFFIXES = ("tuttora in corso", "ancora in corso", "in corso", "ad oggi", "a oggi")
_OPEN_SUFFIXES = ("in poi", "e oltre", "e seguenti", "e successivi")
_SUFFIX = re.compile(
    r"(?P<core>.+?)[\s,;-]*\b(?P<suffix>" + "|".join(re.escape(s) for s in (*_ONGOING_SUFFIXES, *_OPEN_SUFFIXES)) + r")"
)
_SEPARATORS = ".;:,/- "
_END_OF_YEAR = frozenset({"anno", "l'anno", "dell'anno", "d'anno", "anno in corso"})
_REMARK = re.compile(r"(?P<core>.*?)\s*\((?P<remark>[^()]*)\)")
_TRAILING_PUNCTUATION = ".;:,"


def parse_time(raw: str, *, year: int) -> TimeSpec:
    """Parse a planned/actual time relative to the plan ``year``. Never raises on any text.

    ``"Maggio"`` → by the end of May of ``year``; ``"Giugno/Ottobre"`` → two checkpoints;
    ``"Maggio-Settembre"`` → a range; ``"Annuale"`` → the whole year; ``"Marzo 2022"`` →
    March 2022; ``"avviato Luglio"`` → started in July, not finished; ``"No"`` → not done;
    ``"Dicembre (nota)"`` → December with remark ``"nota"``; ``"31/12/2019"`` → that day.
    Anything else is kept as TEXT with ``parsed=False``.
    """
    cleaned = clean(raw)
    if not cleaned:
        return TimeSpec(raw, TimeKind.EMPTY)
    core, remark = cleaned, ""
    match = _REMARK.fullmatch(cleaned)
    if match is not None and match["core"]:
        core, remark = match["core"], match["remark"].strip()
    try:
        spec = _parse_core(raw, fold(core).rstrip(_TRAILING_PUNCTUATION).strip(), year)
    except (ValueError, OverflowError):  # e.g. a plan year at the edge of the calendar
        spec = None
    if spec is None:
        return TimeSpec(raw, TimeKind.TEXT, parsed=False)
    return TimeSpec(
        raw,
        spec.kind,
        start=spec.start,
        end=spec.end,
        checkpoints=spec.checkpoints,
        hint=spec.hint,
        remark=remark,
    )


def _parse_core(raw: str, core: str, year: int) -> TimeSpec | None:
    if not core:
        return None
    if core in _NOT_DONE:
        return TimeSpec(raw, TimeKind.EMPTY, hint=TimeHint.NOT_DONE)
    if means_no_value(core):
        return TimeSpec(raw, TimeKind.EMPTY)
    rest = strip_prefix(core, _STARTED_PREFIXES)
    if rest is not None:
        if not rest:
            return TimeSpec(raw, TimeKind.EMPTY, hint=TimeHint.STARTED)
        period = _parse_when(rest, year)
        if period is None:
            return None
        # Started, not finished: there is no end yet.
        return TimeSpec(
            raw,
            period.kind,
            start=period.start,
            checkpoints=period.checkpoints,
            hint=TimeHint.STARTED,
        )
    period = _parse_when(core, year)
    if period is None:
        return _open_ended(raw, core, year)
    return TimeSpec(raw, period.kind, start=period.start, end=period.end, checkpoints=period.checkpoints)


def _open_ended(raw: str, core: str, year: int) -> TimeSpec | None:
    """A start with no end: "da marzo 2026" (after a word that opens), "marzo 2026 in poi" or "Marzo 2026 -"
    (after the start), "da marzo 2026, in corso" (under way); or a time followed by a separator left over,
    "Giugno /". None when nothing of that is written, or what remains is not a time."""
    hint, text = TimeHint.NONE, core
    if match := _SUFFIX.fullmatch(text):
        hint = TimeHint.STARTED if match["suffix"] in _ONGOING_SUFFIXES else TimeHint.OPEN
        text = match["core"]
    if (rest := strip_prefix(text, _OPEN_PREFIXES)) is not None:
        hint, text = hint or TimeHint.OPEN, rest
    stripped = text.rstrip(_SEPARATORS)
    if stripped != text and text.rstrip(" /;:,.").endswith("-"):
        hint = hint or TimeHint.OPEN  # "Marzo 2026 -": a range with no end
    if not stripped or (hint == TimeHint.NONE and stripped == text):
        return None
    period = _parse_when(stripped, year)
    if period is None:
        return None
    if hint == TimeHint.NONE:  # only a separator was left over: "Giugno /"
        return TimeSpec(raw, period.kind, start=period.start, end=period.end, checkpoints=period.checkpoints)
    return TimeSpec(raw, period.kind, start=period.start, checkpoints=period.checkpoints, hint=hint)


def _parse_when(text: str, year: int) -> Period | None:
    """A period, optionally after a deadline word: "entro Giugno", "fine Giugno", "entro l'anno"."""
    period = parse_period(text, year)
    if period is not None:
        return period
    rest = strip_prefix(text, _DEADLINE_PREFIXES)
    if not rest:
        return None
    if rest in _END_OF_YEAR:
        return parse_period("dicembre", year)
    return parse_period(rest, year)
