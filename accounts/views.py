"""The pages of the second factor: give the code, set up the app, turn it off (where the role allows)."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import second_factor
from accounts.forms import CodeForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code asked after the password (or the single sign-on) of whoever must give it."""
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:second-factor-setup")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify_code(request.user, form.cleaned_data["code"])
        except second_factor.CodeRefused as refusal:
            form.add_error("code", refusal.message)
            status = 429 if refusal.code == "second_factor_throttled" else 400
        else:
            second_factor.open_session(request, device)
            return redirect(_next(request))
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/verify.html", context, status=status)


@never_cache  # the page shows the secret: never kept by a browser or a proxy
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """The secret as a QR code and as text, and the first code that proves the app has it. Someone who already has
    an app must give its code first: a password alone never replaces the second factor."""
    if second_factor.confirmed_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect(f"{reverse('accounts:second-factor')}?{urlencode({'next': _next(request)})}")
    device = second_factor.start_setup(request.user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.confirm_setup(request, request.user, form.cleaned_data["code"])
        except second_factor.CodeRefused as refusal:
            form.add_error("code", refusal.message)
            status = 429 if refusal.code == "second_factor_throttled" else 400
        else:
            messages.success(request, _("Verifica in due passaggi attiva: a ogni accesso ti chiederemo il codice."))
            return redirect(_next(request))
    elif request.method == "POST":
        status = 400
    secret = device.bin_key
    context = {
        "form": form,
        "next": _next(request),
        "qr": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("Codice QR"))),
        "secret": _grouped(secret),
        "required": second_factor.required_by_role(request.user),
    }
    return render(request, "accounts/setup.html", context, status=status)


def _grouped(secret: bytes) -> str:
    text = b32encode(secret).decode("ascii").rstrip("=")
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    try:
        second_factor.turn_off(request, request.user)
    except PermissionError:
        raise PermissionDenied(_("Per disattivare la verifica in due passaggi accedi prima con il codice.")) from None
    except ValueError:
        messages.error(request, _("Per il tuo ruolo la verifica in due passaggi è obbligatoria: resta attiva."))
    else:
        messages.success(request, _("Verifica in due passaggi disattivata."))
    return redirect("web:profile")
