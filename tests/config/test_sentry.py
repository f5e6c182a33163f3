"""Error reports to Sentry when SENTRY_DSN is set: a Django process started with a DSN pointing at an ingestion
endpoint on loopback (a plain HTTP server standing for Sentry, which receives what the SDK really sends) reports a
server error with its request id and without personal data (a POST whose body, query, cookie, local variables and
log lines name a person); without a DSN nothing is initialized."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import logging
import sys
import types
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path

def broken(request):
    codice_fiscale = "RSSMRA80A01H501U"  # a local variable that must not travel
    logging.getLogger("accounts.sso").warning("Single sign-on refused: e-mail mario.rossi@ente.example")
    return {}[codice_fiscale]

urls = types.ModuleType("broken_urls")
urls.urlpatterns = [path("prova/", broken)]
sys.modules["broken_urls"] = urls
with override_settings(ROOT_URLCONF="broken_urls"):
    answer = Client(raise_request_exception=False).post(
        "/prova/?q=Mario+Rossi",
        {"motivazione": "Mario Rossi e' in malattia"},
        headers={"X-Request-ID": "richiesta-di-prova", "Cookie": "sessionid=segreto"},
    )
sentry_sdk.flush(10)
print("status", answer.status_code, "active", sentry_sdk.get_client().is_active())
"""


class Ingest(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def ingest() -> Iterator[tuple[int, list[tuple[str, bytes]]]]:
    Ingest.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], Ingest.received
    finally:
        server.shutdown()


def events(envelope: bytes) -> list[dict[str, Any]]:
    lines = envelope.split(b"\n")
    found = []
    for header, payload in zip(lines[1::2], lines[2::2], strict=False):
        if json.loads(header).get("type") == "event":
            found.append(json.loads(payload))
    return found


def test_a_server_error_reaches_sentry_with_its_request_id_and_no_personal_data(
    ingest: tuple[int, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    port, received = ingest
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
    env |= {
        "TRAGUARDI_VAR_DIR": str(tmp_path),
        "SENTRY_DSN": f"http://chiavepubblica@127.0.0.1:{port}/7",
        "SENTRY_ENVIRONMENT": "collaudo",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = tmp_path / "broken_request.py"  # from a file: the command line (sys.argv travels) names nobody
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", f"exec(open({str(script)!r}).read())"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "status 500 active True" in done.stdout
    reported = [event for path, body in received if path == "/api/7/envelope/" for event in events(body)]
    assert len(reported) == 1, received
    event = reported[0]
    assert event["environment"] == "collaudo"
    assert event["tags"]["request_id"] == "richiesta-di-prova"
    assert event["exception"]["values"][-1]["type"] == "KeyError"
    assert event["exception"]["values"][-1]["value"] == "'RSSMRA80A01H501U'"  # the error says what it says
    assert set(event.get("request", {})) <= {"method", "url"} and "?" not in event.get("request", {}).get("url", "")
    assert "user" not in event and "breadcrumbs" not in event
    everything = b"".join(body for _path, body in received)
    frames = json.dumps(event["exception"]).replace("'RSSMRA80A01H501U'", "")
    for personal in (b"Mario", b"mario.rossi", b"malattia", b"segreto"):
        where = everything.find(personal)
        assert where < 0, everything[max(0, where - 300) : where + 100]
    assert "RSSMRA80A01H501U" not in frames and "vars" not in frames  # no local variables


def test_without_a_dsn_nothing_is_initialized() -> None:
    assert not sentry_sdk.get_client().is_active()
