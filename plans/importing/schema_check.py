"""A compiled yes/no check of the plan schema: the fast path for the common case, a file with no errors.

jsonschema walks every value of the document through its generic machinery (reference lookups, a new
validator per level): tens of seconds for a plan of 100,000 activities. The schema uses a handful of
keywords, so it is compiled once into plain closures that answer only "valid or not", with the same meaning
as jsonschema's Draft 2020-12 validator for those keywords. When the answer is "not valid", jsonschema
itself words the errors (`schema_errors`, on the parts that are wrong), so messages never depend on this
module.

A schema using any other keyword is not compiled (`compiled_check` returns None) and jsonschema runs
always: the fast path may only ever skip work, never accept what jsonschema would refuse.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

import jsonschema

Check = Callable[[Any], bool]

# Keywords that only describe: they never make a value invalid.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default", "deprecated"}
)
_OBJECT_KEYWORDS = frozenset({"properties", "additionalProperties", "required"})
_STRING_KEYWORDS = frozenset({"minLength", "maxLength", "pattern", "format"})


class UnsupportedSchemaError(Exception):
    """The schema uses a keyword this compiler does not know: jsonschema must check every document."""


def _is_integer(value: Any) -> bool:
    # Draft 6 and later: 1.0 is an integer too; True is not.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "integer": _is_integer,
    "null": lambda value: value is None,
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "string": lambda value: isinstance(value, str),
}


def _all_of(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for each in checks:  # noqa: SIM110 (a plain loop: all() over a generator costs more per value)
            if not each(value):
                return False
        return True

    return check


class _Compiler:
    def __init__(self, root: Mapping[str, Any], format_checker: jsonschema.FormatChecker) -> None:
        self.root = root
        self.format_checker = format_checker
        self.refs: dict[str, Check | None] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, Mapping):
            raise UnsupportedSchemaError(repr(schema))
        unknown = set(schema) - _ANNOTATIONS - _OBJECT_KEYWORDS - _STRING_KEYWORDS
        unknown -= {"type", "$ref", "items", "minItems", "enum", "const", "minimum", "maximum"}
        if unknown:
            raise UnsupportedSchemaError(", ".join(sorted(unknown)))
        checks: list[Check] = []
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"]))
        if _OBJECT_KEYWORDS & set(schema):
            checks.append(self._object(schema))
        if _STRING_KEYWORDS & set(schema):
            checks.append(self._string(schema))
        if "items" in schema or "minItems" in schema:
            checks.append(self._array(schema))
        if "enum" in schema:
            checks.append(self._one_of_texts(schema["enum"]))
        if "const" in schema:
            checks.append(self._one_of_texts([schema["const"]]))
        if "minimum" in schema or "maximum" in schema:
            checks.append(self._bounds(schema.get("minimum"), schema.get("maximum")))
        return _all_of(checks) if checks else (lambda value: True)

    def _type(self, names: Any) -> Check:
        wanted = [names] if isinstance(names, str) else list(names)
        if not wanted or any(name not in _TYPES for name in wanted):
            raise UnsupportedSchemaError(f"type {names!r}")
        if len(wanted) == 1:
            return _TYPES[wanted[0]]
        checks = [_TYPES[name] for name in wanted]
        return lambda value: any(check(value) for check in checks)

    def _ref(self, ref: Any) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/") or "~" in ref or "%" in ref:
            raise UnsupportedSchemaError(f"$ref {ref!r}")
        if ref not in self.refs:
            self.refs[ref] = None  # being compiled: a recursive reference resolves when called
            definitions = self.root.get("$defs", {})
            name = ref.removeprefix("#/$defs/")
            if name not in definitions:
                raise UnsupportedSchemaError(f"$ref {ref!r}")
            self.refs[ref] = self.compile(definitions[name])
        compiled = self.refs[ref]
        if compiled is not None:
            return compiled
        refs = self.refs
        return lambda value: refs[ref](value)  # type: ignore[misc]

    def _object(self, schema: Mapping[str, Any]) -> Check:
        properties = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        additional = schema.get("additionalProperties", True)
        if additional is True:
            other: Check | None = None
        elif additional is False:
            other = lambda value: False  # noqa: E731
        else:
            other = self.compile(additional)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name in required:
                if name not in value:
                    return False
            for key, item in value.items():
                sub = properties.get(key, other)
                if sub is None:
                    continue
                if not sub(item):
                    return False
            return True

        return check

    def _string(self, schema: Mapping[str, Any]) -> Check:
        shortest, longest = schema.get("minLength"), schema.get("maxLength")
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
        kind = schema.get("format")
        conforms = self.format_checker.conforms

        def check(value: Any) -> bool:
            if kind is not None and not conforms(value, kind):
                return False  # formats apply to any type (the checker itself lets non-strings pass)
            if not isinstance(value, str):
                return True
            if shortest is not None and len(value) < shortest:
                return False
            if longest is not None and len(value) > longest:
                return False
            return pattern is None or pattern.search(value) is not None

        return check

    def _array(self, schema: Mapping[str, Any]) -> Check:
        item_check = self.compile(schema["items"]) if "items" in schema else None
        fewest = schema.get("minItems")

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            if fewest is not None and len(value) < fewest:
                return False
            if item_check is not None:
                for item in value:
                    if not item_check(item):
                        return False
            return True

        return check

    def _one_of_texts(self, options: Any) -> Check:
        # jsonschema compares with a bool-aware equality; for text options that is plain string equality.
        if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
            raise UnsupportedSchemaError(f"enum {options!r}")
        allowed = frozenset(options)
        return lambda value: isinstance(value, str) and value in allowed

    def _bounds(self, lowest: Any, highest: Any) -> Check:
        if not all(bound is None or _is_number(bound) for bound in (lowest, highest)):
            raise UnsupportedSchemaError("minimum/maximum")

        def check(value: Any) -> bool:
            if not _is_number(value):
                return True
            if lowest is not None and value < lowest:
                return False
            return highest is None or value <= highest

        return check


def compiled_check(
    schema: Mapping[str, Any], format_checker: jsonschema.FormatChecker, part: Any = None
) -> Check | None:
    """True for a document jsonschema would accept; None when the schema cannot be compiled. With `part`, a
    subschema of `schema` (references resolve against `schema`), the check is for that part."""
    try:
        return _Compiler(schema, format_checker).compile(schema if part is None else part)
    except UnsupportedSchemaError:
        return None


def schema_errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[jsonschema.ValidationError]:
    """Every error jsonschema finds in `document`, as `validator.iter_errors` gives them, but skipping the
    items of the document's top-level lists that the compiled check accepts: jsonschema then only walks the
    objectives that are wrong, not all 10,000. Paths are those of the whole document."""
    schema = validator.schema
    if not isinstance(schema, Mapping) or not isinstance(document, dict):
        return list(validator.iter_errors(document))
    properties = schema.get("properties", {})
    pruned, lists = dict(document), {}
    for key, part in properties.items():
        # Only lists whose schema says nothing about the list itself beyond its type and its items.
        prunable = isinstance(part, Mapping) and part.get("type") == "array" and set(part) <= {"type", "items"}
        if prunable and isinstance(document.get(key), list):
            lists[key], pruned[key] = document[key], []
    errors = list(validator.iter_errors(pruned))
    for error in errors:
        if error.instance is pruned:
            error.instance = document  # the same keys; the lists it holds are walked below
    checker = validator.format_checker or jsonschema.FormatChecker()
    for key, items in lists.items():
        item_schema = properties[key]["items"]
        item_check = compiled_check(schema, checker, item_schema)
        item_validator = validator.evolve(schema=item_schema)
        for index, item in enumerate(items):
            if item_check is not None and item_check(item):
                continue
            for error in item_validator.iter_errors(item):
                error.path.extendleft([index, key])  # the path from the document's root
                errors.append(error)
    return errors
