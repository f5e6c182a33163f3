"""The import contracts of pyproject.toml (import-linter): the project's packages form layers that import
downward only, and the workflow's services reach the notifications through an outbox API that never imports
them back. Run here, so that `make test` (and CI) fails on a new upward import or a new cycle."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from copy import deepcopy
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"


def contract(contract_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    configuration = read_configuration(str(PYPROJECT))
    [options] = [options for options in configuration["contracts_options"] if options["id"] == contract_id]
    return configuration["session_options"], options


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    session, _options = contract("layers")
    return grimp.build_graph(*session["root_packages"], exclude_type_checking_imports=True, cache_dir=None)


def kept(contract_id: str, graph: grimp.ImportGraph) -> bool:
    session, options = contract(contract_id)
    return bool(
        LayersContract(name=options["name"], session_options=session, contract_options=options)
        .check(deepcopy(graph), verbose=False)
        .kept
    )


def test_lint_imports_keeps_every_contract() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(lint_imports), "--no-logo", "--no-cache", str(PYPROJECT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout, run.stdout


def test_every_package_of_the_project_is_one_of_the_layers() -> None:
    """A new package (the REST API's, say) must take its place in the layers, or nothing checks it."""
    session, options = contract("layers")
    packages = {
        name.rstrip("*")
        for name in tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert set(session["root_packages"]) == packages
    assert sorted(options["layers"]) == sorted(packages)


def test_an_upward_import_between_packages_breaks_the_layers(graph: grimp.ImportGraph) -> None:
    assert kept("layers", graph)
    upward = deepcopy(graph)
    upward.add_import(importer="plans.models", imported="notifications.models")
    assert not kept("layers", upward)


def test_the_outbox_api_importing_a_service_breaks_the_domain_flow(graph: grimp.ImportGraph) -> None:
    """notifications.events is called by the workflow's services: an import back into them (even through
    another module) would be a cycle."""
    assert kept("domain-flow", graph)
    back = deepcopy(graph)
    back.add_import(importer="notifications.scans", imported="workflow.services.transitions")
    assert not kept("domain-flow", back)
