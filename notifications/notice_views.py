"""A person's notices in the application: what the outbox told them, or is telling them today, newest first, a
page at a time, each described as its mail describes it (notifications.mails) with its link. Notices the person
had not seen are marked new; showing a page marks them read. Dropped rows (no longer true when their turn came)
are not notices; nobody sees anyone else's."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from config.http import AuthenticatedRequest
from notifications.mails import SECTIONS, Line, Lookup
from notifications.models import Message

PER_PAGE = 20


@dataclass
class Notice:
    row: Message
    title: str
    lines: list[Line]
    new: bool


def notices_of(user: User) -> QuerySet[Message]:
    """The person's notices, newest first: every row addressed to them that is due, less the dropped ones."""
    rows = Message.objects.filter(recipient=user, due_on__lte=timezone.localdate())
    return rows.exclude(status=Message.Status.DROPPED).order_by("-created_at", "-id")


def describe(rows: list[Message]) -> list[Notice]:
    """Each row as its mail section says it, from one Lookup for the whole page."""
    today = timezone.localdate()
    lookup = Lookup.load(rows, today)
    notices = []
    for row in rows:
        section = SECTIONS[row.kind]([row], today, lookup)
        notices.append(Notice(row=row, title=section.title, lines=section.lines, new=row.read_at is None))
    return notices


@login_required
@require_safe
def notices(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(notices_of(request.user).select_related("organization"), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    rows = list(page.object_list)
    shown = describe(rows)
    unread = [row.pk for row in rows if row.read_at is None]
    if unread and request.method == "GET":
        Message.objects.filter(pk__in=unread, recipient=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return render(request, "notifications/notices.html", {"page": page, "notices": shown})
