from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def sign_in(request: HttpRequest) -> dict[str, str]:
    """The name on the login page's single sign-on button, when single sign-on is configured."""
    return {"sso_provider": settings.OIDC_PROVIDER_NAME if settings.OIDC_RP_CLIENT_ID else ""}
