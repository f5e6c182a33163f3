"""config.sessions: Django's database sessions read with a compiled statement, expiry included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from config.sessions import SessionStore
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_and_an_expired_or_unknown_one_starts_anew(client: Client, world: World) -> None:
    client.force_login(world.anna)
    assert client.get("/profilo/").status_code == 200
    key = client.session.session_key
    assert key and SessionStore(key).load()["_auth_user_id"] == str(world.anna.pk)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    response = client.get("/profilo/")
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
