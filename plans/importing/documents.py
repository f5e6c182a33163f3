"""Read a plan document from YAML or JSON, keeping the line and column of every value for error reports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from plans.importing.errors import DocPath, PlanImportError, Problem, format_path

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


class SourceMap:
    """Maps a document path to "file, riga N, colonna M", built on first use only (errors are rare)."""

    def __init__(self, path: Path, text: str) -> None:
        self._path = path
        self._text = text
        self._marks: dict[DocPath, tuple[int, int]] | None = None

    def __call__(self, doc_path: DocPath) -> str:
        if self._marks is None:
            self._marks = self._build()
        probe = doc_path
        while probe not in self._marks and probe:
            probe = probe[:-1]
        where = f"{self._path.name}"
        if probe in self._marks:
            line, column = self._marks[probe]
            where += f", riga {line}, colonna {column}"
        return f"{where} ({format_path(doc_path)})" if doc_path else where

    def _build(self) -> dict[DocPath, tuple[int, int]]:
        marks: dict[DocPath, tuple[int, int]] = {}
        try:
            root = yaml.compose(self._text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return marks
        stack: list[tuple[yaml.Node, DocPath]] = [(root, ())] if root is not None else []
        while stack:
            node, path = stack.pop()
            marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    stack.append((value_node, (*path, str(key_node.value))))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((child, (*path, index)) for index, child in enumerate(node.value))
        return marks


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanImportError([Problem(str(path), "il file non esiste", "Controlla il percorso.")]) from None
    except UnicodeDecodeError as error:
        raise PlanImportError(
            [Problem(path.name, f"il file non è testo UTF-8 (byte {error.start})", "Salvalo con codifica UTF-8.")]
        ) from None


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
    except yaml.YAMLError as error:
        raise PlanImportError([Problem(path.name, f"YAML non valido: {error}")]) from None
    return data, SourceMap(path, text)


def load_json(path: Path) -> tuple[Any, SourceMap]:
    text = read_text(path)
    try:
        data = json.loads(text, parse_float=str)
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
    return data, SourceMap(path, text)
