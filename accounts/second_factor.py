"""The second factor: a time-based code (TOTP, RFC 6238) from an authenticator app, through django-otp.

Who must give it: superusers (the platform's operators) always, and anyone who turned it on from the profile.
Whatever the way in (password, single sign-on, the admin's login form), a session of such a person stays closed
until the code is given (`SecondFactorMiddleware`), and the API gives them a token only with the code.

Whether a session needs the code is read once, when the person signs in (or the first time an older session
is seen), and kept in the session: the pages of everyone else cost no query for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_KEY = "second_factor_required"
DEVICE_NAME = "app"


class CodeRefused(Exception):
    """The code was wrong, or too many wrong codes came in a row: the message says which and what to do."""

    def __init__(self, message: str, code: str, wait: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.wait = wait  # seconds before the next try is read, when throttled


def required_by_role(user: Any) -> bool:
    return bool(user.is_superuser and settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_required(user: Any) -> bool:
    """Whether `user` must give a code: required by their role, or turned on by themselves."""
    return required_by_role(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_requirement(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in's receiver: a new session knows at once whether it waits for a code."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = second_factor_required(user)


def verify_code(user: Any, code: str, device: TOTPDevice | None = None) -> TOTPDevice:
    """The device (the confirmed one, or `device` being set up) that accepts `code` now; CodeRefused otherwise.
    Wrong codes in a row make the next try wait 1, 2, 4… seconds (django-otp's throttling)."""
    device = device or confirmed_device(user)
    if device is None:
        raise CodeRefused(
            _("La verifica in due passaggi non è attiva per questo account: attivala dalla pagina del profilo."),
            code="second_factor_not_set_up",
        )
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            wait = _seconds_until((details or {}).get("locked_until"))
            raise CodeRefused(
                ngettext(
                    "Troppi codici errati di seguito: riprova tra %(seconds)d secondo.",
                    "Troppi codici errati di seguito: riprova tra %(seconds)d secondi.",
                    wait,
                )
                % {"seconds": wait},
                code="second_factor_throttled",
                wait=wait,
            )
        accepted = device.verify_token("".join(code.split()))  # a refusal counts, so it is kept: raise after commit
    if not accepted:
        raise CodeRefused(
            _(
                "Il codice non è corretto o è scaduto: scrivi le 6 cifre che l'app mostra adesso "
                "(cambiano ogni 30 secondi) e controlla che l'ora del telefono sia esatta."
            ),
            code="second_factor_wrong",
        )
    return device


def _seconds_until(moment: dt.datetime | None) -> int:
    if moment is None:
        return 1
    return max(1, int((moment - timezone.now()).total_seconds() + 0.999))


def start_setup(user: Any) -> TOTPDevice:
    """The device being set up for `user` (a new secret, or the one shown before and not yet confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=DEVICE_NAME).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=DEVICE_NAME)


def confirm_setup(request: HttpRequest, user: Any, code: str) -> TOTPDevice:
    """The first correct code confirms the device being set up, replaces any earlier one and opens the session."""
    pending = start_setup(user)
    device = verify_code(user, code, device=pending)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    open_session(request, device)
    request.session[SESSION_KEY] = True
    return device


def open_session(request: HttpRequest, device: TOTPDevice) -> None:
    """The session has given the code: a new session key, so that an id planted before this step is worth nothing."""
    request.session.cycle_key()
    django_otp.login(request, device)


def turn_off(request: HttpRequest, user: Any) -> None:
    """Removes the person's devices; refused (ValueError) where their role requires the second factor, and
    (PermissionError) to a session that has not given the code: a password alone never removes it."""
    if required_by_role(user):
        raise ValueError("required by role")
    if confirmed_device(user) is not None and not user.is_verified():
        raise PermissionError("code not given")
    TOTPDevice.objects.filter(user=user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_KEY] = False


def _open_pages() -> frozenset[str]:
    """The pages a session that owes the code may open, exactly (turning the second factor off is not one)."""
    return frozenset(
        (reverse("accounts:second-factor"), reverse("accounts:second-factor-setup"), reverse("web:logout"))
    )


def _open_prefixes() -> tuple[str, ...]:
    return ("/" + settings.STATIC_URL.lstrip("/"), "/health/", "/i18n/")


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in person who owes the code reaches only the page that asks for
    it (or, without a device yet, the page that sets one up), the logout and the static files. The API answers
    403 with the same message in its error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not self._owes_code(request, user):
            return self.get_response(request)
        if request.path_info in _open_pages() or request.path_info.startswith(_open_prefixes()):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            message = _(
                "Questo account usa la verifica in due passaggi: accedi dalla pagina di accesso e scrivi il codice, "
                "oppure chiedi un token con POST /api/auth/token/ indicando anche «otp»."
            )
            return JsonResponse({"code": "second_factor_required", "message": message, "fields": {}}, status=403)
        page = "accounts:second-factor" if confirmed_device(user) else "accounts:second-factor-setup"
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _owes_code(request: HttpRequest, user: Any) -> bool:
        """Required by the role, read on every request (a person made superuser owes the code at once, no query), or
        by a device of their own, read when the session opened (a query only then)."""
        session = request.session
        required = session.get(SESSION_KEY)
        if required is None:  # a session opened before this rule existed
            required = session[SESSION_KEY] = second_factor_required(user)
        return (bool(required) or required_by_role(user)) and not user.is_verified()
