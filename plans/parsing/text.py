"""Text normalisation shared by the time and value parsers."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["clean", "fold", "means_no_value", "strip_prefix"]

_TRANSLATION = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2044": "/",  # fraction slash
        "\u2215": "/",  # division slash
    }
)


def clean(raw: str) -> str:
    """NFC-normalise and collapse every run of whitespace into one space."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def fold(text: str) -> str:
    """Clean, unify dashes/apostrophes/slashes and casefold, for matching."""
    return clean(text).translate(_TRANSLATION).casefold()


def strip_prefix(text: str, prefixes: tuple[str, ...]) -> str | None:
    """Remove the longest matching prefix (a whole word or words) and return the rest.

    Prefixes ending with an apostrophe (``l'``) may be glued to the next word.
    Returns ``None`` when no prefix matches, ``""`` when the text is just the prefix.
    """
    for prefix in _candidates(prefixes, text[:1]):
        if text == prefix:
            return ""
        if prefix.endswith("'") and text.startswith(prefix):
            return text[len(prefix) :].strip()
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return None


@lru_cache(maxsize=512)
def _by_first_character(prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]] | None:
    """The prefixes longest first (ties in their given order), grouped by their first character; None when
    one of them is empty (it could match any text, so no grouping applies)."""
    ordered = sorted(prefixes, key=len, reverse=True)
    if "" in ordered:
        return None
    groups: dict[str, list[str]] = {}
    for prefix in ordered:
        groups.setdefault(prefix[0], []).append(prefix)
    return {first: tuple(group) for first, group in groups.items()}


def _candidates(prefixes: tuple[str, ...], first: str) -> tuple[str, ...] | list[str]:
    """The prefixes that may match a text starting with `first`, in the order strip_prefix tries them: every
    match starts with the prefix, so a non-empty prefix can only match a text sharing its first character."""
    groups = _by_first_character(prefixes)
    if groups is None:
        return sorted(prefixes, key=len, reverse=True)
    return groups.get(first, ())


# What offices write for "no value" (folded): dashes, and the abbreviations of "non disponibile" / "non
# applicabile". Read as nothing written; the text itself is kept as written.
_NO_VALUE = frozenset(
    {
        "-",
        "--",
        "---",
        "n.d.",
        "n.d",
        "nd",
        "n/d",
        "n. d.",
        "n. d",
        "n.a.",
        "n.a",
        "na",
        "n/a",
        "n. a.",
        "n. a",
        "non disponibile",
        "non disponibili",
        "dato non disponibile",
        "dati non disponibili",
        "non applicabile",
        "non pertinente",
        "non rilevato",
        "non rilevata",
        "non rilevabile",
    }
)


def means_no_value(folded: str) -> bool:
    """Whether folded text is one of the ways of writing "no value" ("-", "—", "n.d.", "N/A", ...)."""
    return folded in _NO_VALUE
