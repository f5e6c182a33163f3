"""Sessions: Django's own database engine (no cache in the way: a Redis outage never reaches a signed-in page)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.workflow.world import World

pytestmark = pytest.mark.django_db

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def test_the_engine_is_djangos_database_engine() -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert SessionStore.__module__ == "django.contrib.sessions.backends.db"


def test_a_signed_in_session_is_in_the_database(client: Client, world: World) -> None:
    client.force_login(world.anna)
    assert client.get("/profilo/").status_code == 200
    key = client.session.session_key
    assert key
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(world.anna.pk)


def test_logout_ends_the_session_in_the_database(client: Client, world: World) -> None:
    client.force_login(world.anna)
    key = client.session.session_key
    assert key and client.get("/profilo/").status_code == 200
    assert client.post("/esci/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    ended = SessionStore(key)
    assert ended.load() == {} and ended.session_key is None
    response = client.get("/profilo/")
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")


def test_an_expired_or_unknown_session_starts_anew(client: Client, world: World) -> None:
    client.force_login(world.anna)
    key = client.session.session_key
    assert key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    response = client.get("/profilo/")
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
