"""Single sign-on with the body's OpenID Connect provider (Keycloak, Entra ID, a regional IdP, SPID/CIE through a
proxy), by mozilla-django-oidc: the authorization-code flow with PKCE and a nonce, the ID token's signature checked
against the provider's published keys, its audience against our client id.

A person is recognized, never created: by the fiscal code the provider asserts (`OIDC_FISCAL_CODE_CLAIM`, with or
without SPID's «TINIT-» prefix) when Traguardi has it, otherwise by the e-mail address, when exactly one active
person has it and no other fiscal code is recorded for them. Nothing the provider says changes the person's
roles, flags or data. A refusal says why on the login page and is logged for the IT office."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.models import normalized_fiscal_code

logger = logging.getLogger(__name__)
REFUSAL = "sso_refusal"


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def fiscal_code_of(claims: dict[str, Any]) -> str:
    value = claims.get(settings.OIDC_FISCAL_CODE_CLAIM)
    return normalized_fiscal_code(value) if isinstance(value, str) else ""


def _refuse(request: HttpRequest, message: str, log: str, *args: Any) -> None:
    setattr(request, REFUSAL, message)
    logger.warning("Single sign-on refused: " + log, *args)


class Backend(OIDCAuthenticationBackend):
    """Asked only by the callback (the password forms never reach the provider)."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or not sso_enabled() or "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            _refuse(
                request,
                _("Il fornitore d'identità dell'ente non ha risposto: riprova tra qualche minuto."),
                "the provider did not answer (%s)",
                error,
            )
        except SuspiciousOperation as error:
            _refuse(
                request,
                _("La risposta del fornitore d'identità non è valida: riprova ad accedere dall'inizio."),
                "the provider's answer was not valid (%s)",
                error,
            )
        return None

    def get_payload_data(self, token: Any, key: Any) -> Any:
        payload = super().get_payload_data(token, key)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token for audience {audience!r}, not for this client")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email") or fiscal_code_of(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> list[Any]:
        people = get_user_model()._default_manager.filter(is_active=True).select_related("fiscal_code")
        code = fiscal_code_of(claims)
        if code:
            by_code = list(people.filter(fiscal_code__code=code))
            if by_code:
                return by_code
        email = claims.get("email") if claims.get("email_verified") is not False else None
        by_mail = list(people.filter(email__iexact=email)[:2]) if email else []
        if len(by_mail) == 1:
            person = by_mail[0]
            recorded = getattr(person, "fiscal_code", None)
            if code and recorded is not None and recorded.code != code:
                _refuse(
                    self.request,
                    _("L'identità data dal fornitore non corrisponde alla persona con questo indirizzo di posta."),
                    "e-mail %s belongs to a person with another fiscal code",
                    email,
                )
                return []
            return by_mail
        if len(by_mail) > 1:
            _refuse(
                self.request,
                _(
                    "Più persone di Traguardi hanno l'indirizzo %(email)s: chiedi all'ufficio informatico di "
                    "registrare il tuo codice fiscale."
                )
                % {"email": email},
                "e-mail %s is shared by several people",
                email,
            )
            return []
        _refuse(
            self.request,
            _(
                "Nessuna persona di Traguardi corrisponde all'identità data dal fornitore (%(who)s): chiedi "
                "all'ufficio informatico dell'ente di registrarti."
            )
            % {"who": email or code},
            "nobody matches e-mail %s / fiscal code %s",
            email or "-",
            code or "-",
        )
        return []

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """The person as Traguardi has them: the provider gives no role and changes nothing."""
        return user


class Start(OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        if request.GET.get("state") and request.GET["state"] not in request.session.get("oidc_states", {}):
            setattr(request, REFUSAL, _("L'accesso è scaduto o è stato aperto in un'altra finestra: riprova."))
            return self.login_failure()
        return super().get(request)

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error")
        default = (
            _("Il fornitore d'identità non ha concluso l'accesso (%(error)s).") % {"error": error[:100]}
            if error
            else _("L'accesso con il fornitore d'identità non è riuscito: riprova.")
        )
        messages.error(self.request, getattr(self.request, REFUSAL, default))
        return super().login_failure()
