"""Error reports to Sentry (or a compatible service: GlitchTip, self-hosted Sentry), when SENTRY_DSN is set:
unhandled errors of requests and Celery tasks and every ERROR log line, each tagged with the request id that its
log lines carry. No personal data leaves: no user, address, cookie or body (send_default_pii off) and no traces.
Without SENTRY_DSN nothing is initialized and ADMINS' mail is the only report."""

from __future__ import annotations

from typing import Any

import sentry_sdk

from config.logs import REQUEST_ID


def _tag_request_id(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
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
        traces_sample_rate=0.0,
        before_send=_tag_request_id,  # type: ignore[arg-type]
    )
