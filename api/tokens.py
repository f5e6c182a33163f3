"""Token authentication for the API (django-rest-knox), with messages that say what to do. Making, listing and
revoking tokens are the user's own business: workflow.tokens.
"""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from workflow.tokens import alive_tokens


class InactiveAccount(exceptions.AuthenticationFailed):
    pass


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's, with messages that say what to do: a token that expired, was revoked or never existed looks the
    same from here. A header that is not even UTF-8 is a wrong token too, not an error of the server.

    One query per request: knox's own lookup also reads every other token of the user to delete the expired ones
    (a second query on every call, and writes on some); here an expired token is only refused, and the periodic
    task workflow.tasks.delete_expired_tokens deletes them."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        try:
            return self._alive(token.decode("utf-8"))
        except InactiveAccount:
            raise
        except (exceptions.AuthenticationFailed, UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(
                _(
                    "Token non valido: è scaduto, è stato revocato (anche da un cambio di password) o non esiste. "
                    "Chiedine uno nuovo con POST /api/auth/token/."
                )
            ) from None

    def _alive(self, token: str) -> tuple[Any, AuthToken]:
        """knox's checks, in knox's order, on the tokens that have not expired: the prefix finds the rows, the
        digest is compared in constant time, AUTO_REFRESH renews (off here), the user must be active."""
        digest = hash_token(token)
        for auth_token in alive_tokens().filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user"):
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed()

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
