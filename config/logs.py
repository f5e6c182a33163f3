"""Structured logs: one JSON object per line, with the fields a log collector indexes, the request's id among them."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

# The attributes every LogRecord has; anything else was passed with `extra=` and is kept.
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in STANDARD and not key.startswith("_"):
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


# The request being served, for every log line written while it is (RequestIdMiddleware); "-" outside requests.
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
# What a proxy's own id may look like to be kept: anything else is replaced, never logged as sent.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
HEADER = "X-Request-ID"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so that the lines of one request can be found together: the id of the
    request the record names (Django logs a 404 or a 503 with it, after the middleware has returned), or of the
    request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        named = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = named if isinstance(named, str) else REQUEST_ID.get()
        return True


class RequestIdMiddleware:
    """Gives each request an id: the proxy's X-Request-ID when it sends a plausible one, a new one otherwise. The
    id is in every log line written while the request is served and in the response's X-Request-ID, so that a
    person's report ("the page said error") leads to its lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        sent = request.headers.get(HEADER, "")
        request_id = sent if _SAFE_ID.match(sent) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response
