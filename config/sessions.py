"""Django's database sessions (the same table, the same cookies), each read with a statement compiled once
(plans.statements): every page a person opens reads their session first."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from plans.statements import Statement

_SESSION = Statement(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).order_by(),
    key=str,
    now=dt.datetime,
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        found = _SESSION.first(key=self.session_key, now=timezone.now()) if self.session_key else None
        if found is None:
            self._session_key = None  # as Django's own store: missing or expired, a new session begins
        return found
