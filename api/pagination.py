"""Every API list pages by keyset, with a bounded count.

A page is the rows after (or before) the last row the client saw, in an order that is unique (its last fields
are a unique key): `WHERE (key) > (position) ORDER BY key LIMIT n`, which an index on the key serves, so page
1000 costs what page 1 does, and rows inserted or deleted meanwhile neither repeat nor hide the others. The
position travels in an opaque `cursor` (the `next` and `previous` links carry it); page numbers are gone.

The count stops at COUNT_CAP: `count` is exact up to it, and `count_capped` says that the list holds more than
`count` rows. Counting a whole region's list at every call was most of the cost of a page.

A view says its order in `keyset_ordering` (local, non-null fields, with a unique key last); without one, the
primary key. A view listing the rows of a visibility rule names the rule's branches in `keyset_branches` (a
method returning their conditions), so that each branch's page is read through the order's index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from workflow.errors import NotVisible

COUNT_CAP = 1000
CURSOR_PARAM = "cursor"
MAX_CURSOR_LENGTH = 2000


class Key:
    """One field of a keyset order: its name on the model and its direction."""

    def __init__(self, model: type[Model], spec: str) -> None:
        self.descending = spec.startswith("-")
        self.name = spec.removeprefix("-")
        if "__" in self.name:
            raise ValueError(f"keyset ordering {spec!r}: only fields of {model.__name__} itself")
        field: Any = model._meta.pk if self.name == "pk" else model._meta.get_field(self.name)
        if field.null:
            raise ValueError(f"keyset ordering {spec!r}: a nullable field has no place in a keyset")
        # A foreign key's value is its target's (objective_id is an integer).
        self.field: Field[Any, Any] = field.target_field if field.is_relation else field

    def order(self, backwards: bool) -> str:
        return f"-{self.name}" if self.descending != backwards else self.name

    def beyond(self, backwards: bool) -> str:
        return f"{self.name}__lt" if self.descending != backwards else f"{self.name}__gt"

    def value_of(self, row: Model) -> Any:
        return row.pk if self.name == "pk" else getattr(row, self.name)

    def parse(self, raw: Any) -> Any:
        """A value read from a cursor, as the field holds it; ValueError when it cannot be one."""
        if isinstance(raw, bool) or not isinstance(raw, int | str) or (isinstance(raw, str) and "\x00" in raw):
            raise ValueError(raw)
        try:
            value = self.field.to_python(raw)
            self.field.run_validators(value)  # integers within the column's range
        except ValidationError as error:
            raise ValueError(raw) from error
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError(raw)
            try:  # the same instant in UTC: PostgreSQL refuses offsets past 15:59, which Python reads (to 23:59)
                value = value.astimezone(dt.UTC)
            except OverflowError as error:  # year 1 at +14:00 is year 0 in UTC
                raise ValueError(raw) from error
        return value


def _plain(value: Any) -> int | str:
    if isinstance(value, int):
        return value
    if isinstance(value, dt.date):  # datetimes too: isoformat keeps the microseconds and the offset
        return value.isoformat()
    return str(value)


def _bad_cursor() -> NotVisible:
    """A cursor the API did not write names no page: 404, as a page number does (and DRF's own cursor
    pagination); any string is a cursor to the schema, which cannot say which ones name a page."""
    message = _(
        "Cursore non valido: usa i link «next» e «previous» della risposta così come sono, "
        "oppure togli il parametro cursor per ripartire dall'inizio."
    )
    return NotVisible(message, fields={CURSOR_PARAM: [message]})


class KeysetPagination(BasePagination):
    page_size: int = api_settings.PAGE_SIZE or 50
    count_cap = COUNT_CAP

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request, view: Any = None) -> list[Any]:
        self.request = request
        if request.query_params.get("page"):
            # Numbered pages are gone: a client still asking for page 2 must not get page 1 again (and loop).
            raise NotFound(
                _(
                    "Pagina inesistente: le liste dell'API non hanno pagine numerate, "
                    "segui il link «next» della risposta."
                )
            )
        self.keys = [Key(queryset.model, spec) for spec in getattr(view, "keyset_ordering", ("pk",))]
        position, backwards = self._decode(request.query_params.get(CURSOR_PARAM, ""))
        # Bounded: COUNT over at most count_cap + 1 rows (a LIMIT inside), never over the whole list.
        # Counted on the listed table alone: the related rows a page shows (select_related) change no count.
        counted = queryset.order_by().values("pk")[: self.count_cap + 1].count()
        self.count, self.count_capped = min(counted, self.count_cap), counted > self.count_cap
        order = [key.order(backwards) for key in self.keys]
        beyond = Q() if position is None else self._beyond(position, backwards)
        # The page's ids first, on the listed table alone, then its rows with their related ones: joined before
        # the LIMIT, the related rows would be read for every row of the list, not only for the page's.
        ids = self._page_ids(queryset, view, order, beyond)
        more, ids = len(ids) > self.page_size, ids[: self.page_size]
        rows = list(queryset.filter(pk__in=ids).order_by(*order)) if ids else []
        if backwards:
            rows.reverse()
        first = [key.value_of(rows[0]) for key in self.keys] if rows else position
        last = [key.value_of(rows[-1]) for key in self.keys] if rows else position
        further, came_from = (more, position is not None)
        has_next, has_previous = (came_from, further) if backwards else (further, came_from)
        self.next_cursor = self._encode(last, backwards=False) if has_next and last is not None else None
        self.previous_cursor = self._encode(first, backwards=True) if has_previous and first is not None else None
        return rows

    def _page_ids(self, queryset: QuerySet[Any], view: Any, order: list[str], beyond: Q) -> list[Any]:
        """The ids of the page and of the row after it. A view whose rows are those of an OR of conditions (the
        visibility rules) gives each branch's rows as a queryset (`keyset_branches`): the page is then the first
        rows of each branch, filtered as the list is, each read in the order of an index under its branch's
        condition alone, merged (one query, a UNION). Under the OR itself PostgreSQL walks the order's index
        filtering every row, past every row of the region that comes before the body's."""
        wanted = self.page_size + 1
        parts = view.keyset_branches() if hasattr(view, "keyset_branches") else []
        if len(parts) < 2:
            return list(queryset.order_by(*order).filter(beyond).values_list("pk", flat=True)[:wanted])
        names = [key.name for key in self.keys]
        pages = [
            view.filter_queryset(part).order_by(*order).filter(beyond).values_list("pk", *names)[:wanted]
            for part in parts
        ]
        merged = pages[0].union(*pages[1:]).order_by(*order)[:wanted]
        return [row[0] for row in merged]

    def _beyond(self, position: list[Any], backwards: bool) -> Q:
        """Rows strictly after `position` in the order (before it, backwards): the lexicographic comparison
        spelt out, led by a range on the first field that an index on the key can start from."""
        first = self.keys[0]
        lead = f"{first.name}__lte" if first.descending != backwards else f"{first.name}__gte"
        after = Q()
        for index, key in enumerate(self.keys):
            equal = {prior.name: value for prior, value in zip(self.keys[:index], position, strict=False)}
            after |= Q(**equal, **{key.beyond(backwards): position[index]})
        return Q(**{lead: position[0]}) & after

    def _encode(self, position: list[Any], *, backwards: bool) -> str:
        payload = json.dumps({"before" if backwards else "after": [_plain(value) for value in position]})
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def _decode(self, cursor: str) -> tuple[list[Any] | None, bool]:
        if not cursor:
            return None, False
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise _bad_cursor()
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            (direction, raw), *rest = payload.items()
            if rest or direction not in ("after", "before") or not isinstance(raw, list):
                raise ValueError(direction)
            if len(raw) != len(self.keys):
                raise ValueError(raw)
            return [key.parse(value) for key, value in zip(self.keys, raw, strict=True)], direction == "before"
        # RecursionError: a cursor of nested brackets, as deep as the JSON decoder goes, fits in its length.
        except (ValueError, TypeError, AttributeError, RecursionError, binascii.Error, UnicodeDecodeError) as error:
            raise _bad_cursor() from error

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, CURSOR_PARAM, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "next": self._link(self.next_cursor),
                "previous": self._link(self.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": ["string", "null"], "format": "uri"}  # OpenAPI 3.1: null is a type
        return {
            "type": "object",
            "required": ["count", "count_capped", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": f"How many rows the list holds, counted up to {self.count_cap}.",
                },
                "count_capped": {
                    "type": "boolean",
                    "description": "True when the list holds more rows than `count`: the count stopped there.",
                },
                "next": {**link, "description": "The next page (its `cursor`), or null on the last one."},
                "previous": {**link, "description": "The previous page (its `cursor`), or null on the first one."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": f"Where the page starts, as the `next` or `previous` link of the last answer gives "
                f"it (opaque); the first page without it. {self.page_size} rows a page, in a fixed order. A "
                "cursor the API did not write names no page (404).",
                "schema": {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
            }
        ]
