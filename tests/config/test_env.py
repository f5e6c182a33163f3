"""Settings read from the environment fail loudly, naming the variable, on a malformed value."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_secret, mailer_from_url


def test_smtp_url_becomes_an_smtp_mailer() -> None:
    mailer = mailer_from_url("smtp://mario:se%2Fgreto@mail.example.it:2525?timeout=3", Path("/srv"))
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] | {} == {
        "host": "mail.example.it",
        "port": 2525,
        "username": "mario",
        "password": "se/greto",
        "use_tls": False,
        "use_ssl": False,
        "timeout": 3,
    }


def test_smtps_and_starttls_urls_choose_the_encryption() -> None:
    assert mailer_from_url("smtps://mail.example.it", Path("/"))["OPTIONS"]["use_ssl"] is True
    assert mailer_from_url("smtps://mail.example.it", Path("/"))["OPTIONS"]["port"] == 465
    assert mailer_from_url("smtp+tls://mail.example.it:587", Path("/"))["OPTIONS"]["use_tls"] is True


def test_file_url_is_relative_to_the_project_unless_absolute() -> None:
    assert mailer_from_url("file://var/mail", Path("/srv/app"))["OPTIONS"]["file_path"] == "/srv/app/var/mail"
    assert mailer_from_url("file:///tmp/posta", Path("/srv/app"))["OPTIONS"]["file_path"] == "/tmp/posta"


@pytest.mark.parametrize("url", ["pigeon://roof", "smtp://", "smtp://host:porta"])
def test_bad_email_url_is_refused_with_its_value(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url(url, Path("/"))


def test_database_url_accepts_postgres_and_sqlite_only() -> None:
    assert database_from_url("postgres://u@db:5432/t")["ENGINE"] == "django.db.backends.postgresql"
    assert database_from_url("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL scheme 'mysql'"):
        database_from_url("mysql://u@db/t")


def test_booleans_and_integers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "forse")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='forse' is not a boolean"):
        env_bool("DEBUG", True)
    monkeypatch.setenv("DEBUG", "off")
    assert env_bool("DEBUG", True) is False
    monkeypatch.setenv("WORKERS", "tre")
    with pytest.raises(ImproperlyConfigured, match="WORKERS='tre' is not a whole number"):
        env_int("WORKERS", 2)


def test_a_secret_file_that_cannot_be_read_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("EMAIL_URL_FILE", str(tmp_path / "nowhere"))
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_URL_FILE='.*nowhere' cannot be read"):
        env_secret("EMAIL_URL", "")
    (tmp_path / "url").write_text("smtp://posta.example.it\n", encoding="utf-8")
    monkeypatch.setenv("EMAIL_URL_FILE", str(tmp_path / "url"))
    assert env_secret("EMAIL_URL", "") == "smtp://posta.example.it"
