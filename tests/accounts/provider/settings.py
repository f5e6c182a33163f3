"""A real OpenID Connect provider for the SSO tests: django-oidc-provider in its own small Django project, served by
tests.accounts.provider.serve in a second process on loopback. It stands for a body's identity provider (Keycloak,
Entra ID, a regional IdP): it signs ID tokens with RS256, publishes its keys and answers userinfo."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SECRET_KEY = "sso-test-provider-key-not-secret-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.accounts.provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["SSO_PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
SITE_URL = os.environ["SSO_PROVIDER_URL"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OIDC_USERINFO = "tests.accounts.provider.settings.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.accounts.provider.claims.FiscalNumberClaims"

# The people this provider knows, with the claims it tells about them (serve.py writes the file).
PEOPLE: dict[str, dict[str, Any]] = json.loads(Path(os.environ["SSO_PROVIDER_PEOPLE"]).read_text(encoding="utf-8"))


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    """The standard claims a person's entry gives (email, email_verified); the provider passes on those of the
    scopes asked."""
    person = PEOPLE[user.username]
    claims.update(person["claims"])
    return claims
