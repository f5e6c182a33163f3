"""The ID token's checks beyond mozilla-django-oidc's (unit level, tokens signed here with HS256): the audience must
be our client, the issuer the configured one, the times within a minute of the provider's clock."""

from __future__ import annotations

import datetime as dt
import time

import jwt
import pytest
from pytest_django.fixtures import Settings

from accounts.sso import Backend

SECRET = "segreto-condiviso-del-client-di-prova-0123456789"


@pytest.fixture
def backend(settings: Settings) -> Backend:
    settings.OIDC_RP_CLIENT_ID = "traguardi"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_TOKEN_ENDPOINT = settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/"
    settings.OIDC_ISSUER = "https://idp.ente.example"
    return Backend()


def token(**claims: object) -> str:
    """A token issued now; a claim given as a timedelta is that far from now (computed when the test runs, not when
    its parameters are collected)."""
    now = int(time.time())
    base: dict[str, object] = {"iss": "https://idp.ente.example", "aud": "traguardi", "sub": "42", "iat": now}
    base["exp"] = now + 300
    for name, value in claims.items():
        base[name] = now + int(value.total_seconds()) if isinstance(value, dt.timedelta) else value
    return jwt.encode(base, SECRET, algorithm="HS256")


def test_a_token_for_us_from_our_provider_passes_even_with_a_clock_a_little_ahead(backend: Backend) -> None:
    assert backend.get_payload_data(token(iat=dt.timedelta(seconds=30)), SECRET)["sub"] == "42"


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"aud": "another-client"}, jwt.InvalidAudienceError),
        ({"iss": "https://impostore.example"}, jwt.InvalidIssuerError),
        ({"exp": dt.timedelta(seconds=-120)}, jwt.ExpiredSignatureError),
        ({"iat": dt.timedelta(seconds=600)}, jwt.ImmatureSignatureError),
    ],
)
def test_a_token_for_another_client_issuer_or_time_is_refused(
    backend: Backend, claims: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        backend.get_payload_data(token(**claims), SECRET)


def test_a_token_signed_with_another_algorithm_is_refused(backend: Backend) -> None:
    with pytest.raises(Exception, match="signed with 'HS512'"):
        backend.get_payload_data(jwt.encode({"aud": "traguardi"}, SECRET * 2, algorithm="HS512"), SECRET)
