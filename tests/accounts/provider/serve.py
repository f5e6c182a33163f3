"""Start the test OpenID Connect provider: `python -m tests.accounts.provider.serve PORT FOLDER CONFIG.json`.

CONFIG names the relying party (client id, secret, redirect URI) and the people, each with a username, a password
and the claims the provider gives. The provider's database is a SQLite file in FOLDER, migrated and filled before
the server starts; the server then answers on 127.0.0.1:PORT until it is terminated."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(port: int, folder: Path, config_path: Path) -> None:
    config = json.loads(config_path.read_text(encoding="utf-8"))
    people_path = folder / "people.json"
    people_path.write_text(json.dumps({person["username"]: person for person in config["people"]}), encoding="utf-8")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.accounts.provider.settings"
    os.environ["SSO_PROVIDER_DB"] = str(folder / "provider.sqlite3")
    os.environ["SSO_PROVIDER_URL"] = f"http://127.0.0.1:{port}"
    os.environ["SSO_PROVIDER_PEOPLE"] = str(people_path)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", verbosity=0)
    for person in config["people"]:
        User.objects.create_user(person["username"], password=person["password"])
    client = Client.objects.create(
        name="Traguardi",
        client_type="confidential",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=config["redirect_uri"],
        _scope="openid email profile fiscal_number",
    )
    client.response_types.set([ResponseType.objects.get(value="code")])
    print("ready", flush=True)
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
