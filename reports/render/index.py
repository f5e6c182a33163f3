"""The index of a document rendered from HTML: one entry per chapter, the pages given by the PDF itself.

Every <h2> after the index's place in the template is a chapter (the areas and whatever chapters come before
and after them), so a new chapter is in the index without being listed twice. Each gets an id, if it has none,
that the index links to: the slug of its text ("centro-di-responsabilita-area-direzione"), which the PDF also
gives as the link's description; the page number is CSS's target-counter(), which WeasyPrint resolves when it lays out
the pages, so the number printed is the page where the heading landed.

The HTML is the output of our own template, autoescaped: a text can never hold "<h2" or the index marker, so
a regular expression over it finds exactly the template's headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.text import slugify

INDEX_MARKER = "<!-- index entries -->"
INDEX_TEMPLATE = "reports/index_entries.html"
CHAPTER = re.compile(r"<h2(?P<attributes>(?:\s[^>]*)?)>(?P<content>.*?)</h2>", re.DOTALL)
ID = re.compile(r"""\sid=["'](?P<id>[^"']+)["']""")
ID_PREFIX = "capitolo-"


@dataclass(frozen=True)
class IndexEntry:
    anchor: str
    text: str


def with_index(html: str) -> str:
    """The HTML with its index marker replaced by the entries of the chapters that follow it."""
    before, marker, after = html.partition(INDEX_MARKER)
    if not marker:
        return html
    entries: list[IndexEntry] = []
    taken = set(ID.findall(html))

    def anchored(match: re.Match[str]) -> str:
        attributes = match["attributes"]
        existing = ID.search(attributes)
        anchor = unescape(existing["id"]) if existing else ""
        text = " ".join(unescape(strip_tags(match["content"])).split())
        if not existing:
            anchor = _unique(slugify(text) or f"{ID_PREFIX}{len(entries) + 1}", taken)
            attributes = f' id="{anchor}"{attributes}'
        taken.add(anchor)
        entries.append(IndexEntry(anchor=anchor, text=text))
        return f"<h2{attributes}>{match['content']}</h2>"

    after = CHAPTER.sub(anchored, after)
    return before + render_to_string(INDEX_TEMPLATE, {"entries": entries}) + after


def _unique(anchor: str, taken: set[str]) -> str:
    """The anchor, or with "-2", "-3"… when the document already uses it (two areas may share a name)."""
    candidate, suffix = anchor, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{anchor}-{suffix}"
    return candidate
