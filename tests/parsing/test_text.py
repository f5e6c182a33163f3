"""strip_prefix keeps its meaning when it only tries the prefixes that can match."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plans.parsing.text import strip_prefix
from plans.parsing.times import _DEADLINE_PREFIXES, _STARTED_PREFIXES

PROPERTIES = settings(database=None, deadline=None, max_examples=400)


def every_prefix_longest_first(text: str, prefixes: tuple[str, ...]) -> str | None:
    """The definition: try every prefix, the longest first."""
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text == prefix:
            return ""
        if prefix.endswith("'") and text.startswith(prefix):
            return text[len(prefix) :].strip()
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return None


# A small alphabet, so that prefixes often share first letters, lengths and apostrophes.
words = st.text(alphabet="ab' ", max_size=5)


@PROPERTIES
@given(text=words, prefixes=st.lists(words, max_size=6).map(tuple))
def test_any_prefixes_give_what_trying_them_all_gives(text: str, prefixes: tuple[str, ...]) -> None:
    assert strip_prefix(text, prefixes) == every_prefix_longest_first(text, prefixes)


@PROPERTIES
@given(
    prefixes=st.sampled_from([_STARTED_PREFIXES, _DEADLINE_PREFIXES]),
    data=st.data(),
)
def test_the_parsers_prefixes_give_what_trying_them_all_gives(prefixes: tuple[str, ...], data: st.DataObject) -> None:
    head = data.draw(st.sampled_from(prefixes))
    tail = data.draw(st.sampled_from(["", " luglio", "luglio", " l'anno", "'anno", " il 30/09/2026", " "]))
    text = head + tail
    assert strip_prefix(text, prefixes) == every_prefix_longest_first(text, prefixes)


def test_an_empty_prefix_matches_only_as_the_definition_says() -> None:
    assert strip_prefix("", ("", "entro")) == ""
    assert strip_prefix(" giugno", ("", "entro")) == "giugno"
    assert strip_prefix("giugno", ("", "entro")) is None
