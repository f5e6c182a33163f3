"""A client generated from the API's own schema works without edits (issue 21): openapi-python-client writes it into
a temporary folder from /api/schema/, every one of its modules imports, and against a live server Sara logs in,
lists her activities and asks to conclude one, which needs her area head's approval; Anna logs in, finds the
request among her approvals and approves it."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from plans.models import Activity, WorkState
from tests.workflow.world import World

PACKAGE = "traguardi_api_client"


@pytest.fixture
def generated(live_server: Any, tmp_path: Path) -> Iterator[Any]:
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema.json()), encoding="utf-8")
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator is not None, "openapi-python-client is a development dependency (pyproject.toml)"
    environment = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [generator, "generate", "--path", str(path), "--output-path", str(tmp_path / "client"), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr  # nothing left out of the client
    shutil.move(str(tmp_path / "client"), str(tmp_path / PACKAGE))
    try:
        sys.path.insert(0, str(tmp_path))
        yield importlib.import_module(PACKAGE)
    finally:
        if str(tmp_path) in sys.path:
            sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_every_module_of_the_generated_client_imports(generated: Any) -> None:
    modules = list(pkgutil.walk_packages(generated.__path__, f"{PACKAGE}."))
    assert len(modules) > 100
    failed = {}
    for module in modules:
        try:
            importlib.import_module(module.name)
        except Exception as error:  # every failure is reported, not only the first
            failed[module.name] = repr(error)
    assert failed == {}


@pytest.mark.django_db(transaction=True)
def test_the_generated_client_logs_in_lists_asks_and_approves(generated: Any, world: World, live_server: Any) -> None:
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    client_module = importlib.import_module(f"{PACKAGE}.client")

    def login(username: str) -> Any:
        token_create = importlib.import_module(f"{api.__name__}.auth.auth_token_create")
        answer = token_create.sync_detailed(
            client=client_module.Client(base_url=live_server.url),
            body=models.CredentialsRequest(username=username, password="segreta"),
        )
        assert answer.status_code == 200, answer.content
        return client_module.AuthenticatedClient(base_url=live_server.url, token=answer.parsed.token, prefix="Token")

    sara = login("sara")
    listed = importlib.import_module(f"{api.__name__}.activities.activities_list").sync(
        client=sara, owner=world.sara.pk
    )
    assert world.activity.pk in [row.id for row in listed.results]

    transitions = importlib.import_module(f"{api.__name__}.activities.activities_transitions_create")
    started = transitions.sync_detailed(
        str(world.activity.pk), client=sara, body=models.TransitionInputRequest(transition=models.TransitionEnum.AVVIA)
    )
    assert started.status_code == 200, started.content
    asked = transitions.sync_detailed(
        str(world.activity.pk),
        client=sara,
        body=models.TransitionInputRequest(transition=models.TransitionEnum.CONCLUDI, comment="Fatto"),
    )
    assert asked.status_code == 202, asked.content
    request_id = asked.parsed.id

    anna = login("anna")
    approvals = importlib.import_module(f"{api.__name__}.approvals.approvals_list").sync(client=anna)
    assert request_id in [row.id for row in approvals.results]
    approve = importlib.import_module(f"{api.__name__}.approvals.approvals_approve_create")
    approved = approve.sync_detailed(str(request_id), client=anna, body=models.DecisionInputRequest(comment="Bene"))
    assert approved.status_code == 200, approved.content
    assert approved.parsed.status.value == "approved"
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.CONCLUSO
