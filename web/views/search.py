"""/cerca/: the objectives, activities and indicators a person may see, found by code and words (web.search)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from web.http import AuthenticatedRequest
from web.search import SearchForm, activity_hit, indicator_hit, objective_hit, search

PER_PAGE = 20


@login_required
@require_safe
def search_page(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    context: dict[str, object] = {"form": form}
    if not form.is_bound:
        return render(request, "web/search.html", context)
    if not form.is_valid():
        return render(request, "web/search.html", context, status=400)
    text = form.cleaned_data["q"]
    found = search(request.user, text)
    pages: dict[str, Page[Any]] = {
        "obiettivi": Paginator(found.objectives, PER_PAGE).get_page(request.GET.get("pagina_obiettivi")),
        "attivita": Paginator(found.activities, PER_PAGE).get_page(request.GET.get("pagina_attivita")),
        "indicatori": Paginator(found.indicators, PER_PAGE).get_page(request.GET.get("pagina_indicatori")),
    }
    hits = {
        "obiettivi": [objective_hit(row) for row in pages["obiettivi"].object_list],
        "attivita": [activity_hit(row) for row in pages["attivita"].object_list],
        "indicatori": [indicator_hit(row) for row in pages["indicatori"].object_list],
    }
    titles = {"obiettivi": _("Obiettivi"), "attivita": _("Attività"), "indicatori": _("Indicatori")}
    kept = {"q": text} | {f"pagina_{key}": page.number for key, page in pages.items() if page.number > 1}

    def turned(key: str, number: int) -> str:
        """The address of page `number` of one list, the other lists staying on their page."""
        return "?" + urlencode(kept | {f"pagina_{key}": number})

    sections = [
        {
            "key": key,
            "title": titles[key],
            "page": page,
            "hits": hits[key],
            "previous": turned(key, page.number - 1) if page.has_previous() else "",
            "next": turned(key, page.number + 1) if page.has_next() else "",
        }
        for key, page in pages.items()
    ]
    context |= {"text": text, "sections": sections, "query": urlencode({"q": text})}
    return render(request, "web/search.html", context)
