"""API tokens (django-rest-knox) as the user's own things: make one, list the ones that work, revoke one or all,
and revoke them all when the password changes or is disabled. The pages (web) and the API (api) both call these.

Only a SHA-512 digest is stored, each expires after API_TOKEN_TTL_DAYS. A token is known by its prefix: the
first characters of the secret, which knox keeps in clear to find the row (60 of its 256 bits). The rest of the
secret is shown once, when the token is made, and never stored.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from workflow.errors import NotVisible


def token_create(*, user: Any) -> tuple[AuthToken, str]:
    """A new token for `user`: the row, and the secret to hand over (the only time it exists in clear)."""
    return AuthToken.objects.create(user=user)


def alive_tokens() -> QuerySet[AuthToken]:
    """The tokens the API accepts: knox refuses a token only once its expiry is past."""
    return AuthToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gte=timezone.now()))


def tokens_of(user: Any) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    alive = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(alive, user_id=user.pk).order_by("-created", "token_key")


def tokens_delete_expired() -> int:
    """Delete the tokens that have expired (the API refuses them already: api.tokens); how many. knox would
    delete them one user at a time, during that user's requests."""
    deleted, _rows = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


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
