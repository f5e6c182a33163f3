"""A real OpenID Connect provider for the tests, started in a second process on loopback (`running_provider`)."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Provider:
    url: str
    client_id: str
    client_secret: str

    @property
    def settings(self) -> dict[str, str]:
        """Traguardi's settings for this provider, as an IT office would copy them from its discovery document."""
        discovery = requests.get(f"{self.url}/openid/.well-known/openid-configuration", timeout=10).json()
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": discovery["jwks_uri"],
            "OIDC_PROVIDER_NAME": "Identità dell'ente",
            "OIDC_RP_SCOPES": "openid email profile fiscal_number",
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_provider(folder: Path, people: list[dict[str, Any]], redirect_uri: str) -> Iterator[Provider]:
    port = _free_port()
    provider = Provider(url=f"http://127.0.0.1:{port}", client_id="traguardi-test", client_secret="segreto-del-client")
    config = folder / "config.json"
    config.write_text(
        json.dumps(
            {
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "redirect_uri": redirect_uri,
                "people": people,
            }
        ),
        encoding="utf-8",
    )
    log = folder / "provider.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.accounts.provider.serve", str(port), str(folder), str(config)],
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{provider.url}/openid/jwks", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the test provider did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
