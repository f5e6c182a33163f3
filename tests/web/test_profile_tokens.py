"""The profile page lists one's API tokens (prefix and dates, never the secret) with buttons to revoke them."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

from tests.web.html import page_text
from tests.workflow.world import World


def new_token(username: str) -> tuple[str, str]:
    """Through the API, as a client gets one: its prefix and its secret."""
    answer = APIClient().post("/api/auth/token/", {"username": username, "password": "segreta"}, format="json")
    return answer.json().get("prefix", ""), answer.json()["token"]


def works(secret: str) -> bool:
    return APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/objectives/").status_code == 200


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_profile_lists_the_tokens_without_their_secret(world: World) -> None:
    prefix, secret = new_token("anna")
    _other, colleagues = new_token("bruno")
    page = signed_in(world.anna).get("/profilo/")
    html = page.content.decode()
    assert f"<code>{prefix}</code>" in html and secret not in html and secret[15:] not in html
    assert colleagues[:15] not in html
    assert "14 giugno 2026, 10:00" in page_text(page)  # the expiry, in the person's time zone


def test_a_token_is_revoked_from_the_profile(world: World) -> None:
    laptop, laptop_secret = new_token("anna")
    _server, server_secret = new_token("anna")
    client = signed_in(world.anna)
    answer = client.post(f"/profilo/token/{laptop}/revoca/", follow=True)
    assert f"Token {laptop} revocato" in page_text(answer)
    assert not works(laptop_secret)
    assert works(server_secret)


def test_all_tokens_are_revoked_from_the_profile(world: World) -> None:
    secrets = [new_token("anna")[1] for _ in range(3)]
    answer = signed_in(world.anna).post("/profilo/token/revoca-tutti/", follow=True)
    assert "3 token revocati." in page_text(answer)
    assert "Nessun token attivo." in page_text(answer)
    assert not any(works(secret) for secret in secrets)


def test_a_colleagues_token_cannot_be_revoked_from_ones_profile(world: World) -> None:
    annas, secret = new_token("anna")
    answer = signed_in(world.bruno).post(f"/profilo/token/{annas}/revoca/", follow=True)
    assert answer.status_code == 200
    assert "non c'è più tra i tuoi token attivi" in page_text(answer)
    assert works(secret)


def test_revoking_needs_a_post_and_a_session(world: World) -> None:
    prefix, secret = new_token("anna")
    assert signed_in(world.anna).get(f"/profilo/token/{prefix}/revoca/").status_code == 405
    anonymous = Client().post(f"/profilo/token/{prefix}/revoca/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accedi/")
    assert works(secret)
