"""Read settings from the environment: small helpers that fail loudly on a malformed value."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str) -> str:
    """A secret from NAME or from the file NAME_FILE names (Docker and Kubernetes secrets are files), with its
    final newline removed; both set is refused, so that nobody wonders which one counts."""
    path = os.environ.get(f"{name}_FILE", "")
    if not path:
        return env_str(name, default)
    if os.environ.get(name):
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set: keep one of them.")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {error}.") from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true/false, yes/no, on/off or 1/0.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number (use a dot for decimals: 2.5).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """`postgres://user@host:port/name` or `sqlite:///path`; anything else is refused by name."""
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported: use postgres://user@host:5432/name "
            "or sqlite:///path/to/db.sqlite3."
        )
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if scheme != "sqlite":
        config["CONN_HEALTH_CHECKS"] = True
    return config


def mailer_from_url(url: str, base_dir: Path) -> dict[str, Any]:
    """One `MAILERS` entry from `EMAIL_URL`.

    - `smtp://user:password@host:port`, `smtp+tls://…` (STARTTLS) or `smtps://…` (implicit TLS);
    - `file:///path/to/folder` (or `file://relative/folder`): every message written to a file;
    - `console://`: every message printed on standard output;
    - `memory://`: kept in memory, for tests.
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    query = parse_qs(parts.query)
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL={url!r} has no host: use smtp://host:port.")
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL={url!r} has a port that is not a number.") from None
        options: dict[str, Any] = {
            "host": parts.hostname,
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": scheme == "smtp+tls",
            "use_ssl": scheme == "smtps",
            "timeout": int(query.get("timeout", ["10"])[0]),
        }
        return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    if scheme == "file":
        folder = Path(unquote(parts.netloc + parts.path))
        if not folder.is_absolute():
            folder = base_dir / folder
        return {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": str(folder)}}
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ImproperlyConfigured(
        f"EMAIL_URL={url!r}: unknown scheme {scheme!r}. Use smtp://host:port, smtp+tls://, smtps://, "
        "file:///folder, console:// or memory://."
    )
