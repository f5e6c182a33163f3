"""The year's legal calendar of the cycle, for the directors and the OIV of the bodies: each deadline with its
day, the law that sets it and whether it is met. Read-only: a body changes its days in the admin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from config.http import AuthenticatedRequest
from notifications.legal_calendar import deadlines_of
from plans.models import Organization
from plans.rules import roles_of

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(raw: str | None, default: int) -> tuple[int, str]:
    """The year asked for, or this year with a message saying why the one asked for was not used."""
    if raw is None or raw == "":
        return default, ""
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw), ""
    problem = _("«%(raw)s» non è un anno tra il %(first)d e il %(last)d: è mostrato il %(year)d.") % {
        "raw": raw[:20],
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
        "year": default,
    }
    return default, problem


@login_required
@require_safe
def legal_calendar(request: AuthenticatedRequest) -> HttpResponse:
    roles = roles_of(request.user)
    bodies = list(Organization.objects.filter(pk__in=roles.director_of | roles.auditor_of).order_by("name"))
    if not bodies:
        message = _(
            "Il calendario delle scadenze di legge è del direttore e dell'OIV dell'ente: non hai questi ruoli. "
            "Le scadenze delle tue attività sono nella pagina «Le mie attività»."
        )
        return render(request, "notifications/legal_calendar_refused.html", {"message": message}, status=403)
    year, problem = _year(request.GET.get("anno"), timezone.localdate().year)
    # The deadlines falling in `year`: the Piano and monitoring of `year`, the Relazione of the year before.
    deadlines = [item for item in deadlines_of(bodies, [year - 1, year]) if item.due.year == year]
    context = {"year": year, "problem": problem, "deadlines": deadlines, "years": [year - 1, year + 1]}
    return render(request, "notifications/legal_calendar.html", context, status=400 if problem else 200)
