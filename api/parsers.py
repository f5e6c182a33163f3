"""The API's JSON parser: DRF's, with limits on what a body may hold and messages that say where.

- Malformed JSON, or a body not in UTF-8: 400 `parse_error`, with the line and column.
- A body that is not a JSON object: 400 `parse_error`; every operation takes an object.
- Nesting deeper than MAX_DEPTH, a NUL character (U+0000) in a string or a key, NaN, Infinity, a number
  too large for a double (1e400) or an integer beyond 64 bits: 400 `invalid`, naming the field ("comment",
  "a.b.0"), as a serializer's error does. No operation takes such input, PostgreSQL cannot store a NUL, and
  each of them used to fail further in (a 500) or pass as text ("inf").
The body's size is bounded before any parser runs (config.guard).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 20  # the API's bodies are flat objects; anything deeper is not meant for it
MAX_PROBLEMS = 20  # a body full of NULs gets a short answer
LARGEST_INTEGER = 2**63 - 1
NUL = "\x00"
SURROGATE = re.compile("[\ud800-\udfff]")  # "\ud800" in JSON: valid JSON, but no UTF-8 text, nor PostgreSQL, takes it


class _Oversized(int):
    """An integer literal beyond 64 bits, kept only to be named in the error."""


def _integer(literal: str) -> int:
    # Python refuses to convert more than 4,300 digits (a ValueError without position); a 64-bit integer has 19.
    if len(literal.lstrip("-")) > 19 or abs(int(literal)) > LARGEST_INTEGER:
        return _Oversized(0)
    return int(literal)


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any] | None, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            start = getattr(error, "start", 0)
            raise ParseError(
                _("Il corpo della richiesta non è testo %(encoding)s (byte %(byte)d): invialo in UTF-8.")
                % {"encoding": encoding, "byte": start}
            ) from None
        try:
            data = json.loads(text, parse_int=_integer, parse_constant=float)
        except json.JSONDecodeError as error:
            raise ParseError(
                _("JSON non valido alla riga %(line)d, colonna %(column)d: controlla virgolette, virgole e parentesi.")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except RecursionError:
            raise ParseError(
                _("Il JSON è annidato troppo in profondità: al massimo %(depth)d livelli.") % {"depth": MAX_DEPTH}
            ) from None
        if not isinstance(data, dict):
            raise ParseError(_('Il corpo della richiesta deve essere un oggetto JSON, ad esempio {"comment": "…"}.'))
        problems = _problems(data)
        if problems:
            raise ValidationError(problems)
        return data


def _problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """What the body holds that no operation takes, by field path; walked without recursion."""
    problems: dict[str, list[str]] = {}
    pending: list[tuple[Any, str, int]] = [(data, "", 1)]
    while pending and len(problems) < MAX_PROBLEMS:
        value, path, depth = pending.pop()
        problem = _problem(value, depth)
        if problem:
            problems[path or "non_field_errors"] = [problem]
        elif isinstance(value, dict):
            for key, item in value.items():
                name = _printable(str(key))
                if NUL in key or SURROGATE.search(key):
                    problems[f"{path}.{name}" if path else name] = [_nul() if NUL in key else _surrogate()]
                pending.append((item, f"{path}.{name}" if path else name, depth + 1))
        elif isinstance(value, list):
            pending.extend(
                (item, f"{path}.{index}" if path else str(index), depth + 1) for index, item in enumerate(value)
            )
    return problems


def _problem(value: Any, depth: int) -> str:
    if isinstance(value, dict | list) and depth > MAX_DEPTH:
        return _("Annidato troppo in profondità: al massimo %(depth)d livelli.") % {"depth": MAX_DEPTH}
    if isinstance(value, str) and NUL in value:
        return _nul()
    if isinstance(value, str) and SURROGATE.search(value):
        return _surrogate()
    if isinstance(value, float) and not math.isfinite(value):
        return _("Numero fuori scala (NaN, Infinity o oltre 1e308): JSON non ha questi numeri.")
    if isinstance(value, _Oversized):
        return _("Numero intero troppo grande: al massimo %(largest)d.") % {"largest": LARGEST_INTEGER}
    return ""


def _printable(key: str) -> str:
    """A key as the error can name it: NUL and lone surrogates written as escapes (no encoder takes them raw)."""
    return SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", key.replace(NUL, "\\0"))


def _surrogate() -> str:
    return _(
        "Contiene un carattere non valido (un surrogato UTF-16 isolato, tra U+D800 e U+DFFF): nessun testo lo "
        "contiene; controlla come il programma che invia codifica i caratteri."
    )


def _nul() -> str:
    return _("Contiene il carattere NUL (U+0000), che non è ammesso.")
