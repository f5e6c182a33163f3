"""Traguardi settings. Every value comes from the environment, with embedded defaults that run the
whole application on one machine with nothing else installed: SQLite, a file-system Celery broker and
mail written to files. Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, SITE_URL and SECRET_KEY."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from kombu import Queue

from config.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
    mailer_from_url,
)

django_stubs_ext.monkeypatch()  # lets admin.ModelAdmin[Model] and friends be subscripted at run time

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TRAGUARDI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-in-production-0123456789"
# Each secret may come from a file instead: SECRET_KEY_FILE, DATABASE_URL_FILE, REDIS_URL_FILE, EMAIL_URL_FILE.
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key: set SECRET_KEY to a long random value, e.g. the "
        'output of python -c "import secrets; print(secrets.token_urlsafe(50))".'
    )
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The footer's accessibility statement (AgID's form.agid.gov.it publishes a body's) and feedback channel (a mailto:
# or a page), linked from every page when set.
ACCESSIBILITY_STATEMENT_URL = env_str("ACCESSIBILITY_STATEMENT_URL", "")
FEEDBACK_URL = env_str("FEEDBACK_URL", "")
_footer = {"ACCESSIBILITY_STATEMENT_URL": ACCESSIBILITY_STATEMENT_URL, "FEEDBACK_URL": FEEDBACK_URL}
for _setting, _address in _footer.items():
    if _address and not _address.startswith(("https://", "http://", "mailto:")):
        raise ImproperlyConfigured(f"{_setting}={_address!r} is not an address: use https://… or mailto:….")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "plans",
    "workflow",
    "notifications",
    "reports",
    "evaluation",
    "web",
]

MIDDLEWARE = [
    "config.logs.RequestIdMiddleware",  # first: every line logged while a request is served carries its id
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.guard.InputGuardMiddleware",  # before anything reads the body, the session cookie or the query
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor: django-otp tells whether the session gave a code; ours keeps it closed until it does.
    "django_otp.middleware.OTPMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    # Who changes plan data, and from where, for the audit trail's triggers (workflow.trail.context).
    "workflow.trail.context.TrailMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a login that django-axes refused into the page (or the API answer) that says when to retry.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
                "accounts.context_processors.sign_in",
            ],
        },
    },
]

DATABASE_URL = env_secret("DATABASE_URL", "")
if not DATABASE_URL:
    # The embedded default: a SQLite file under var/, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'traguardi.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
# PostgreSQL in production: the application connects (DATABASE_URL) as a role that owns no table, and `migrate`
# runs as the owner (DATABASE_URL set to the owner's address for that command). Set here, on the owner's
# `migrate`, the application role is given what it needs after every migration, and no more: see
# workflow.trail.install and README, "The audit trail".
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: a locked-out username+address (or address) is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (accounts.sso): answers only the OpenID Connect callback, and only when configured.
    "accounts.sso.Backend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: Django tells every validator when a password has been changed (set_password() then save(),
    # whatever the path: the reset form, the admin, changepassword), and this one then revokes the API tokens.
    {"NAME": "workflow.tokens.RevokeTokensOnPasswordChange"},
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Italian dates as "6 dicembre 2026" (config/formats/it/formats.py)
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

CSRF_FAILURE_VIEW = "web.views.errors.csrf_failure"
# Django's default, stated because config.guard applies it to every body: longer ones are refused (413) unread.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# The second factor (accounts.second_factor): always asked of superusers (tests that are not about it turn it off),
# asked of anyone else who turned it on from the profile.
SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = True
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Traguardi")

# Single sign-on with the body's OpenID Connect provider (accounts.sso), on when OIDC_CLIENT_ID is set. Register
# Traguardi at the provider as a confidential client with the redirect URI SITE_URL + /accesso/sso/ritorno/, and copy
# the endpoints from the provider's /.well-known/openid-configuration.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_secret("OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", "")
# Empty counts as unset for these (docker-compose passes every variable, set or not).
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "") or "RS256"
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "") or "l'account dell'ente"  # the button: «Accedi con …»
OIDC_FISCAL_CODE_CLAIM = env_str("OIDC_FISCAL_CODE_CLAIM", "") or "fiscal_number"
# The ID token's issuer, checked when set (the "issuer" of the discovery document).
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
# An e-mail claim identifies a person only if the provider says it verified it (email_verified), unless this is on:
# for a provider that never says and whose addresses users cannot change (Entra ID with managed addresses).
OIDC_TRUST_UNVERIFIED_EMAIL = env_bool("OIDC_TRUST_UNVERIFIED_EMAIL", False)
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "") or "openid email profile"
OIDC_CREATE_USER = False  # people are recognized, never created
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT_SECONDS", 10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "web:login"
_oidc = {
    "OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
    "OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
    "OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
    "OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    "OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
}
if OIDC_RP_CLIENT_ID and not all(_oidc.values()):
    _missing = ", ".join(name for name, value in _oidc.items() if not value)
    raise ImproperlyConfigured(
        f"OIDC_CLIENT_ID is set, so single sign-on is on, but {_missing} is not: copy the endpoints from the "
        "provider's /.well-known/openid-configuration and the secret from its client registration."
    )

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one at every start
# Production serves collected, compressed files with hashed names (cached for a year) through WhiteNoise;
# STATIC_MANIFEST=true needs `collectstatic` first, which the Docker image runs at build time.
# Uploaded files (the evidence of indicator values), through Django's storage API: a folder under var/ by default;
# served only by the application's own views, which check who may see them (never as public MEDIA_URL files).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# The evidence of a value: each file at most this size, at most this many files with one value. The pages that take
# them accept a body of that many files (config.guard), every other request keeps DATA_UPLOAD_MAX_MEMORY_SIZE.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 5)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# HTTPS (default: on whenever DEBUG is off) makes cookies secure, redirects http to https and sends HSTS.
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, set TRUST_X_FORWARDED_PROTO=true.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/(?:ready/|live/)?$"]  # the container health checks speak plain http on loopback
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Django's own database sessions: one primary-key read a request. Not cached_db: with Redis unreachable its load
# writes back to the cache uncaught (a 500 on every signed-in page) and its delete leaves the cached copy behind a
# logout (tests/review/test_issue18_attack.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every answer: scripts and styles only from files served here (no inline script, no
# inline style, no eval), nothing in frames, no plugins. The data: images and font are the icons embedded in
# Bootstrap Italia's (and Swagger UI's) CSS files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Behind proxies: how many of them append the caller's address to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for does). The caller is the address that many places from the right; with 0 the header is
# ignored, since anyone can write it. Login limits and throttles count per caller address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} cannot be negative: use 0 without a proxy.")

# Mail: MAILERS is Django 6.1's replacement for the EMAIL_* settings.
EMAIL_URL = env_secret("EMAIL_URL", "")
if not DEBUG and not EMAIL_URL:
    raise ImproperlyConfigured(
        "DEBUG is off but EMAIL_URL is not set: the mail would be written to files under var/mail that nobody reads. "
        "Set EMAIL_URL to the body's mail server (smtp+tls://user:password@host:587), or to file:///path to keep "
        "the mail as files on purpose."
    )
MAILERS = {"default": mailer_from_url(EMAIL_URL or f"file://{VAR_DIR / 'mail'}", BASE_DIR)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Traguardi <noreply@traguardi.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who is told of a server error (Django mails them the request): "Ufficio IT <it@ente.example.it>, ..."; nobody by
# default.
ADMINS = env_list("ADMINS", [])
# And to Sentry (config/sentry.py) with a DSN: errors of requests and tasks, ERROR log lines; no personal data.
SENTRY_DSN = env_secret("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.sentry import start as start_sentry

    start_sentry(SENTRY_DSN, env_str("SENTRY_ENVIRONMENT", "production"), env_str("SENTRY_RELEASE", "traguardi"))

# Celery: Redis when REDIS_URL is set, otherwise kombu's file-system transport, which needs no server.
REDIS_URL = env_secret("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):  # kombu expects them to exist
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
# Django's cache holds the throttles' counters, which every gunicorn process must share: Redis when there is one,
# otherwise files under var/cache/ (shared by the processes of one machine, the embedded default's case).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "traguardi",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CELERY_TIMEZONE = TIME_ZONE
# Mail and documents on queues of their own, so that an installation scales each and a long document never delays
# a reminder (docker-compose.yml runs a worker for each). A worker started without --queues takes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("mail"), Queue("documents"))
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "mail"},
    "reports.tasks.prepare_export": {"queue": "documents"},
    "plans.tasks.run_plan_import": {"queue": "documents"},
}
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Beat only starts short scans; every message is a database row (notifications.models.Message), never an
# ETA task. Scans run every quarter of an hour in office hours, away from the DST switch (02:00–03:00).
CELERY_BEAT_SCHEDULE = {
    "notifications-scan": {
        "task": "notifications.tasks.run_scans",
        "schedule": crontab(minute="*/15", hour="6-21"),
    },
    "reports-resume": {
        "task": "reports.tasks.resume_stalled_exports",
        "schedule": crontab(minute="*/5", hour="6-21"),
    },
    "plans-import-resume": {
        "task": "plans.tasks.resume_stalled_imports",
        "schedule": crontab(minute="*/5", hour="6-21"),
    },
    # Daily, early, before the offices open: the scores of the plans that changed since the last run.
    "evaluation-refresh-scores": {
        "task": "evaluation.tasks.refresh_scores",
        "schedule": crontab(minute=10, hour=6),
    },
    # The forecast of every open objective, before the morning's mail (it plans the weekly warnings).
    # The legal calendar of the cycle (Piano/PIAO, monitoring, Relazione, validation, publication): hourly, so a
    # run missed while the system was down is made up the same day; each reminder is planned once.
    "notifications-legal-calendar": {
        "task": "notifications.tasks.run_legal_calendar",
        "schedule": crontab(minute=5, hour="6-21"),
    },
    "evaluation-forecast": {
        "task": "evaluation.tasks.store_forecasts",
        "schedule": crontab(minute=30, hour=6),
    },
    # The API refuses an expired token on its own; its row goes here (knox would delete it during a request).
    "workflow-delete-expired-tokens": {
        "task": "workflow.tasks.delete_expired_tokens",
        "schedule": crontab(minute=50, hour=6),
    },
}
CELERY_REDBEAT_REDIS_URL = REDIS_URL or None
CELERY_REDBEAT_KEY_PREFIX = "redbeat:"
CELERY_REDBEAT_LOCK_KEY = "redbeat::lock"  # held and renewed by the running beat; /health/ looks for it
CELERY_REDBEAT_LOCK_TIMEOUT = 5 * 60

# Notifications: lead times and escalation in working days (Italian calendar, see notifications.calendar). These
# are the installation's values; a body may set its own (notifications.models.BodySettings, read through
# notifications.body_settings).
REMINDER_LEAD_WORKING_DAYS = [int(days) for days in env_list("REMINDER_LEAD_WORKING_DAYS", ["14", "7", "1"])]
# The legal deadlines of the cycle: days (calendar days) before each one when the director and the OIV are
# reminded, besides the day itself; a body may set its own (notifications.models.LegalCalendar).
LEGAL_REMINDER_LEAD_DAYS = [int(days) for days in env_list("LEGAL_REMINDER_LEAD_DAYS", ["30", "7", "1"])]
ESCALATION_AFTER_WORKING_DAYS = env_int("ESCALATION_AFTER_WORKING_DAYS", 5)
MONITORING_REMINDER_AFTER_WORKING_DAYS = env_int("MONITORING_REMINDER_AFTER_WORKING_DAYS", 3)
MONITORING_MISSING_AFTER_WORKING_DAYS = env_int("MONITORING_MISSING_AFTER_WORKING_DAYS", 6)
MONITORING_LINK_MAX_AGE_DAYS = env_int("MONITORING_LINK_MAX_AGE_DAYS", 35)
# How long the "less mail" link of every mail (List-Unsubscribe, RFC 8058) stays valid.
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env_int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", 365)
DAILY_DIGEST_HOUR = env_int("DAILY_DIGEST_HOUR", 8)
# A request pending at one step: its deciders are reminded after this many working days, and the level above
# (the directors, for an area head's step) is told after that many. Each body may set its own (settings page).
APPROVAL_REMINDER_AFTER_WORKING_DAYS = env_int("APPROVAL_REMINDER_AFTER_WORKING_DAYS", 3)
APPROVAL_ESCALATION_AFTER_WORKING_DAYS = env_int("APPROVAL_ESCALATION_AFTER_WORKING_DAYS", 5)
# A message claimed by a worker that died is handed back after this many seconds.
MAIL_SEND_LEASE_SECONDS = env_int("MAIL_SEND_LEASE_SECONDS", 600)
# How many tasks share beat's sending run (people by id modulo this): the worker's concurrency.
MAIL_DISPATCH_SHARDS = env_int("MAIL_DISPATCH_SHARDS", 1)

# Failed logins (the login page, the admin's and POST /api/auth/token/ alike, since all go through
# authenticate()): django-axes counts them in the database, which every process shares. LOGIN_FAILURE_LIMIT
# failures of one username from one address, each within LOGIN_COOLOFF_MINUTES of the previous, lock that
# username from that address (and only from there: a colleague cannot be locked out from everywhere);
# LOGIN_FAILURE_LIMIT_PER_ADDRESS failures from one address, whatever the usernames, lock the address. A lock ends
# LOGIN_COOLOFF_MINUTES after the last failure; attempts while locked are refused unchecked and do not prolong it,
# so that the time the message gives holds.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
for _name, _value in (
    ("LOGIN_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT),
    ("LOGIN_FAILURE_LIMIT_PER_ADDRESS", LOGIN_FAILURE_LIMIT_PER_ADDRESS),
    ("LOGIN_COOLOFF_MINUTES", LOGIN_COOLOFF_MINUTES),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name}={_value} must be at least 1.")
AXES_HANDLER = "config.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the per-address limit is LockoutHandler's
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "config.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "web.views.auth.lockout_response"
AXES_WHITELIST_CALLABLE = "accounts.sso.is_callback"  # the single sign-on's callback is not a password guess
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not ours to keep; failures go once their lock is over
AXES_ENABLE_ADMIN = False  # unlock with `manage.py axes_reset_username` or `axes_reset_ip`
AXES_VERBOSE = False  # no banner at every start; failures and locks are still logged as warnings

# API tokens (django-rest-knox): stored as a SHA-512 digest, valid API_TOKEN_TTL_DAYS, revocable by their owner
# one by one or all at once, and all revoked when the password changes (workflow.tokens).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured(f"API_TOKEN_TTL_DAYS={API_TOKEN_TTL_DAYS} must be at least 1.")
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.TraguardiAutoSchema",
    # Token first: an anonymous caller then gets 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # DRF reads X-Forwarded-For as the caller's address whenever this is None: never trust it unless configured.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Requests, successful or not, per caller address (and per username from that address) to the endpoints
    # that check a password or send a mail; counted in the cache above (config.throttling).
    "DEFAULT_THROTTLE_RATES": {
        "token_address": "60/min",
        "token_username": "10/min",
        "password_reset_address": "20/hour",
        "password_reset_email": "3/hour",
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeysetPagination",  # by keyset, with a bounded count
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Traguardi API",
    "DESCRIPTION": (
        "Objectives, activities, indicators and their approval workflow. No text may hold the NUL character "
        "(U+0000), which the database cannot store: a body or a query with one answers 400, naming the field. "
        "A body naming a field the operation does not take answers 400 too."
    ),
    "VERSION": "1",
    # OpenAPI 3.1: a nested object that may be null is "oneOf: [object, null]", which strict validators and
    # generators read as it behaves (3.0's "allOf + nullable" is ignored by them: openapi-core refused every
    # on_behalf_of: null).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the pinned files of drf-spectacular-sidecar, served here: no CDN, works offline, fits the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it is an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies documented as JSON only, what other systems send (the views still read the browsable API's
    # forms): a generated client then has one body type per operation (openapi-python-client failed on import with
    # three).
    "PARSER_WHITELIST": ["api.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.assert_date_format",
        "api.schema.close_request_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WorkStateEnum": "plans.models.states.WorkState",
        "StepEnum": "workflow.models.policy.Step",
        "TransitionEnum": "workflow.models.policy.TransitionName",
        "RequestKindEnum": "workflow.models.requests.REQUEST_KINDS",
        "RequestFromStateEnum": "workflow.models.requests.FROM_STATES",
        "TimeKindEnum": "plans.models.activity.TIME_KIND_CHOICES",
        "ValueKindEnum": "plans.models.indicator.VALUE_KIND_CHOICES",
    },
}

# A document (Relazione, monitoring report, PIAO section) whose estimated preparation (reports.sizing, measured
# coefficients) passes this many seconds is prepared by a worker and mailed when ready; the rest inside the request.
REPORT_INLINE_MAX_SECONDS = env_float("REPORT_INLINE_MAX_SECONDS", 2.0)
# A worker holds a document's job this long; past it the job is taken to be lost and is resumed.
REPORT_EXPORT_LEASE_SECONDS = env_int("REPORT_EXPORT_LEASE_SECONDS", 30 * 60)
REPORT_EXPORT_MAX_ATTEMPTS = env_int("REPORT_EXPORT_MAX_ATTEMPTS", 3)
# The web import of a plan file (plans.importing.jobs): the largest file accepted, how long a worker holds a job
# before it is taken to be lost, and how many times it is tried.
PLAN_IMPORT_MAX_BYTES = env_int("PLAN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
PLAN_IMPORT_LEASE_SECONDS = env_int("PLAN_IMPORT_LEASE_SECONDS", 30 * 60)
PLAN_IMPORT_MAX_ATTEMPTS = env_int("PLAN_IMPORT_MAX_ATTEMPTS", 3)
# The installation's Ed25519 key that signs the evidence packs of validated years (reports.evidence_pack): a PEM
# file, created on first use where it does not exist. In production keep it on a volume and back it up.
EVIDENCE_SIGNING_KEY_FILE = Path(
    env_str("EVIDENCE_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "evidence-signing-key.pem"))
)

# The reference date at which the demo's states follow the seeds (see plans.demo).
DEMO_REFERENCE_DATE = env_str("DEMO_REFERENCE_DATE", "2021-12-31")
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")

# LOG_FORMAT=json writes one JSON object per line (for Loki, ELK, journald); plain text otherwise.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not known: use plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of a PDF at INFO, django-axes every login; their warnings still come through.
    # Django's own "django" logger keeps its AdminEmailHandler: a server error is mailed to ADMINS when DEBUG is off.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
