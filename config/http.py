from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind login_required: its user is a real one."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made for a fragment of the page (history restores ask for the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
