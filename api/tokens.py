"""API tokens (django-rest-knox): only a SHA-512 digest is stored, each expires after API_TOKEN_TTL_DAYS, its owner
revokes one or all, and a password change revokes them all.

A token is known by its prefix: the first characters of the secret, which knox keeps in clear to find the row (60
of its 256 bits). The rest of the secret is shown once, when the token is made, and never stored.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from workflow.errors import NotVisible


def token_create(*, user: Any) -> tuple[AuthToken, str]:
    """A new token for `user`: the row, and the secret to hand over (the only time it exists in clear)."""
    return AuthToken.objects.create(user=user)


def tokens_of(user: Any) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    alive = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(alive, user_id=user.pk).order_by("-created", "token_key")


def token_revoke(*, user: Any, prefix: str) -> None:
    """Revoke one of the user's own tokens; somebody else's, or one that is gone, is not there for them."""
    deleted, _rows = tokens_of(user).filter(token_key=prefix).delete()
    if not deleted:
        raise NotVisible(
            _("Token %(prefix)s non trovato tra i tuoi token attivi: elencali con GET /api/auth/tokens/.")
            % {"prefix": prefix},
            code="token_not_found",
        )


def token_revoke_all(*, user: Any) -> int:
    """Revoke every token of the user; how many of them still worked."""
    working = tokens_of(user).count()
    AuthToken.objects.filter(user_id=user.pk).delete()  # the expired ones too, which knox deletes only lazily
    return working


class RevokeTokensOnPasswordChange:
    """A password "validator" that validates nothing: Django calls `password_changed()` on every validator after
    `set_password()` and `save()`, which every way of changing a password goes through (the reset and change
    forms, the admin, `manage.py changepassword`); a hash upgrade at login is not a change and does not call it.
    Someone who learnt the old password keeps no way in through a token made with it."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            token_revoke_all(user=user)

    def get_help_text(self) -> str:
        return _("Cambiando la password revochi tutti i tuoi token per l'API.")


def revoke_tokens_when_password_disabled(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """pre_save of the user: `set_unusable_password()` (the admin's "disable password-based authentication") is no
    `password_changed()`, yet it must shut the tokens made with the password out as well."""
    if instance.pk is None or instance.has_usable_password():
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        token_revoke_all(user=instance)


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
