"""OpenAPI generation: every operation documents the error answers it can give, in the one error shape."""

from __future__ import annotations

from typing import Any, Literal

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema

from api.errors import ErrorSerializer
from api.serializers.text import TextField


class TraguardiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
            # A body the parsers cannot read (no Content-Type, or text/plain) answers 415 before the view runs,
            # one over the size limit 413 before anything reads it (config.guard).
            if self.get_request_serializer() is not None:
                codes += ["413", "415"]
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code, direction=direction))
        return responses

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        """A text that may not be blank says so in the request's schema: at least one character that is not a
        space (`minLength: 1` let "\u2003" through, which DRF strips to nothing and refuses)."""
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, TextField) and not field.allow_blank and field.trim_whitespace:
            schema.setdefault("pattern", NOT_ONLY_SPACES)
        return schema

    # django-filter's filters and DRF's page number read an empty value (?state=&page=) as not given.
    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        return _empty_means_absent(super()._get_filter_parameters())

    def _get_pagination_parameters(self) -> list[dict[str, Any]]:
        return _empty_means_absent(super()._get_pagination_parameters())


def _empty_means_absent(parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "allowEmptyValue": True} if p.get("in") == "query" else p for p in parameters]


class CachedSchemaGenerator(SchemaGenerator):
    """The schema as `SchemaGenerator` makes it, made once per process for each language and API version.

    It depends on the code alone, not on the caller or the data (the view serves it public: every operation,
    whoever asks), and generating it took about a second of CPU at every request. A new release starts new
    processes, so a cached schema never outlives the code it describes. The result is shared: read only."""

    def get_schema(self, request: Any = None, public: bool = False) -> dict[str, Any]:
        key = (get_language(), self.api_version or getattr(request, "version", None), public)
        schema = _schemas.get(key)
        if schema is None:
            schema = _schemas[key] = super().get_schema(request=request, public=public)
        return schema


_schemas: dict[tuple[str | None, str | None, bool], dict[str, Any]] = {}
# The schema as rendered (api.schema_view): content and headers by language, ?lang=, ?version= and media type.
rendered: dict[tuple[str | None, str | None, str | None, str], tuple[bytes, dict[str, str]]] = {}


@receiver(setting_changed)
def _forget_schemas(*, setting: str, **kwargs: Any) -> None:
    """A test that changes what the schema is made from (its settings, the URLs, the languages) gets a new one."""
    if setting in ("SPECTACULAR_SETTINGS", "REST_FRAMEWORK", "ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _schemas.clear()
        rendered.clear()


# A date as the API reads it and writes it: ISO 8601's calendar date, four digits for the year.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def assert_date_format(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook: every `format: date` also carries the pattern of one.

    OpenAPI 3.1 reads `format` as an annotation (JSON Schema 2020-12), which validators and generators are free to
    ignore: schemathesis sent "" for the optional dates (`type: [string, null]`) as a valid value. The pattern says
    the same as the format in the vocabulary that everyone asserts."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("format") == "date":
                node.setdefault("pattern", DATE_PATTERN)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


def close_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook: the schemas of request bodies, and those they nest, admit no other property, as the
    API refuses any (api.serializers.inputs). The components of answers stay open: a client must not break on a
    field added in a later release."""
    components = result.get("components", {}).get("schemas", {})
    pending = [
        media.get("schema", {})
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    closed: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in closed and name in components:
                    closed.add(name)
                    pending.append(components[name])
                continue
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            pending.extend(node.values())
    return result


# Python's whitespace, which DRF strips from a text before asking whether it is blank (str.strip); ECMA's \s is another
# set (it leaves out U+001C-U+001F and U+0085), so the class is spelt out.
PYTHON_SPACES = "".join(f"\\u{ord(char):04x}" for char in map(chr, range(0x110000)) if char.isspace())
NOT_ONLY_SPACES = f"[^{PYTHON_SPACES}]"
