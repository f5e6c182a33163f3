"""Failed logins: django-axes' database handler, plus the looser limit per caller address, and when a lock ends.

axes counts failures per username+address (AXES_LOCKOUT_PARAMETERS) against one limit; the per-address limit is
another number, so it is checked here on the rows axes keeps anyway. Both counts are read in the database, which
every process shares.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or _address_locked(request)

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the per-address limit is answered as locked, as the per-username one is.
        if request is not None and not request.axes_locked_out and _address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _recent(request: Any) -> QuerySet[AccessAttempt]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(ip_address=request.axes_ip_address, attempt_time__gte=since)


def _address_locked(request: Any) -> bool:
    if request.axes_ip_address is None:
        return False
    failures = sum(_recent(request).values_list("failures_since_start", flat=True))
    return failures >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def lock_ends(request: HttpRequest, username: str | None) -> dt.datetime | None:
    """When the lock on this username from this address (or on the address) ends; None if there is none."""
    if getattr(request, "axes_ip_address", None) is None:
        return None
    rows = list(_recent(request).values_list("username", "attempt_time", "failures_since_start"))
    name = get_client_username(request, {"username": username} if username else None)
    ends = [
        _end(rows, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
        _end([row for row in rows if row[0] == name], settings.LOGIN_FAILURE_LIMIT),
    ]
    return max((end for end in ends if end is not None), default=None)


def _end(rows: list[tuple[Any, dt.datetime, int]], limit: int) -> dt.datetime | None:
    """A row counts while its last failure is within the cool-off, so the lock ends when enough of the newest
    rows have aged out: the cool-off after the row whose failures, added to the newer ones', reach the limit."""
    counted = 0
    for _username, attempt_time, failures in sorted(rows, key=lambda row: row[1], reverse=True):
        counted += failures
        if counted >= limit:
            return attempt_time + settings.AXES_COOLOFF_TIME
    return None


def seconds_until(moment: dt.datetime | None) -> float | None:
    return None if moment is None else max(0.0, (moment - timezone.now()).total_seconds())
