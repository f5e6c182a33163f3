"""Signing in when too many attempts failed, the throttled password reset, and the API tokens of the profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from config.lockout import lock_ends, seconds_until
from config.throttling import (
    PasswordResetAddressThrottle,
    PasswordResetEmailThrottle,
    retry_message,
    throttle_refusal,
)
from web.http import AuthenticatedRequest
from workflow.errors import NotVisible
from workflow.tokens import token_revoke, token_revoke_all

AUTH_FORM = "web/auth_form.html"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a login refused because of the failures before it. The page is the login
    form again with the message that says when to retry (429, Retry-After); the API's token endpoint has already
    answered in its own error shape, which stays."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    wait = seconds_until(lock_ends(request, username))
    refusal = retry_message(wait, what=_("Troppi tentativi di accesso non riusciti: l'accesso è sospeso."))
    # Unbound: a bound AuthenticationForm would try the password once more just to show its errors.
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "title": _("Accedi"),
        "submit": _("Accedi"),
        "refusal": refusal,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return _refused(render(request, AUTH_FORM, context, status=429), wait)


class PasswordResetView(auth.PasswordResetView):
    """Django's, with a limit per mail address from one caller address and a looser one per caller address: the
    form sends mail, so that it cannot flood a mailbox nor serve as a mail cannon."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused, wait = throttle_refusal(request, [PasswordResetAddressThrottle(), PasswordResetEmailThrottle()])
        if not refused:
            return super().post(request, *args, **kwargs)
        form = PasswordResetForm(initial={"email": request.POST.get("email", "")})
        refusal = retry_message(wait, what=_("Troppe richieste di reimpostazione della password."))
        response = self.render_to_response(self.get_context_data(form=form, refusal=refusal))
        response.status_code = 429
        return _refused(response, wait)


def _refused(response: HttpResponse, wait: float | None) -> HttpResponse:
    if wait is not None:
        response["Retry-After"] = str(max(1, round(wait)))
    return response


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest, prefix: str) -> HttpResponse:
    try:
        token_revoke(user=request.user, prefix=prefix)
    except NotVisible:
        messages.error(request, _("Il token %(prefix)s non c'è più tra i tuoi token attivi.") % {"prefix": prefix})
    else:
        messages.success(request, _("Token %(prefix)s revocato: non funziona più.") % {"prefix": prefix})
    return redirect("web:profile")


@login_required
@require_POST
def revoke_all_tokens(request: AuthenticatedRequest) -> HttpResponse:
    count = token_revoke_all(user=request.user)
    messages.success(
        request, ngettext("%(count)d token revocato.", "%(count)d token revocati.", count) % {"count": count}
    )
    return redirect("web:profile")
