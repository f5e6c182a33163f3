"""A real Traguardi for the browser: its own database with the demo loaded, served by `runserver` on a free
loopback port, in production mode (DEBUG off), mail written to files and Celery on the file-system broker
(nothing needs a worker: a task a signal enqueues is only a file)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from tests.roles import APPLICATION_ROLE, ensure_application_role

REPO = Path(__file__).resolve().parents[2]
MANAGE = str(REPO / "manage.py")
START_TIMEOUT_SECONDS = 30
# Settings the server must not inherit from the shell that runs the tests.
INHERITED_OUT = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DEMO_PASSWORD",
    "DEMO_REFERENCE_DATE",
)
DEMO_REFERENCE_DATE = "2021-12-31"  # the demo's states follow the seeds at this date (see plans.demo)


@dataclass
class Server:
    url: str
    env: dict[str, str]
    var_dir: Path
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database; its output, or an error that shows it."""
        done = subprocess.run(
            [sys.executable, MANAGE, *args], cwd=REPO, env=self.env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def server_output(self, last_lines: int | None = None) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-last_lines:]) if last_lines else text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def browser_database_url(database_url: str) -> str | None:
    """The suite's PostgreSQL URL with `_browser` appended to the database name; None for anything else."""
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        return None
    name = parts.path.lstrip("/") or "traguardi"
    return urlunsplit(parts._replace(path=f"/{name}_browser"))


def recreate_database(database_url: str) -> None:
    """Drop and create the database of `database_url`, connecting to the server's `postgres` database."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_env(var_dir: Path, port: int, database_url: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in INHERITED_OUT}
    env |= {
        "TRAGUARDI_VAR_DIR": str(var_dir),  # its own var/: SQLite file, mail files, broker folders
        "DEBUG": "false",
        "EMAIL_URL": f"file://{var_dir / 'mail'}",  # the mail as files, where the tests read it
        "SECRET_KEY": "browser-tests-" + secrets.token_urlsafe(32),
        "HTTPS": "false",  # plain http on loopback: no redirect to https, cookies not marked secure
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        "DEMO_REFERENCE_DATE": DEMO_REFERENCE_DATE,
        # The demo's documents are downloaded inside the request, as the pages' tests expect (reports.sizing
        # would send its Relazione PDF to a worker at the default 2 s).
        "REPORT_INLINE_MAX_SECONDS": "30",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _wait_for_port(server: Server, port: int) -> None:
    assert server.process is not None
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}:\n{server.server_output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise RuntimeError(
        f"the server did not listen on port {port} in {START_TIMEOUT_SECONDS} s:\n{server.server_output()}"
    )


def as_application_role(database_url: str) -> str:
    """The same database, connecting as the application's role (which trust authentication lets in)."""
    parts = urlsplit(database_url)
    host = parts.hostname or "127.0.0.1"
    return urlunsplit(parts._replace(netloc=f"{APPLICATION_ROLE}@{host}:{parts.port or 5432}"))


def start(var_dir: Path) -> Server:
    """Create the database, migrate as its owner, start the server, load the demo and wait until the server
    listens. On PostgreSQL the server and the demo's loading connect as the application's role, as in
    production: every page the browser tests visit proves that role may do what the page does."""
    port = free_port()
    owner_url = browser_database_url(os.environ.get("DATABASE_URL", ""))
    if owner_url:
        recreate_database(owner_url)
        ensure_application_role(urlunsplit(urlsplit(owner_url)._replace(path="/postgres")))
    server = Server(
        url=f"http://127.0.0.1:{port}",
        env=server_env(var_dir, port, as_application_role(owner_url) if owner_url else None),
        var_dir=var_dir,
        log=var_dir / "server.log",
    )
    if owner_url:
        migrate_env = server.env | {"DATABASE_URL": owner_url, "DATABASE_APP_ROLE": APPLICATION_ROLE}
        done = subprocess.run(
            [sys.executable, MANAGE, "migrate", "--no-input", "-v0"],
            cwd=REPO,
            env=migrate_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"migrate as the owner failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    else:
        server.manage("migrate", "--no-input", "-v0")
    # The server takes seconds to start: let it start while the demo loads (it reads nothing until asked).
    with server.log.open("wb") as log:
        server.process = subprocess.Popen(
            [sys.executable, MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=REPO,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        server.manage("load_demo")
        server.manage("refresh_evaluation", "-v0")  # as make demo does: the homes' forecast and scores
    except BaseException:
        stop(server)
        raise
    _wait_for_port(server, port)
    return server


def stop(server: Server) -> None:
    if server.process is None or server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
