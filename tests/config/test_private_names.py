"""No private name of Django or django-fsm in the project's source (issue 18): a private name (`_result_cache`,
`_prefetched_objects_cache`, `_django_fsm`, the SQL compiler of django.db.models.sql, ...) is no promise, and
an upgrade may change it without a word. Where a measurement proves one indispensable, it lives in at most one
module (CONFINED), with a test of its own that fails when the upgrade changes it.

Which names are private is read from the installed Django and django-fsm themselves: every name with one leading
underscore that they define (a function, a class, a module-level name, an attribute they assign). The project's
source (every .py file outside .venv and var, the tests included but for this file, whose samples are the
names themselves) is parsed, and these are refused:
- an import from a private module (a component with a leading underscore, or django.db.models.sql, the ORM's
  compiler), of a private name, or of a helper of django.db.models.query other than its documented API;
- reading or writing `something._name` where `_name` is one of their private names, or naming it as a string to
  getattr/setattr/hasattr/delattr; in a class that derives directly from one of their classes, `self._name` as
  well, and the definition of a method `_name` that overrides theirs.
The project's own private names that happen to share a name with one of theirs (`_path`, `_count`, ...) are the
project's when the project defines them (a method, or `self._name = ...`) in a class of its own.

Allowed: namedtuple's `_replace` and kin (Python's own API), `_meta` and `_state` (documented: the Model _meta
API, and Model._state for the instance's database and adding flag), `_default_manager` and `_base_manager`
(documented in the Managers topic).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django
import django_fsm

REPO = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git", "static", "staticfiles"}
LIBRARIES = ("django", "django_fsm")
DOCUMENTED = frozenset({"_meta", "_state", "_default_manager", "_base_manager"})
# Python's own documented API with a leading underscore (collections.namedtuple, whose results urlsplit gives):
# Django defines names like these for its own purposes, which does not make the namedtuple's methods private.
PYTHON_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})
# django.db.models.query's documented API; its other names (ModelIterable, get_related_populators, ...) are helpers.
ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "hasattr", "delattr"})
QUERY_MODULE_API = frozenset({"QuerySet", "EmptyQuerySet", "RawQuerySet", "Prefetch", "prefetch_related_objects"})
# At most one module may use private names, each of them tested against the installed version.
CONFINED: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def library_private_names() -> frozenset[str]:
    """Every private name that Django and django-fsm define, read from their installed source."""
    names: set[str] = set()
    for package in (django, django_fsm):
        for path in Path(package.__file__ or "").parent.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names |= _defined_or_used(node)
    return frozenset(name for name in names if _is_private(name)) - DOCUMENTED - PYTHON_API


def _defined_or_used(node: ast.AST) -> set[str]:
    """The names a library's node defines or reads: attributes, functions, classes, variables, and the names
    given as strings to getattr and its kin (django-fsm sets `_django_fsm` so)."""
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return {node.id}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_FUNCTIONS:
        return {str(arg.value) for arg in node.args[1:2] if isinstance(arg, ast.Constant)}
    return set()


def _from_library(module: str) -> bool:
    return module.split(".")[0] in LIBRARIES


def _private_module(module: str) -> bool:
    return any(_is_private(part) for part in module.split(".")) or module.startswith("django.db.models.sql")


def _imports(tree: ast.AST) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """The local names bound to the libraries' objects (with their dotted origin), and the refused imports (line,
    why)."""
    bound: dict[str, str] = {}
    refused: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _from_library(alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    bound[local] = alias.name if alias.asname else local
                    if _private_module(alias.name):
                        refused.append((node.lineno, f"import of the private module {alias.name}"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and _from_library(node.module):
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if _private_module(node.module):
                    refused.append((node.lineno, f"import from the private module {node.module}"))
                elif _is_private(alias.name):
                    refused.append((node.lineno, f"import of the private name {node.module}.{alias.name}"))
                elif node.module == "django.db.models.query" and alias.name not in QUERY_MODULE_API:
                    refused.append((node.lineno, f"import of the helper django.db.models.query.{alias.name}"))
    return bound, refused


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _on_self(node: ast.Attribute) -> bool:
    """`self.<name>`, not `self.<other>.<name>`."""
    return isinstance(node.value, ast.Name) and node.value.id == "self"


def _derives_from_library(cls: ast.ClassDef, bound: dict[str, str]) -> bool:
    return any(_root_name(base) in bound for base in cls.bases)


def _dotted(node: ast.expr, bound: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bound:
        return None
    return ".".join([bound[node.id], *parts])


def _resolve(dotted: str) -> object | None:
    """The library object named `dotted` (a module, or an attribute of one), or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for part in parts[cut:]:
                found = getattr(found, part)
        except AttributeError:
            return None
        return found
    return None


@cache
def _private_names_of_class(cls: type) -> frozenset[str]:
    """The private names a library class and its library bases define: class attributes, and the attributes
    their methods set on self."""
    names = {name for name in dir(cls) if _is_private(name)}
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] not in LIBRARIES:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and _is_private(node.attr)}
    return frozenset(names) - DOCUMENTED


def _bases_private_names(cls: ast.ClassDef, bound: dict[str, str]) -> frozenset[str]:
    """The private names of the class's library bases; every library private name when a base cannot be found."""
    names: set[str] = set()
    for base in cls.bases:
        dotted = _dotted(base, bound)
        if dotted is None:
            continue
        found = _resolve(dotted)
        if not isinstance(found, type):
            return library_private_names()
        names |= _private_names_of_class(found)
    return frozenset(names)


def _own_definitions(tree: ast.AST, bound: dict[str, str]) -> set[str]:
    """Private names the module's own classes (not derived directly from the libraries') define."""
    own: set[str] = set()
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef) or _derives_from_library(cls, bound):
            continue
        for node in ast.walk(cls):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_private(node.name):
                own.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _on_self(node):
                own.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and _is_private(node.id):
                own.add(node.id)
    return own


def _library_classes_self(tree: ast.AST, bound: dict[str, str]) -> Iterator[tuple[int, str]]:
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef) or not _derives_from_library(cls, bound):
            continue
        private = _bases_private_names(cls, bound)
        for node in ast.walk(cls):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in private:
                yield node.lineno, f"{cls.name}.{node.name} overrides a private method of its base"
            elif isinstance(node, ast.Attribute) and node.attr in private and _on_self(node):
                yield node.lineno, f"self.{node.attr}, private to the base of {cls.name}"


def scan_source(source: str, path: str, own: frozenset[str] = frozenset()) -> list[Finding]:
    """The private names of Django and django-fsm that `source` uses. `own`: the project's own private names."""
    tree = ast.parse(source)
    bound, refused = _imports(tree)
    private = library_private_names()
    mine = own | _own_definitions(tree, bound)
    found = [Finding(path, line, why) for line, why in refused]
    found += [Finding(path, line, why) for line, why in _library_classes_self(tree, bound)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in private and node.attr not in mine:
            if not _on_self(node):  # self: the class decides (above)
                found.append(Finding(path, node.lineno, f"{node.attr} (private to Django or django-fsm)"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in private
            and node.args[1].value not in mine
        ):
            found.append(Finding(path, node.lineno, f"{node.func.id}(..., {node.args[1].value!r})"))
    return sorted(set(found), key=lambda finding: (finding.path, finding.line, finding.what))


def project_sources() -> Iterator[Path]:
    for path in sorted(REPO.rglob("*.py")):
        relative = path.relative_to(REPO)
        if not SKIPPED_DIRS.intersection(relative.parts[:-1]) and path != Path(__file__).resolve():
            yield path


def project_own_names(sources: list[tuple[str, str]]) -> frozenset[str]:
    names: set[str] = set()
    for source, _path in sources:
        tree = ast.parse(source)
        names |= _own_definitions(tree, _imports(tree)[0])
    return frozenset(names)


def test_the_project_uses_no_private_name_of_django_or_django_fsm_outside_one_confined_module() -> None:
    sources = [(path.read_text(encoding="utf-8"), str(path.relative_to(REPO))) for path in project_sources()]
    assert len(sources) > 100  # the whole project was read
    own = project_own_names(sources)
    findings = [finding for source, path in sources for finding in scan_source(source, path, own)]
    assert len(CONFINED) <= 1
    outside = [str(finding) for finding in findings if finding.path not in CONFINED]
    assert outside == []


def test_the_libraries_private_names_are_read_from_their_source() -> None:
    private = library_private_names()
    assert {"_result_cache", "_prefetched_objects_cache", "_django_fsm", "_fetch_all"} <= private
    assert not DOCUMENTED & private


def test_the_scan_finds_each_kind_of_private_use() -> None:
    sample = """
from django.db.models.sql import Query
from django.db.models.query import ModelIterable, QuerySet, get_related_populators
from django.utils._os import safe_join
from django.contrib.sessions.backends.db import SessionStore
import django.db.models.sql.compiler


def hold(queryset, instance, item):
    queryset._result_cache = []
    instance._prefetched_objects_cache = {}
    meta = getattr(type(item), "check")._django_fsm
    return getattr(instance, "_prefetched_objects_cache", {})


class Store(SessionStore):
    def _get_session_from_db(self):
        self._session_key = None


class Field:
    def set_options(self, rows):
        self.queryset._result_cache = rows
"""
    found = {(finding.line, finding.what.split(" ")[0]) for finding in scan_source(sample, "sample.py")}
    assert found == {
        (2, "import"),  # django.db.models.sql
        (3, "import"),  # ModelIterable
        (3, "import"),  # get_related_populators (the same line: one finding per line and kind)
        (4, "import"),  # django.utils._os
        (6, "import"),  # django.db.models.sql.compiler
        (10, "_result_cache"),
        (11, "_prefetched_objects_cache"),
        (12, "_django_fsm"),
        (13, "getattr(...,"),
        (17, "Store._get_session_from_db"),
        (18, "self._session_key,"),
        (23, "_result_cache"),  # on self's queryset: not the class's own name
    }


def test_documented_and_own_names_pass() -> None:
    sample = """
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.query import QuerySet


def fields(instance):
    return instance._meta.fields, instance._state.db, type(instance)._default_manager


class Reader:
    def __init__(self, path):
        self._path = path

    def _count(self):
        return len(self._path)
"""
    assert scan_source(sample, "sample.py") == []
    # Without the class that owns them, `_path` and `_count` are Django's names, read from outside: refused.
    assert [finding.what for finding in scan_source("def f(x):\n    return x._count(), x._path\n", "s.py")] == [
        "_count (private to Django or django-fsm)",
        "_path (private to Django or django-fsm)",
    ]
