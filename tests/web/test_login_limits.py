"""Guessing passwords on the login page (and the admin's): django-axes locks one username from one address after
5 failures, and one address after 30 failures whatever the usernames, for 15 minutes after the last failure. The
page says when to retry; the right password is refused meanwhile; a colleague is never locked out from everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.conftest import TODAY
from tests.web.html import page_text
from tests.workflow.world import World

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
LOCKED = "Troppi tentativi di accesso non riusciti: l'accesso è sospeso. Riprova tra 15 minuti, dalle 10:15."


def log_in(username: str, password: str, *, address: str = ATTACKER, **headers: Any) -> Any:
    return Client().post("/accedi/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("web:home")


def test_thirty_wrong_passwords_lock_the_username_from_that_address_with_the_time_to_retry(world: World) -> None:
    answers = [log_in("anna", "sbagliata") for _ in range(30)]

    assert [answer.status_code for answer in answers[:4]] == [200] * 4  # "wrong password", four times
    assert {answer.status_code for answer in answers[4:]} == {429}  # the fifth failure locks
    last = answers[-1]
    assert LOCKED in page_text(last)
    assert last["Retry-After"] == "900"
    assert 'name="password"' in last.content.decode()  # the login form again, not an error page
    assert "Traceback" not in last.content.decode()


def test_the_right_password_is_refused_while_locked_and_accepted_after_the_cool_off(world: World) -> None:
    for _ in range(5):
        log_in("anna", "sbagliata")
    refused = log_in("anna", "segreta")
    assert refused.status_code == 429 and LOCKED in page_text(refused)
    with time_machine.travel(TODAY + dt.timedelta(minutes=14, seconds=59), tick=False):
        still = log_in("anna", "segreta")
        assert still.status_code == 429
        assert "Riprova tra 1 minuto, dalle 10:15." in page_text(still)
    with time_machine.travel(TODAY + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert logged_in(log_in("anna", "segreta"))


def test_attempts_while_locked_do_not_push_the_time_to_retry(world: World) -> None:
    for _ in range(5):
        log_in("anna", "sbagliata")
    with time_machine.travel(TODAY + dt.timedelta(minutes=10), tick=False):
        assert {log_in("anna", "sbagliata").status_code for _ in range(10)} == {429}
        assert "Riprova tra 5 minuti, dalle 10:15." in page_text(log_in("anna", "segreta"))
    with time_machine.travel(TODAY + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert logged_in(log_in("anna", "segreta"))


def test_another_username_from_the_same_address_is_not_locked_by_the_first_ones_failures(world: World) -> None:
    for _ in range(30):
        log_in("anna", "sbagliata")
    assert log_in("anna", "segreta").status_code == 429
    assert logged_in(log_in("bruno", "segreta"))


def test_a_colleague_locked_from_the_attackers_address_still_logs_in_from_her_own(world: World) -> None:
    for _ in range(30):
        log_in("anna", "sbagliata")
    assert log_in("anna", "segreta").status_code == 429
    assert logged_in(log_in("anna", "segreta", address=ELSEWHERE))


def test_thirty_failures_from_one_address_lock_it_for_every_username(world: World) -> None:
    # Password spraying: a few guesses for each of many usernames, never five for one.
    answers = [log_in(f"utente{number}", "Estate2026!") for number in range(15) for _ in range(2)]
    assert answers[28].status_code == 200 and answers[29].status_code == 429  # the 30th failure locks the address

    refused = log_in("bruno", "segreta")
    assert refused.status_code == 429
    assert "Riprova tra 15 minuti, dalle 10:15." in page_text(refused)
    assert logged_in(log_in("bruno", "segreta", address=ELSEWHERE))
    with time_machine.travel(TODAY + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert logged_in(log_in("bruno", "segreta"))


def test_a_forged_x_forwarded_for_does_not_make_a_new_address(world: World) -> None:
    for number in range(5):
        log_in("anna", "sbagliata", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert log_in("anna", "segreta", HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_appended(world: World, settings: Settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # TRUSTED_PROXY_COUNT=1
    proxy = "10.0.0.1"
    for _ in range(5):  # what the caller wrote comes first, the address the proxy saw last
        log_in("anna", "sbagliata", address=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")
    assert log_in("anna", "segreta", address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    assert logged_in(log_in("anna", "segreta", address=proxy, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {ELSEWHERE}"))


def test_the_admin_login_shares_the_lock(world: World) -> None:
    for _ in range(5):
        log_in("anna", "sbagliata")
    admin = Client().post(
        "/admin/login/?next=/admin/", {"username": "anna", "password": "segreta"}, REMOTE_ADDR=ATTACKER
    )
    assert admin.status_code == 429 and LOCKED in page_text(admin)


def test_the_lock_is_told_in_english_to_an_english_browser(world: World) -> None:
    for _ in range(5):
        log_in("anna", "sbagliata")
    refused = log_in("anna", "segreta", HTTP_ACCEPT_LANGUAGE="en")
    told = "Too many failed login attempts: logging in is suspended. Try again in 15 minutes, from 10:15."
    assert told in page_text(refused)


def test_a_wrong_password_is_counted_but_never_stored(world: World) -> None:
    # A wrong password is often the right one with a typo: the failure's record must not keep it.
    log_in("anna", "segreta-con-un-refuso")
    with connection.cursor() as cursor:
        cursor.execute("SELECT axes_accessattempt::text FROM axes_accessattempt")
        rows = [row[0] for row in cursor.fetchall()]
    assert len(rows) == 1 and ATTACKER in rows[0]
    assert "segreta-con-un-refuso" not in rows[0]
