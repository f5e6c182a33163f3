"""The second factor (TOTP): required of Olga, the platform's operator, from her first sign-in on; optional for
Sara, a staff member, who turns it on and off from her profile. Codes are computed from the secret the setup page
shows, as the authenticator app on a phone would, at frozen instants 30 seconds apart."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from base64 import b32decode
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

START = dt.datetime(2026, 12, 7, 9, 0, 0, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def olga(db: None, settings: Settings) -> User:
    settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    return User.objects.create_superuser("olga", "olga@regione.example", "password-di-olga")


@pytest.fixture
def sara(db: None, settings: Settings) -> User:
    settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    return User.objects.create_user("sara", "sara@aurelia.example", "password-di-sara")


def sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/accedi/", {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def code_for(secret_text: str) -> str:
    key = b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def shown_secret(page: str) -> str:
    found = re.search(r'<code id="chiave-totp">([A-Z2-7 ]+)</code>', page)
    assert found is not None, page
    return found.group(1)


def test_the_production_setting_asks_every_superuser():
    production = importlib.import_module("config.settings")
    assert production.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS is True


def test_an_operator_sets_up_the_app_before_anything_else_then_gives_a_code_at_each_sign_in(
    olga: User, clock: time_machine.Traveller
):
    client = sign_in("olga", "password-di-olga")
    for closed in ("/admin/", "/", "/profilo/"):
        response = client.get(closed)
        assert response.status_code == 302
        assert response["Location"].startswith("/accesso/codice/attiva/?next=")
    setup = client.get("/accesso/codice/attiva/?next=/admin/")
    page = setup.content.decode()
    assert setup.status_code == 200 and "<svg" in page and "amministra la piattaforma" in page
    secret = shown_secret(page)
    wrong = client.post("/accesso/codice/attiva/", {"code": "000000" if code_for(secret) != "000000" else "111111"})
    assert wrong.status_code == 400 and "Il codice non è corretto" in wrong.content.decode()
    clock.shift(dt.timedelta(seconds=30))  # a wrong code makes the next try wait a second
    done = client.post("/accesso/codice/attiva/", {"code": code_for(secret), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.filter(user=olga, confirmed=True).count() == 1

    clock.shift(dt.timedelta(seconds=30))
    again = sign_in("olga", "password-di-olga")
    response = again.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accesso/codice/?next=")
    # The password alone cannot set up another app in place of hers.
    assert again.get("/accesso/codice/attiva/")["Location"].startswith("/accesso/codice/")
    assert again.get("/admin/").status_code == 302
    verified = again.post("/accesso/codice/", {"code": code_for(secret), "next": "/admin/"})
    assert verified.status_code == 302 and verified["Location"] == "/admin/"
    assert again.get("/admin/").status_code == 200


def test_a_code_counts_once_and_wrong_codes_make_the_next_try_wait(olga: User, clock: time_machine.Traveller):
    device = TOTPDevice.objects.create(user=olga, confirmed=True, name="app")
    code = f"{TOTP(device.bin_key).token():06d}"
    first = sign_in("olga", "password-di-olga")
    assert first.post("/accesso/codice/", {"code": code}).status_code == 302
    second = sign_in("olga", "password-di-olga")
    reused = second.post("/accesso/codice/", {"code": code})  # the same code, inside the same 30 seconds
    assert reused.status_code == 400 and second.get("/admin/").status_code == 302
    throttled = second.post("/accesso/codice/", {"code": code})
    assert throttled.status_code == 429 and "riprova tra 1 secondo" in throttled.content.decode()
    clock.shift(dt.timedelta(seconds=30))
    fresh = f"{TOTP(device.bin_key).token():06d}"
    assert second.post("/accesso/codice/", {"code": fresh}).status_code == 302
    assert second.get("/admin/").status_code == 200


def test_the_api_gives_an_operator_a_token_only_with_the_code(olga: User, clock: time_machine.Traveller):
    client = Client()
    no_device = client.post("/api/auth/token/", {"username": "olga", "password": "password-di-olga"})
    assert no_device.status_code == 400 and no_device.json()["code"] == "second_factor_required"
    device = TOTPDevice.objects.create(user=olga, confirmed=True, name="app")
    wrong = client.post("/api/auth/token/", {"username": "olga", "password": "password-di-olga", "otp": "12345"})
    assert wrong.status_code == 400 and wrong.json()["fields"]["otp"]
    clock.shift(dt.timedelta(seconds=30))
    code = f"{TOTP(device.bin_key).token():06d}"
    given = client.post("/api/auth/token/", {"username": "olga", "password": "password-di-olga", "otp": code})
    assert given.status_code == 200 and given.json()["token"]
    # A session that has not given the code reaches no API either.
    session = sign_in("olga", "password-di-olga")
    refused = session.get("/api/activities/")
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"


def test_a_staff_member_turns_the_second_factor_on_and_off(sara: User, clock: time_machine.Traveller):
    client = sign_in("sara", "password-di-sara")
    assert client.get("/profilo/").status_code == 200  # not required of her
    assert "Attiva la verifica in due passaggi" in client.get("/profilo/").content.decode()
    secret = shown_secret(client.get("/accesso/codice/attiva/").content.decode())
    assert client.post("/accesso/codice/attiva/", {"code": code_for(secret), "next": "/profilo/"}).status_code == 302
    assert "Disattiva la verifica in due passaggi" in client.get("/profilo/").content.decode()

    clock.shift(dt.timedelta(seconds=30))
    later = sign_in("sara", "password-di-sara")
    assert later.get("/profilo/")["Location"].startswith("/accesso/codice/")
    assert later.post("/accesso/codice/", {"code": code_for(secret)}).status_code == 302
    assert later.post("/accesso/codice/disattiva/").status_code == 302
    assert not TOTPDevice.objects.filter(user=sara).exists()
    assert sign_in("sara", "password-di-sara").get("/profilo/").status_code == 200


def test_an_operator_cannot_turn_it_off(olga: User, clock: time_machine.Traveller):
    device = TOTPDevice.objects.create(user=olga, confirmed=True, name="app")
    client = sign_in("olga", "password-di-olga")
    client.post("/accesso/codice/", {"code": f"{TOTP(device.bin_key).token():06d}"})
    response = client.post("/accesso/codice/disattiva/", follow=True)
    assert "è obbligatoria" in response.content.decode()
    assert TOTPDevice.objects.filter(user=olga, confirmed=True).exists()


def test_the_setup_page_never_sends_to_another_site(sara: User):
    client = sign_in("sara", "password-di-sara")
    page = client.get("/accesso/codice/attiva/?next=https://altrove.example/")
    assert 'name="next" value="/"' in page.content.decode()


def test_a_password_alone_cannot_turn_the_second_factor_off(sara: User, clock: time_machine.Traveller) -> None:
    TOTPDevice.objects.create(user=sara, confirmed=True, name="app")
    intruder = sign_in("sara", "password-di-sara")  # knows the password, not the phone
    answer = intruder.post("/accesso/codice/disattiva/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accesso/codice/?next=")
    assert TOTPDevice.objects.filter(user=sara, confirmed=True).exists()
    assert intruder.get("/profilo/").status_code == 302


def test_a_person_made_superuser_owes_the_code_from_the_next_request(sara: User) -> None:
    client = sign_in("sara", "password-di-sara")
    assert client.get("/profilo/").status_code == 200
    User.objects.filter(pk=sara.pk).update(is_superuser=True, is_staff=True)
    answer = client.get("/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accesso/codice/attiva/")


def test_giving_the_code_renews_the_session_key(olga: User, clock: time_machine.Traveller) -> None:
    device = TOTPDevice.objects.create(user=olga, confirmed=True, name="app")
    client = sign_in("olga", "password-di-olga")
    planted = client.session.session_key
    client.post("/accesso/codice/", {"code": f"{TOTP(device.bin_key).token():06d}"})
    assert client.session.session_key != planted
    assert client.get("/admin/").status_code == 200


def test_the_pages_with_the_secret_are_never_cached(sara: User) -> None:
    client = sign_in("sara", "password-di-sara")
    assert "no-store" in client.get("/accesso/codice/attiva/")["Cache-Control"]
