"""The private calendar feed: no login, the token in the address is the credential."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from notifications.feeds import calendar_feed_by_token, deadlines_for, legal_deadlines_for
from notifications.ical import deadlines_calendar
from notifications.models import CalendarFeed

# Calendar programs poll; a quarter of an hour is fresh enough for deadlines.
CACHE_CONTROL = "private, max-age=900"


def _language(feed: CalendarFeed) -> str:
    # The person's language, not the calendar program's Accept-Language.
    try:
        return feed.user.mail_preference.language
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def _not_found() -> HttpResponse:
    message = _(
        "Questo link al calendario non è valido, oppure è stato rinnovato e quello vecchio non funziona più. "
        "Per avere il link nuovo apri la pagina «Profilo» di Traguardi e copia l'indirizzo del calendario."
    )
    return HttpResponseNotFound(message + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed_by_token(token)
    if feed is None:
        return _not_found()
    with translation.override(_language(feed)):
        calendar = deadlines_calendar(
            feed.user,
            deadlines_for(feed.user),
            stamp=feed.created_at,
            legal=legal_deadlines_for(feed.user, timezone.localdate()),
        )
    body = calendar.to_ical()
    etag = quote_etag(hashlib.sha256(body).hexdigest())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="traguardi.ics"'
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    # A 304 when the calendar program already holds this very body.
    return get_conditional_response(request, etag=etag, response=response) or response
