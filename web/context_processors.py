"""What every page's header and footer need: the menu for the person's roles and how many requests await them, the
accessibility statement and the feedback channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from plans.rules import roles_of
from workflow.selectors import count_awaiting, delegations_to


@dataclass(frozen=True)
class MenuEntry:
    url: str
    label: str
    current: bool
    badge: int | None = None


def _menu(request: HttpRequest) -> list[MenuEntry]:
    # An error page can be drawn for a request that never reached AuthenticationMiddleware (a bad Host header,
    # a body refused by config.guard): it has no user, and no menu.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    roles = roles_of(user)
    entries: list[tuple[str, Any, int | None]] = []
    if roles.director_of or roles.auditor_of or roles.headed_areas:
        entries.append(("web:dashboard", _("Scadenze mancate"), None))
        entries.append(("web:dashboard-indicators", _("Indicatori"), None))
    if roles.director_of or roles.headed_areas or delegations_to(user):
        entries.append(("web:inbox", _("Approvazioni"), count_awaiting(user)))
    entries.append(("web:my-activities", _("Le mie attività"), None))
    entries.append(("web:plans", _("Piani"), None))
    if roles.director_of or roles.auditor_of or roles.headed_areas:
        entries.append(("evaluation:sheets", _("Valutazioni"), None))
    if roles.director_of or roles.auditor_of:
        entries.append(("notifications:legal-calendar", _("Scadenze di legge"), None))
    if roles.director_of or user.is_superuser:
        entries.append(("notifications:body-settings-index", _("Impostazioni dell'ente"), None))
    entries.append(("notifications:notices", _("Avvisi"), None))
    entries.append(("web:profile", _("Profilo"), None))
    return [
        MenuEntry(url=reverse(name), label=str(label), current=request.path == reverse(name), badge=badge)
        for name, label, badge in entries
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "menu": SimpleLazyObject(lambda: _menu(request)),
        # The footer's links that AgID's guidelines ask of a public body's pages, when the installation sets them.
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "feedback_url": settings.FEEDBACK_URL,
    }
