"""Error reports to Sentry (or a compatible service: GlitchTip, self-hosted Sentry), when SENTRY_DSN is set:
unhandled errors of requests and Celery tasks and every ERROR log line, each tagged with the request id that its
log lines carry.

No personal data leaves: no user, address, cookie or header (send_default_pii off), no request body, no query
string (a search names people), no local variables or source lines of the stack frames, no log lines as
breadcrumbs (ours name e-mail addresses and fiscal codes), no traces. What an operator needs is the error, its
place in the code, the request's method and path, and the request id that leads to its log lines."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration

from config.logs import REQUEST_ID


def _without_personal_data(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.pop("request", None) or {}
    if request.get("url"):
        url = urlsplit(str(request["url"]))
        event["request"] = {"method": request.get("method", ""), "url": urlunsplit((*url[:3], "", ""))}
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    request_id = REQUEST_ID.get()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def start(dsn: str, environment: str, release: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        include_source_context=False,  # file and line say where; the code is in the repository
        traces_sample_rate=0.0,
        integrations=[LoggingIntegration(level=None, event_level=logging.ERROR)],
        before_send=_without_personal_data,  # type: ignore[arg-type]
    )
