"""Who is changing plan data, and from where, for the triggers that record it.

django-pghistory's context does the hard part: while a context is open, every writing statement is preceded,
in the same round trip, by `set_config('pghistory.context_metadata', <json>, true)`, which the trail's
triggers read (`current_setting`). Its event tables are not used: the trail is one table (AuditEntry).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pghistory
from django.db import connection, models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from pghistory.middleware import HistoryMiddleware


class Source(models.TextChoices):
    """Where a change came from (AuditEntry.source). Here, not on the model, so that the importer can name it
    without importing the workflow's models."""

    API = "api", _("API")
    WEB = "web", _("pagine")
    ADMIN = "admin", _("amministrazione")
    IMPORT = "import", _("importazione")
    WORKER = "worker", _("attività automatica")
    COMMAND = "command", _("comando")


@contextmanager
def recorded_as(source: Source, *, user: Any = None, comment: str = "") -> Iterator[None]:
    """The plan data changed inside this block are recorded as made from `source`, by `user` (a User, an id or
    None), with `comment` (a change's motivation) as the rows' comment. Nested inside another context, it
    overrides the outer one's values. Nothing on SQLite, which has no trail triggers."""
    if connection.vendor != "postgresql":
        yield
        return
    metadata = {"source": str(source), "user": getattr(user, "pk", user), "comment": comment}
    with pghistory.context(**metadata):
        if connection.in_atomic_block:
            # Set now for the whole transaction as well: statements that do not go through Django's cursor
            # wrappers (the importer's COPY) carry no context of their own.
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('pghistory.context_metadata', %s, true)", [json.dumps(metadata)])
        yield


def source_of(request: HttpRequest) -> Source:
    if request.path.startswith("/admin/"):
        return Source.ADMIN
    if request.path.startswith("/api/"):
        return Source.API
    return Source.WEB


class TrailMiddleware(HistoryMiddleware):
    """Every request's changes name its user (set again when DRF authenticates a token, later than this
    middleware) and whether they came from the admin, the API or the pages."""

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_context(request) | {"source": str(source_of(request))}

    def __call__(self, request: HttpRequest) -> Any:
        if connection.vendor != "postgresql":
            return self.get_response(request)
        return super().__call__(request)


def sealed_at_commit() -> None:
    """In the current transaction, trail rows wait for the seal at commit however many a statement writes
    (workflow.trail.tracking seals large statements' rows as written, holding the organization's place in the
    chain until commit): for a transaction that will be rolled back, such as an import's dry run, which would
    otherwise keep the body's other writers waiting for nothing. Nothing on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('traguardi.seal_at_commit', 'on', true)")
