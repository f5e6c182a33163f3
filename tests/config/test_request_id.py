"""Every request gets an id, in its response (X-Request-ID) and in every log line written while it is served:
a person's "the page said error" leads to the lines of that request. A proxy's own plausible id is kept."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from config.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def test_each_response_carries_a_new_id_unless_the_proxy_sent_a_plausible_one(client: Client) -> None:
    first, second = client.get("/health/live/"), client.get("/health/live/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/health/live/", headers={"X-Request-ID": "lb-4f2a.77"})["X-Request-ID"] == "lb-4f2a.77"
    for implausible in ("due parole", "x" * 65, "<script>"):
        kept = client.get("/health/live/", headers={"X-Request-ID": implausible})["X-Request-ID"]
        assert kept != implausible and re.fullmatch(r"[0-9a-f]{32}", kept)


def test_the_lines_logged_while_a_request_is_served_carry_its_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("traguardi.test.request_id")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request: HttpRequest) -> HttpResponse:
        logger.info("dentro la richiesta")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/"))
        logger.info("fuori")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == response["X-Request-ID"] and inside["message"] == "dentro la richiesta"
    assert outside["request_id"] == "-"


def test_the_console_handler_of_the_settings_adds_the_id() -> None:
    handlers = logging.getLogger().handlers
    assert any(isinstance(f, RequestIdFilter) for handler in handlers for f in handler.filters)


def test_a_line_django_logs_after_the_response_names_its_request(client: Client) -> None:
    """Django logs a 404 once the middleware has returned: the line carries the request's id all the same."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/nessuna-pagina/")
    finally:
        logger.removeHandler(handler)
    [line] = [json.loads(line) for line in stream.getvalue().splitlines() if "nessuna-pagina" in line]
    assert response.status_code == 404
    assert line["request_id"] == response["X-Request-ID"] != "-"
