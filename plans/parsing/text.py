"""Text normalisation shared by the time and value parsers."""

from __future__ import annotations

import unicodedata

__all__ = ["clean", "fold", "strip_prefix"]

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
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text == prefix:
            return ""
        if prefix.endswith("'") and text.startswith(prefix):
            return text[len(prefix) :].strip()
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return None
