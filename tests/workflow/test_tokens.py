"""API tokens: stored only as a digest, they expire, their owner revokes one or all (through the API or the
profile page), and any change of password revokes them all; whatever the reason, a dead token answers 401 in
the error shape."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.conftest import TODAY
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.tasks import delete_expired_tokens

DEAD = (
    "Token non valido: è scaduto, è stato revocato (anche da un cambio di password) o non esiste. "
    "Chiedine uno nuovo con POST /api/auth/token/."
)


def new_token(username: str = "anna", password: str = "segreta") -> dict[str, str]:
    answer = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert answer.status_code == 200, answer.content
    return dict(answer.json())


def with_token(secret: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {secret}")


def works(secret: str) -> bool:
    return with_token(secret).get("/api/objectives/").status_code == 200


def assert_dead(secret: str) -> None:
    answer = with_token(secret).get("/api/objectives/")
    assert answer.status_code == 401
    assert answer.json() == {"code": "authentication_failed", "message": DEAD, "fields": {}}
    assert answer["WWW-Authenticate"] == "Token"


def test_a_new_token_works_and_says_when_it_expires(world: World) -> None:
    token = new_token()
    assert token["expiry"] == "2026-06-14T10:00:00+02:00"  # API_TOKEN_TTL_DAYS, 30 by default
    assert token["prefix"] == token["token"][:15]
    assert with_token(token["token"]).get("/api/objectives/").json()["count"] == 2


def test_the_database_holds_no_token_in_clear(world: World) -> None:
    secrets = [new_token()["token"], new_token("bruno")["token"]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT knox_authtoken::text FROM knox_authtoken")
        rows = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'authtoken_token'")
        assert cursor.fetchone() == (0,)  # DRF's table of clear tokens is gone
    for secret in secrets:
        assert secret not in rows
        assert secret[15:] not in rows  # only the prefix, 60 of the 256 bits, is kept to find the row
        assert hashlib.sha512(secret.encode()).hexdigest() in rows


def test_an_expired_token_answers_401(world: World) -> None:
    secret = new_token()["token"]
    with time_machine.travel(TODAY + dt.timedelta(days=30) - dt.timedelta(seconds=1), tick=False):
        assert works(secret)
    with time_machine.travel(TODAY + dt.timedelta(days=30, seconds=1), tick=False):
        assert_dead(secret)


def test_a_token_is_checked_in_one_query_and_an_expired_one_waits_for_the_nightly_task(world: World) -> None:
    """The API refuses an expired token without deleting anything in the request (knox's own lookup reads and
    deletes the user's expired tokens on every call); beat's task deletes the expired ones, only those."""
    old = new_token()["token"]
    with time_machine.travel(TODAY + dt.timedelta(days=20), tick=False):
        current = new_token()["token"]
    with time_machine.travel(TODAY + dt.timedelta(days=31), tick=False):
        with CaptureQueriesContext(connection) as checked:
            assert works(current)
        tokens = [query["sql"] for query in checked.captured_queries if "knox_authtoken" in query["sql"]]
        assert len(tokens) == 1 and tokens[0].startswith("SELECT")
        assert_dead(old)
        assert AuthToken.objects.filter(user=world.anna).count() == 2  # refused, not deleted
        tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
        assert "workflow.tasks.delete_expired_tokens" in tasks
        assert delete_expired_tokens.apply().get() == 1
        assert list(AuthToken.objects.filter(user=world.anna).values_list("token_key", flat=True)) == [current[:15]]
        assert works(current)


def test_the_expiry_is_a_setting(world: World, settings: Settings) -> None:
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": dt.timedelta(days=2)}
    secret = new_token()["token"]
    with time_machine.travel(TODAY + dt.timedelta(days=2, seconds=1), tick=False):
        assert_dead(secret)


def test_revoking_the_current_token_leaves_the_others(world: World) -> None:
    laptop, server = new_token()["token"], new_token()["token"]
    assert with_token(laptop).post("/api/auth/token/revoke").status_code == 204
    assert_dead(laptop)
    assert works(server)


def test_revoking_one_token_by_its_prefix(world: World) -> None:
    laptop, server = new_token(), new_token()
    answer = with_token(server["token"]).post(f"/api/auth/tokens/{laptop['prefix']}/revoke")
    assert answer.status_code == 204
    assert_dead(laptop["token"])
    assert works(server["token"])


def test_revoking_all_of_ones_tokens(world: World) -> None:
    laptop, server = new_token()["token"], new_token()["token"]
    colleague = new_token("bruno")["token"]
    assert with_token(server).post("/api/auth/tokens/revoke").status_code == 204
    assert_dead(laptop)
    assert_dead(server)
    assert works(colleague)


def test_nobody_revokes_or_sees_a_colleagues_token(world: World) -> None:
    anna = new_token()
    bruno = new_token("bruno")["token"]
    refused = with_token(bruno).post(f"/api/auth/tokens/{anna['prefix']}/revoke")
    assert refused.status_code == 404 and refused.json()["code"] == "token_not_found"
    listed = with_token(bruno).get("/api/auth/tokens/").json()
    assert [token["prefix"] for token in listed] == [bruno[:15]]
    assert works(anna["token"])


def test_the_list_shows_prefixes_and_dates_never_the_secret(world: World) -> None:
    first, second = new_token(), new_token()
    answer = with_token(second["token"]).get("/api/auth/tokens/")
    assert answer.status_code == 200
    assert first["token"] not in answer.content.decode() and second["token"] not in answer.content.decode()
    created = "2026-05-15T10:00:00+02:00"
    listed = {token["prefix"]: token for token in answer.json()}
    assert listed == {
        first["prefix"]: {"prefix": first["prefix"], "created": created, "expiry": first["expiry"], "current": False},
        second["prefix"]: {"prefix": second["prefix"], "created": created, "expiry": second["expiry"], "current": True},
    }


def test_revoking_the_current_token_needs_a_token(world: World) -> None:
    session = APIClient()
    session.force_login(world.anna)
    answer = session.post("/api/auth/token/revoke")
    assert answer.status_code == 400 and answer.json()["code"] == "no_token"


def test_a_token_header_that_is_not_utf8_is_a_401_not_a_500(world: World) -> None:
    answer = APIClient(HTTP_AUTHORIZATION="Token \xff\xfe-non-utf8").get("/api/objectives/")
    assert answer.status_code == 401 and answer.json()["code"] == "authentication_failed"


def test_a_token_of_a_deactivated_account_answers_401(world: World) -> None:
    secret = new_token()["token"]
    User.objects.filter(pk=world.anna.pk).update(is_active=False)
    answer = with_token(secret).get("/api/objectives/")
    assert answer.status_code == 401
    assert answer.json()["message"] == "Il tuo account è disattivato: chiedi all'amministratore di riattivarlo."


# A password change, through every way there is, revokes every token of that person (and only theirs).


def test_set_password_and_save_revokes_the_tokens(world: World) -> None:
    secret, colleague = new_token()["token"], new_token("bruno")["token"]
    world.anna.set_password("Girasole-Alto-2026")
    world.anna.save()
    assert_dead(secret)
    assert works(colleague)


def test_the_password_change_page_revokes_the_tokens(world: World) -> None:
    secret = new_token()["token"]
    client = Client()
    client.force_login(world.anna)
    changed = client.post(
        "/password/cambia/",
        {"old_password": "segreta", "new_password1": "Girasole-Alto-2026", "new_password2": "Girasole-Alto-2026"},
    )
    assert changed.status_code == 302
    assert_dead(secret)


def test_the_reset_by_mail_revokes_the_tokens(world: World, mailoutbox: list[Any]) -> None:
    secret = new_token("sara")["token"]
    client = Client()
    client.post("/password/dimenticata/", {"email": "sara@aurelia.example"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/nuova/" in line).strip()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    saved = client.post(form_url, {"new_password1": "Girasole-Alto-2026", "new_password2": "Girasole-Alto-2026"})
    assert saved.status_code == 302
    assert_dead(secret)


def test_the_admin_password_form_revokes_the_tokens(world: World) -> None:
    secret = new_token()["token"]
    operator = User.objects.create_superuser("operatore", "operatore@example.it", "segreta")
    client = Client()
    client.force_login(operator)
    changed = client.post(
        f"/admin/auth/user/{world.anna.pk}/password/",
        {"password1": "Girasole-Alto-2026", "password2": "Girasole-Alto-2026", "usable_password": "true"},
    )
    assert changed.status_code == 302, page_text(changed)
    assert_dead(secret)


def test_disabling_the_password_in_the_admin_revokes_the_tokens(world: World) -> None:
    """`set_unusable_password()` is no password change for Django's validators: the tokens go all the same."""
    secret = new_token()["token"]
    operator = User.objects.create_superuser("operatore", "operatore@example.it", "segreta")
    client = Client()
    client.force_login(operator)
    changed = client.post(
        f"/admin/auth/user/{world.anna.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )
    assert changed.status_code == 302, page_text(changed)
    world.anna.refresh_from_db()
    assert not world.anna.has_usable_password()
    assert_dead(secret)


@pytest.mark.parametrize("hashers", [["django.contrib.auth.hashers.PBKDF2PasswordHasher"]])
def test_a_hash_upgrade_at_login_is_not_a_password_change(world: World, settings: Settings, hashers: list[str]) -> None:
    secret = new_token()["token"]  # anna's password is stored with the tests' MD5 hasher
    settings.PASSWORD_HASHERS = [*hashers, "django.contrib.auth.hashers.MD5PasswordHasher"]
    new_token()  # logging in upgrades the stored hash to PBKDF2
    assert User.objects.get(pk=world.anna.pk).password.startswith("pbkdf2_sha256$")
    assert works(secret)
