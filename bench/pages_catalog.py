"""What the page sweep (bench.bench_pages) requests: every URL pattern of the URLconf, each either turned into
addresses with ids from the dataset, or skipped with the reason.

The patterns are read from the URLconf itself, so a page added later is not missed: a pattern whose
parameters no rule below can fill, and that no skip names, is a *gap* (`Catalogue.gaps`), and the test of the
sweep fails on it until a rule or a reason is written here. Endpoints that answer GET with 405 (POST only) are
found by the sweep itself when it asks for them, and listed with the skipped ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Skipped on purpose, by URL name (namespace:name) or namespace ("admin:*"): what the reason is.
SKIPPED: dict[str, str] = {
    "admin:*": "the admin: a staff user's pages, not a director's (its activity list and search are timed apart, "
    "informative, as a superuser)",
    "health": "the load balancer's probe, not a user's page",
    "set_language": "POST only: the language switch",
    "web:password-reset-confirm": "needs a reset token from a mail",
    "web:revoke-token": "POST only: revokes one API token",
    "web:decide": "POST only: the decision on a request (timed by bench_pairs as the approval)",
    "web:evidence": "a file of documentation: the generated dataset holds none",
    "notifications:answer": "a monthly monitoring answer by a one-time token mailed to an activity's owner",
    "notifications:less-mail": "the one-click «less mail» page by a signed token mailed to a person (a form, not "
    "a reading page)",
    "notifications:calendar-feed": "a personal calendar feed by a secret token (no page; the generated people "
    "have no feed token)",
    "reports:document_download": "a prepared document's download: the dataset holds none (a worker prepares them)",
    "reports:document_job": "a prepared document's job page (its progress): the dataset holds none (a worker "
    "prepares them)",
    "reports:evidence_pack_download": "a prepared evidence pack's download: the dataset holds none",
    "reports:validation_document": "the OIV's validation document: the generated plans have no validation",
    "evaluation:sheet": "an evaluation sheet: the generated dataset has none",
    "evaluation:evaluate": "an evaluation sheet's form: the generated dataset has no sheet",
    "evaluation:submit": "POST only, on an evaluation sheet: the generated dataset has none",
    "evaluation:acknowledge": "an evaluation sheet's acknowledgement: the generated dataset has no sheet",
    "api:api_not_found": "the API's catch-all 404",
}

# The object a `pk` names, by URL name.
PK_OBJECT = {
    "web:activity": "activity",
    "web:monthly-update": "activity",
    "web:activity-transition": "activity",
    "web:objective": "objective",
    "web:objective-activities": "objective",  # the plan tree's next activities of an objective (issue 18)
    "web:objective-transition": "objective",
    "web:objective-report": "objective",
    "web:objective-change": "objective",
    "web:indicator": "indicator",
    "web:indicator-record": "indicator",
    "web:indicator-motivation": "indicator",
    "web:measurement-confirm": "measurement",
}
PK_PLAN_PREFIXES = ("web:plan", "web:validation")  # web:plan, web:plan-scores, web:validation-start, ...

# Every format of a download, by URL name.
FORMATS: dict[str, tuple[str, ...]] = {
    "reports:relazione": ("pdf", "docx", "xlsx"),
    "reports:opendata": ("csv", "it.csv", "json"),
    "reports:action_sheets": ("pdf", "docx", "csv", "json"),
    "reports:piao_document": ("pdf", "docx"),
    "evaluation:payroll": ("csv", "xlsx"),
    "web:dashboard-export": ("csv", "xlsx"),  # every slipped deadline of the most recent plan, in one file
    "web:indicators-export": ("csv", "xlsx"),
    "web:search-export": ("csv", "xlsx"),  # without ?q=: the refusal page (the sweep asks no words)
}
# Other string parameters, by URL name and parameter.
WORDS: dict[tuple[str, str], str] = {
    ("web:plan-step", "step"): "start",
    ("web:chapter-write", "kind"): "introduzione",
}
# Requested with these headers (a section that htmx asks for).
HEADERS: dict[str, dict[str, str]] = {"web:dashboard-punctuality": {"HX-Request": "true"}}


@dataclass(frozen=True)
class Ids:
    """The dataset's objects the addresses name: the director's organization, plan, year and items."""

    organization: int
    plan: int
    year: int
    objective: int
    activity: int
    indicator: int
    measurement: int


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the URLconf: its name (with namespaces), its route and the parameters it takes."""

    name: str
    route: str
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


@dataclass(frozen=True)
class Request:
    """One address the sweep asks for."""

    label: str  # the pattern's name, with the format for downloads
    name: str
    path: str
    kind: str  # "page" or "api"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Catalogue:
    requests: list[Request] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # "name route" → reason
    gaps: dict[str, str] = field(default_factory=dict)  # "name route" → what is missing (the test fails on these)
    patterns: int = 0  # every pattern walked

    def skipped_grouped(self) -> dict[str, str]:
        """The skipped patterns for a report: the admin's (a few hundred) as one line."""
        grouped = {key: reason for key, reason in self.skipped.items() if not key.startswith("admin:")}
        admin = [key for key in self.skipped if key.startswith("admin:")]
        if admin:
            grouped[f"admin:* ({len(admin)} patterns)"] = SKIPPED["admin:*"]
        return grouped


def _route(pattern: Any) -> str:
    return str(pattern.pattern)


def _params(pattern: Any) -> tuple[str, ...]:
    return tuple(pattern.pattern.regex.groupindex)


def walk(urlconf: str | None = None) -> Iterator[Pattern]:
    """Every URL pattern of `urlconf` (the project's by default), included ones too, in order."""

    def inner(
        resolver: URLResolver, prefix: str, namespaces: tuple[str, ...], params: tuple[str, ...]
    ) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                spaces = namespaces + ((entry.namespace,) if entry.namespace else ())
                yield from inner(entry, prefix + _route(entry), spaces, params + _params(entry))
            elif isinstance(entry, URLPattern):
                name = str(entry.name or getattr(entry.callback, "__name__", "?"))
                yield Pattern(":".join((*namespaces, name)), prefix + _route(entry), params + _params(entry))

    yield from inner(get_resolver(urlconf), "", (), ())


def _skip_reason(pattern: Pattern) -> str | None:
    if pattern.name in SKIPPED:
        return SKIPPED[pattern.name]
    if f"{pattern.namespace}:*" in SKIPPED:
        return SKIPPED[f"{pattern.namespace}:*"]
    if pattern.is_api and "format" in pattern.params:
        return "the API's format-suffix variant of another pattern (the same view)"
    if pattern.is_api and pattern.params:
        return "the API: a detail or an action, not a list"
    return None


def _value(pattern: Pattern, param: str, ids: Ids) -> str | None:
    if param == "plan_id":
        return str(ids.plan)
    if param == "organization_id":
        return str(ids.organization)
    if param == "year":
        return str(ids.year)
    if param == "pk":
        if pattern.name in PK_OBJECT:
            return str(getattr(ids, PK_OBJECT[pattern.name]))
        if pattern.name.startswith(PK_PLAN_PREFIXES):
            return str(ids.plan)
        return None
    return WORDS.get((pattern.name, param))


def _path(pattern: Pattern, values: dict[str, str], urlconf: str | None) -> str:
    from django.urls import reverse

    kwargs = {name: values[name] for name in pattern.params}
    return reverse(pattern.name, urlconf=urlconf, kwargs=kwargs)


def catalogue(ids: Ids, urlconf: str | None = None) -> Catalogue:
    """The addresses of every pattern that takes a GET, with `ids` filled in; the skipped ones and the gaps."""
    found = Catalogue()
    for pattern in walk(urlconf):
        found.patterns += 1
        key = f"{pattern.name} {pattern.route}"
        reason = _skip_reason(pattern)
        if reason is not None:
            found.skipped[key] = reason
            continue
        params = [param for param in pattern.params if param != "fmt"]
        found_values = {param: _value(pattern, param, ids) for param in params}
        missing = sorted(param for param, value in found_values.items() if value is None)
        if "fmt" in pattern.params and pattern.name not in FORMATS:
            missing.append("fmt")
        if missing:
            found.gaps[key] = f"no rule gives {', '.join(missing)}"
            continue
        values = {param: value for param, value in found_values.items() if value is not None}
        kind = "api" if pattern.is_api else "page"
        headers = HEADERS.get(pattern.name, {})
        for fmt in FORMATS.get(pattern.name, (None,)) if "fmt" in pattern.params else (None,):
            filled = {**values, **({"fmt": fmt} if fmt else {})}
            label = f"{pattern.name}.{fmt}" if fmt else pattern.name
            found.requests.append(Request(label, pattern.name, _path(pattern, filled, urlconf), kind, headers))
    return found
