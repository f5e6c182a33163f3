"""Reading the pages as a person does: the text of tables and of the whole page, without a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Protocol


class Page(Protocol):
    """What the test client answers (the stubs type it as a private class)."""

    @property
    def content(self) -> bytes: ...


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)

    def row_with(self, text: str) -> list[str] | None:
        """The first row with a cell that contains `text`."""
        return next((row for row in self.rows if any(text in cell for cell in row)), None)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._open: list[Table] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._open.append(Table())
        elif tag == "tr" and self._open:
            self._open[-1].rows.append([])
        elif tag in ("td", "th") and self._open:
            self._cell = []
        elif tag == "caption" and self._open:
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            self.tables.append(self._open.pop())
        elif tag in ("td", "th") and self._cell is not None and self._open and self._open[-1].rows:
            self._open[-1].rows[-1].append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "caption" and self._caption is not None and self._open:
            self._open[-1].caption = squash("".join(self._caption))
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def tables(response: Page) -> list[Table]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def table_titled(response: Page, caption_start: str) -> Table:
    found = [table for table in tables(response) if table.caption.startswith(caption_start)]
    assert len(found) == 1, [table.caption for table in tables(response)]
    return found[0]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(response: Page) -> str:
    """The visible words of the page, spaces squashed (tags dropped, entities decoded)."""
    parser = _Text()
    parser.feed(response.content.decode())
    return squash(" ".join(parser.parts))
