"""Read a plan document from YAML or JSON; the line and column of a value are found only for an error report."""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

import yaml

from plans.importing.errors import DocPath, PlanImportError, Problem, format_path
from plans.importing.limits import text_problems

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PlanYamlLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """YAML 1.1 without its surprises: `no`, `si`, `on` stay text (they are indicator values), dates stay
    text (the schema checks them), and decimals stay text so that "0,50" or "1.00" keep their digits."""


PlanYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PlanYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

LONGEST_INTEGER = 4000  # digits: Python refuses to read more than 4,300; the schema bounds the rest


def _integer_or_text(literal: str) -> int | str:
    """An integer, or, if Python cannot read it (a ValueError without position), its text: the schema then
    says where it is."""
    return int(literal) if len(literal.lstrip("+-")) <= LONGEST_INTEGER else literal


def _yaml_integer_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    literal = str(loader.construct_scalar(node))
    if len(literal.replace("_", "").lstrip("+-")) <= LONGEST_INTEGER:
        return int(loader.construct_yaml_int(node))
    return literal


PlanYamlLoader.add_constructor("tag:yaml.org,2002:int", _yaml_integer_or_text)


class SourceMap:
    """Maps a document path to "file, riga N, colonna M". Nothing is kept or built while the file is fine:
    the first error to locate reads the file again (if it is unchanged) and indexes it, once."""

    def __init__(self, path: Path, *, json: bool) -> None:
        self._path = path
        self._json = json
        self._stamp = _stamp(path)
        self._index: _Index | None = None

    def __call__(self, doc_path: DocPath) -> str:
        if self._index is None:
            self._index = self._build()
        where = f"{self._path.name}"
        mark = self._index.mark(doc_path)
        if mark is not None:
            line, column = mark
            where += f", riga {line}, colonna {column}"
        return f"{where} ({format_path(doc_path)})" if doc_path else where

    def _build(self) -> _Index:
        try:
            unchanged = _stamp(self._path) == self._stamp
            text = self._path.read_text(encoding="utf-8").removeprefix("\ufeff") if unchanged else None
        except (OSError, UnicodeDecodeError):
            text = None
        if text is None:
            return _Index()
        return _JsonIndex(text) if self._json else _YamlIndex(text)


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


class _Index:
    """No positions: the file changed or vanished since it was read."""

    def mark(self, doc_path: DocPath) -> tuple[int, int] | None:
        return None


class _YamlIndex(_Index):
    """Positions from the YAML node tree (libyaml when available), composed once. A path is followed as far
    as it exists, so a missing field points at the section that should hold it."""

    def __init__(self, text: str) -> None:
        try:
            self._root = yaml.compose(text, Loader=_ComposeLoader)
        except yaml.YAMLError:
            self._root = None

    def mark(self, doc_path: DocPath) -> tuple[int, int] | None:
        node = self._root
        if node is None:
            return None
        for part in doc_path:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((value for key, value in node.value if str(key.value) == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
            if child is None:
                break
            node = child
        return node.start_mark.line + 1, node.start_mark.column + 1


_ComposeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# What YAML counts as a line break besides \n (the file was read with universal newlines: no \r is left).
_RARE_BREAKS = ("\x85", "\u2028", "\u2029")


class _JsonIndex(_Index):
    """Positions in a JSON text, found by walking only the containers on the way to a path with the C JSON
    scanner (each container indexed once), instead of building a tree of the whole file."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._decoder = json.JSONDecoder()
        self._children: dict[int, dict[str | int, int]] = {}
        self._breaks: list[str] | None = None
        self._known: list[tuple[int, int]] = []  # (position, line) pairs already worked out

    def mark(self, doc_path: DocPath) -> tuple[int, int] | None:
        position = _WHITESPACE.match(self._text, 0).end()  # type: ignore[union-attr]
        if position >= len(self._text):
            return None
        for part in doc_path:
            child = self._members(position).get(part)
            if child is None:
                break
            position = child
        return self._line_column(position)

    def _members(self, start: int) -> dict[str | int, int]:
        """Where each member of the object or array starting at `start` begins (the first of repeated keys)."""
        if start not in self._children:
            try:
                self._children[start] = self._scan(start)
            except (ValueError, IndexError):
                self._children[start] = {}
        return self._children[start]

    def _scan(self, start: int) -> dict[str | int, int]:
        text, members = self._text, dict[str | int, int]()
        opening = text[start]
        if opening not in "{[":
            return {}
        closing = "}" if opening == "{" else "]"
        position = _WHITESPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        index = 0
        while text[position] != closing:
            key: str | int = index
            if opening == "{":
                key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
                position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
                position = _WHITESPACE.match(text, position + 1).end()  # type: ignore[union-attr]  # past ":"
            members.setdefault(key, position)
            _value, position = self._decoder.raw_decode(text, position)
            position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
            if text[position] == ",":
                position = _WHITESPACE.match(text, position + 1).end()  # type: ignore[union-attr]
            index += 1
        return members

    def _line_column(self, position: int) -> tuple[int, int]:
        """Counted from the nearest position already located before this one, without copying the text."""
        text = self._text
        if self._breaks is None:
            self._breaks = ["\n", *(rare for rare in _RARE_BREAKS if rare in text)]
        index = bisect.bisect_right(self._known, (position, 0)) - 1
        start, line = self._known[index] if index >= 0 else (0, 1)
        line += sum(text.count(mark, start, position) for mark in self._breaks)
        bisect.insort(self._known, (position, line))
        line_start = max(text.rfind(mark, 0, position) for mark in self._breaks) + 1
        return line, position - line_start + 1


def read_text(path: Path) -> str:
    """The file as text; a file that is not UTF-8 text (a binary file, UTF-16, a NUL byte) is refused with the
    line and column where it stops being text."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanImportError([Problem(str(path), "il file non esiste", "Controlla il percorso.")]) from None
    except UnicodeDecodeError as error:
        raise PlanImportError([_not_utf8(path, error)]) from None
    text = text.removeprefix("\ufeff")  # the byte order mark some Windows editors put before UTF-8
    if "\x00" in text:  # no text editor writes one: a binary file, or a text saved in UTF-16
        raise PlanImportError(
            [
                Problem(
                    f"{path.name}, {_line_column(text, text.index('\x00'))}",
                    "il file contiene il carattere NUL (byte 0), che in un file di testo non c'è",
                    "Forse è un file binario rinominato o un testo salvato in UTF-16: salvalo come testo UTF-8.",
                )
            ]
        )
    return text


def _not_utf8(path: Path, error: UnicodeDecodeError) -> Problem:
    raw = error.object if isinstance(error.object, bytes) else b""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(path.name, "il file è in UTF-16, non in UTF-8", "Salvalo con codifica UTF-8.")
    read = raw[: error.start].decode("utf-8")  # valid up to the error, by definition
    return Problem(
        f"{path.name}, {_line_column(read, len(read))}",
        f"il file non è testo UTF-8 (byte {raw[error.start]:#04x} non valido)",
        "Salvalo con codifica UTF-8; se è un altro tipo di file (un .docx, un .xlsx, un'immagine) rinominato, "
        "usa il file giusto.",
    )


def _line_column(text: str, offset: int) -> str:
    """ "riga N, colonna M" of a character offset (lines split at \\n, as the file was read)."""
    line_start = text.rfind("\n", 0, offset) + 1
    return f"riga {text.count('\n', 0, offset) + 1}, colonna {offset - line_start + 1}"


def load_yaml(path: Path) -> tuple[Any, SourceMap]:
    text = read_text(path)
    if text and not text.endswith("\n"):
        # YAML has no closing bracket: a file cut short can still parse. Editors and YAML writers always end
        # the last line, so a file that stops mid-line was most likely cut (an interrupted copy or upload).
        lines = text.count("\n") + 1
        raise PlanImportError(
            [
                Problem(
                    f"{path.name}, riga {lines}",
                    "il file finisce a metà riga: sembra troncato",
                    "Copia di nuovo il file completo; se è già completo, aggiungi un a capo dopo l'ultima riga.",
                )
            ]
        )
    try:
        data = yaml.load(text, Loader=PlanYamlLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path.name}, riga {mark.line + 1}, colonna {mark.column + 1}" if mark else path.name
        raise PlanImportError(
            [
                Problem(
                    where,
                    f"YAML non valido: {error.problem}",
                    "Il file è troncato o malformato: controlla rientri, virgolette e che sia completo.",
                )
            ]
        ) from None
    except yaml.reader.ReaderError as error:  # a control character; its position counts bytes, not characters
        character = chr(error.character) if isinstance(error.character, int) else str(error.character)
        offset = max(text.find(character), 0)
        raise PlanImportError(
            [
                Problem(
                    f"{path.name}, {_line_column(text, offset)}",
                    f"carattere di controllo U+{ord(character):04X} non ammesso in un file YAML",
                    "Toglilo con un editor di testo: di solito viene da un copia e incolla.",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise PlanImportError([Problem(path.name, f"YAML non valido: {error}")]) from None
    return _without_nul(data, text, SourceMap(path, json=False), YAML_NUL_ESCAPES)


def load_json(path: Path) -> tuple[Any, SourceMap]:
    text = read_text(path)
    try:
        data = json.loads(text, parse_float=str, parse_int=_integer_or_text)
    except RecursionError:
        raise PlanImportError(
            [
                Problem(
                    f"{path.name}, {_line_column(text, _too_deep(text))}",
                    "il documento è annidato troppo in profondità (oltre 500 livelli di parentesi)",
                    "Un piano ne usa al più sei: il file è malformato o non è un piano.",
                )
            ]
        ) from None
    except json.JSONDecodeError as error:
        raise PlanImportError(
            [
                Problem(
                    f"{path.name}, riga {error.lineno}, colonna {error.colno}",
                    f"JSON non valido: {error.msg}",
                    "Il file è troncato o malformato: controlla parentesi, virgole e che sia completo.",
                )
            ]
        ) from None
    return _without_nul(data, text, SourceMap(path, json=True), ("\\u0000",))


# A NUL byte in the file is refused by read_text: in the document one can only come from an escape.
YAML_NUL_ESCAPES = ("\\0", "\\x00", "\\u0000", "\\U00000000")


def _without_nul(data: Any, text: str, source: SourceMap, escapes: tuple[str, ...]) -> tuple[Any, SourceMap]:
    """The document, once sure that no text in it holds a NUL; the whole document is read only when the file
    has an escape that may make one."""
    if any(escape in text for escape in escapes):
        problems = text_problems(data, source)
        if problems:
            raise PlanImportError(problems)
    return data, source


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(text: str, limit: int = 500) -> int:
    """Where the nesting first goes past `limit`: only read once a file has been found too deep."""
    depth = 0
    for token in _BRACKETS.finditer(text):
        mark = token.group()
        depth += 1 if mark in "[{" else -1 if mark in "]}" else 0
        if depth > limit:
            return token.start()
    return 0
