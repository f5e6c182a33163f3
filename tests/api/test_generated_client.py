"""Clients generated from the API's own schema work without edits (issue 21): openapi-python-client and
openapi-generator (its Java generator, `python` flavour, from the openapi-generator-cli wheel: Java 17 is on the
machine) each write one into a temporary folder from /api/schema/, every one of its modules imports, and against a
live server Sara logs in, lists her activities and asks to conclude one, which needs her area head's approval;
Anna logs in, finds the request among her approvals and approves it."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from plans.models import Activity, WorkState
from tests.workflow.world import World

PACKAGE = "traguardi_api_client"
GENERATOR_PACKAGE = "traguardi_generator_client"
BIN = Path(sys.executable).parent


def _schema_file(live_server: Any, folder: Path) -> Path:
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    path = folder / "schema.json"
    path.write_text(json.dumps(schema.json()), encoding="utf-8")
    return path


def _run(command: list[str]) -> str:
    environment = os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _tool(name: str) -> str:
    tool = shutil.which(name, path=str(BIN))
    assert tool is not None, f"{name} is a development dependency (pyproject.toml)"
    return tool


@contextmanager
def _imported(folder: Path, package: str) -> Iterator[Any]:
    try:
        sys.path.insert(0, str(folder))
        yield importlib.import_module(package)
    finally:
        if str(folder) in sys.path:
            sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == package or name.startswith(f"{package}.")]:
            del sys.modules[name]


@pytest.fixture
def generated(live_server: Any, tmp_path: Path) -> Iterator[Any]:
    """openapi-python-client's client."""
    path = _schema_file(live_server, tmp_path)
    arguments = ["generate", "--path", str(path), "--output-path", str(tmp_path / "client"), "--meta", "none"]
    output = _run([_tool("openapi-python-client"), *arguments])
    assert "Warning" not in output, output  # nothing left out of the client
    shutil.move(str(tmp_path / "client"), str(tmp_path / PACKAGE))
    with _imported(tmp_path, PACKAGE) as package:
        yield package


@pytest.fixture
def generator_client(live_server: Any, tmp_path: Path) -> Iterator[Any]:
    """openapi-generator's client (`python`: pydantic 2, urllib3)."""
    assert shutil.which("java"), "openapi-generator runs on Java (17 or later), which this machine has"
    path = _schema_file(live_server, tmp_path)
    arguments = ["generate", "-i", str(path), "-g", "python", "-o", str(tmp_path / "out")]
    options = ["--package-name", GENERATOR_PACKAGE, "--global-property", "apiTests=false,modelTests=false"]
    output = _run([_tool("openapi-generator-cli"), *arguments, *options])
    # Its only warnings: OpenAPI 3.1 support "in beta", and the free-form objects (a rimodulazione's changes, the
    # history's columns) typed as Any, which they are, and the nullable ones (oneOf an object and null) unnamed.
    known = ("OpenAPI 3.1 support is still in beta", "Codegen property is null", "Failed to get the schema name")
    warnings = [line for line in output.splitlines() if " WARN " in line or "ERROR" in line]
    assert [line for line in warnings if not any(kind in line for kind in known)] == []
    with _imported(tmp_path / "out", GENERATOR_PACKAGE) as package:
        yield package


def _imports_every_module(package: Any, name: str) -> None:
    modules = list(pkgutil.walk_packages(package.__path__, f"{name}."))
    assert len(modules) > 50
    failed = {}
    for module in modules:
        try:
            importlib.import_module(module.name)
        except Exception as error:  # every failure is reported, not only the first
            failed[module.name] = repr(error)
    assert failed == {}


def test_every_module_of_the_generated_client_imports(generated: Any) -> None:
    _imports_every_module(generated, PACKAGE)


def test_every_module_of_openapi_generators_client_imports(generator_client: Any) -> None:
    _imports_every_module(generator_client, GENERATOR_PACKAGE)


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


@pytest.mark.django_db(transaction=True)
def test_openapi_generators_client_logs_in_lists_asks_and_approves(
    generator_client: Any, world: World, live_server: Any
) -> None:
    client = generator_client

    def login(username: str) -> Any:
        anonymous = client.ApiClient(client.Configuration(host=live_server.url))
        credentials = client.CredentialsRequest(username=username, password="segreta")
        token = client.AuthApi(anonymous).auth_token_create(credentials).token
        configuration = client.Configuration(
            host=live_server.url, api_key={"tokenAuth": token}, api_key_prefix={"tokenAuth": "Token"}
        )
        return client.ApiClient(configuration)

    sara = login("sara")
    activities = client.ActivitiesApi(sara)
    assert world.activity.pk in [row.id for row in activities.activities_list(owner=world.sara.pk).results]

    started = activities.activities_transitions_create_with_http_info(
        str(world.activity.pk), client.TransitionInputRequest(transition=client.TransitionEnum.AVVIA)
    )
    assert started.status_code == 200
    assert started.data.state == client.WorkStateEnum.AVVIATO
    asked = activities.activities_transitions_create_with_http_info(
        str(world.activity.pk),
        client.TransitionInputRequest(transition=client.TransitionEnum.CONCLUDI, comment="Fatto"),
    )
    assert asked.status_code == 202
    request_id = asked.data.id

    anna = login("anna")
    approvals = client.ApprovalsApi(anna)
    assert request_id in [row.id for row in approvals.approvals_list().results]
    approved = approvals.approvals_approve_create(str(request_id), client.DecisionInputRequest(comment="Bene"))
    assert approved.status.value == "approved"
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.CONCLUSO
