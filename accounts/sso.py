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

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.models import normalized_fiscal_code

logger = logging.getLogger(__name__)
REFUSAL = "sso_refusal"
CLOCK_SKEW_SECONDS = 60  # how far apart our clock and the provider's may be


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def fiscal_code_of(claims: dict[str, Any]) -> str:
    value = claims.get(settings.OIDC_FISCAL_CODE_CLAIM)
    return normalized_fiscal_code(value) if isinstance(value, str) else ""


def _verified(claims: dict[str, Any]) -> bool:
    """Whether the e-mail claim may identify the person: the provider says it verified it, or the installation
    trusts a provider that never says (OIDC_TRUST_UNVERIFIED_EMAIL, e.g. Entra ID with managed addresses only)."""
    said = claims.get("email_verified")
    return said is True or str(said).lower() == "true" or settings.OIDC_TRUST_UNVERIFIED_EMAIL


def is_callback(request: HttpRequest, credentials: Any = None) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: the callback is not a password guess. Its code is single-use and
    checked by the provider; counting its refusals would lock a whole office behind one address out of every
    login after five people not yet registered."""
    return request.path_info == reverse("accounts:sso-callback")


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
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:  # a token or key set not as it should be
            _refuse(
                request,
                _("La risposta del fornitore d'identità non è valida: riprova ad accedere dall'inizio."),
                "the provider's token could not be verified (%r)",
                error,
            )
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

    def get_user(self, user_id: Any) -> Any:
        """The person of a session opened by single sign-on, while active (as ModelBackend does for passwords)."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_payload_data(self, token: Any, key: Any) -> Any:
        """The token's claims, verified as mozilla-django-oidc does (the algorithm agreed, the signature) and more:
        the audience is our client, the issuer the configured one (OIDC_ISSUER), the times within a minute of the
        provider's clock (exp and iat)."""
        algorithm = jwt.get_unverified_header(token).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"token signed with {algorithm!r}, not {self.OIDC_RP_SIGN_ALGO!r}")
        return jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_ISSUER or None,
            leeway=CLOCK_SKEW_SECONDS,
        )

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email") or fiscal_code_of(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> list[Any]:
        everybody = get_user_model()._default_manager.select_related("fiscal_code")
        people = everybody.filter(is_active=True)
        code = fiscal_code_of(claims)
        holder = everybody.filter(fiscal_code__code=code).first() if code else None
        if holder is not None:  # the code is someone's: that person or nobody, never another by e-mail
            if holder.is_active:
                return [holder]
            _refuse(
                self.request,
                _(
                    "L'account di Traguardi che corrisponde alla tua identità non è attivo: rivolgiti all'ufficio "
                    "informatico dell'ente."
                ),
                "fiscal code %s belongs to an inactive person",
                code,
            )
            return []
        email = claims.get("email") if _verified(claims) else None
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
        if not (email or code):
            _refuse(
                self.request,
                _(
                    "Il fornitore d'identità non ha dato né un indirizzo di posta verificato né un codice fiscale: "
                    "Traguardi non può riconoscerti. Rivolgiti all'ufficio informatico dell'ente."
                ),
                "neither a verified e-mail nor a fiscal code (e-mail %s, email_verified %r)",
                claims.get("email", "-"),
                claims.get("email_verified"),
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


PROVIDER_ERRORS = frozenset(
    {
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "login_required",
        "consent_required",
        "interaction_required",
        "account_selection_required",
    }
)


class Callback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        if request.GET.get("state", "") not in request.session.get("oidc_states", {}):
            # Not an answer to a sign-in this browser started (a forged or replayed address): nothing is done with
            # it, whoever is signed in stays so, and no text of the address is shown.
            messages.error(request, _("L'accesso è scaduto o è stato aperto in un'altra finestra: riprova."))
            return HttpResponseRedirect(self.failure_url)
        return super().get(request)

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error", "")
        default = (
            _("Il fornitore d'identità non ha concluso l'accesso (%(error)s).") % {"error": error}
            if error in PROVIDER_ERRORS  # RFC 6749 §4.1.2.1 and OpenID Connect's codes: never free text
            else _("L'accesso con il fornitore d'identità non è riuscito: riprova.")
        )
        messages.error(self.request, getattr(self.request, REFUSAL, default))
        return super().login_failure()
