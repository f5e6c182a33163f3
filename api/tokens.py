"""Token authentication for the API (django-rest-knox), with messages that say what to do. Making, listing and
revoking tokens are the user's own business: workflow.tokens.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions


class InactiveAccount(exceptions.AuthenticationFailed):
    pass


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's, with messages that say what to do: a token that expired, was revoked or never existed looks the
    same from here. A header that is not even UTF-8 is a wrong token too, not an error of the server."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        try:
            return super().authenticate_credentials(token)
        except InactiveAccount:
            raise
        except (exceptions.AuthenticationFailed, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed(
                _(
                    "Token non valido: è scaduto, è stato revocato (anche da un cambio di password) o non esiste. "
                    "Chiedine uno nuovo con POST /api/auth/token/."
                )
            ) from None

    def validate_user(self, auth_token: AuthToken) -> tuple[Any, AuthToken]:
        if not auth_token.user.is_active:
            raise InactiveAccount(_("Il tuo account è disattivato: chiedi all'amministratore di riattivarlo."))
        return auth_token.user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    """The header in the OpenAPI schema (drf-spectacular's own extension for knox does not match a subclass)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
