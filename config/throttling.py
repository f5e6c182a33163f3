"""Who is calling, how often they may, and the message that says when to retry.

One rule for the caller's address, shared by DRF's throttles and django-axes: DRF's own (`NUM_PROXIES`, set from
TRUSTED_PROXY_COUNT), so that a forged X-Forwarded-For counts for nothing unless a proxy is configured. The
throttles keep their counters in Django's cache (Redis in production), so that every process sees the same counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_address(request: HttpRequest) -> str | None:
    """The caller's IP address (DRF's rule); None when it is not an address, so that nothing stores garbage."""
    candidate = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(candidate.strip())) if candidate else None
    except ValueError:
        return None


def retry_message(wait_seconds: float | None, *, what: str | None = None) -> str:
    """«Troppe richieste in poco tempo. Riprova tra 15 minuti, dalle 10:30.»: in minutes and as a local time, the
    minute rounded up, which is how people read a wait; `what` is the first sentence."""
    what = what or _("Troppe richieste in poco tempo.")
    if wait_seconds is None:
        return _("%(what)s Riprova più tardi.") % {"what": what}
    minutes = max(1, math.ceil(wait_seconds / 60))
    ready = timezone.localtime(timezone.now() + dt.timedelta(seconds=math.ceil(wait_seconds)))
    shown = (ready + dt.timedelta(seconds=59)).replace(second=0, microsecond=0)  # the minute, rounded up
    when = ngettext(
        "Riprova tra %(minutes)d minuto, dalle %(time)s.", "Riprova tra %(minutes)d minuti, dalle %(time)s.", minutes
    ) % {"minutes": minutes, "time": time_format(shown, "H:i")}
    return f"{what} {when}"


class TooManyRequests(exceptions.Throttled):
    """429 in the API's error shape, with Retry-After and an Italian message that says when to retry (DRF's
    own is English and counts seconds)."""

    def __init__(self, wait: float | None, *, message: str | None = None, code: str = "throttled"):
        super().__init__(detail=message or retry_message(wait), code=code)
        self.wait = math.ceil(wait) if wait is not None else None


class AddressThrottle(SimpleRateThrottle):
    """Requests per caller address; subclasses set the scope (its rate is in REST_FRAMEWORK's settings) and may
    add what else the key is made of."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        address = client_address(request) or "unknown"
        extra = self.key_extra(request)
        if extra is None:
            return None  # nothing to count this request by: the other throttles still count it
        return self.cache_format % {"scope": self.scope, "ident": _digest(address, extra)}

    def key_extra(self, request: Any) -> str | None:
        return ""


class TokenAddressThrottle(AddressThrottle):
    scope = "token_address"


class TokenUsernameThrottle(AddressThrottle):
    """One username from one address: someone hammering a colleague's name does not slow anybody else."""

    scope = "token_username"

    def key_extra(self, request: Any) -> str | None:
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        return str(username).casefold() if username else None


class PasswordResetAddressThrottle(AddressThrottle):
    scope = "password_reset_address"


class PasswordResetEmailThrottle(AddressThrottle):
    """One mail address from one caller address: nobody can flood a colleague's mailbox, nor stop them asking."""

    scope = "password_reset_email"

    def key_extra(self, request: Any) -> str | None:
        email = request.POST.get("email", "")
        return email.strip().casefold() or None


def _digest(*parts: str) -> str:
    # Cache keys of a fixed shape, whatever a caller writes in a username or a mail address.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def throttle_refusal(request: HttpRequest, throttles: list[AddressThrottle]) -> tuple[bool, float | None]:
    """For a view outside DRF (the password-reset form): whether one of the throttles refuses the request, and the
    seconds to wait if it does (None when unknown). Each throttle counts the request, as in DRF's views."""
    waits = [throttle.wait() for throttle in throttles if not throttle.allow_request(request, None)]
    return bool(waits), max((wait for wait in waits if wait is not None), default=None)
