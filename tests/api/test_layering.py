"""The API is a top-level package that imports the apps; no app imports it (nor a module of it by name)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = ("plans", "workflow", "notifications", "reports", "evaluation", "web")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_no_app_imports_the_api() -> None:
    offenders = {
        f"{path.relative_to(REPO)}: {name}"
        for app in APPS
        for path in (REPO / app).rglob("*.py")
        for name in imports_of(path)
        if name == "api" or name.startswith("api.")
    }
    assert not offenders


def test_the_api_lives_in_one_package_and_the_apps_hold_no_rest_views() -> None:
    assert not (REPO / "workflow" / "api").exists()
    rest = {
        f"{path.relative_to(REPO)}"
        for app in APPS
        for path in (REPO / app).rglob("*.py")
        if any(name == "rest_framework" or name.startswith("rest_framework.") for name in imports_of(path))
    }
    assert not rest, "REST views and serializers belong in api/"


def test_the_check_sees_an_import_of_the_api(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("from api.tokens import TokenAuthentication\nimport api.urls\n", encoding="utf-8")
    assert imports_of(module) == {"api.tokens", "api.urls"}
