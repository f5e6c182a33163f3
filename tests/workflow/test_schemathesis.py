"""Schemathesis against the app's own /api/schema/: every operation, no 5xx, every response as documented.

The schema is the one the app serves, loaded in-process through config.wsgi.application, and so are the calls:
they run on pytest-django's test database, inside the test's transaction, with time frozen by the `world`
fixture. The director (Diana) calls with an API token of her own, so the operations reach their real code; an
anonymous run checks that the 401s are documented too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from django.db.models import Model
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.generation.meta import TestPhase
from schemathesis.hooks import HookContext
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from plans.models import Objective, Organization
from tests.api.rows import PATH_IDS, with_requests_and_a_delegation
from tests.workflow.world import World
from workflow.tokens import token_create, tokens_of

SCHEMA_URL = "/api/schema/?format=json"
# No NUL in the generated texts: PostgreSQL's text cannot hold one, and the API refuses it wherever it stands with a
# 400 that names the field (the API's description says so). The hooks below still send NULs, as edges.
GENERATION = {"allow-x00": False}
schema = schemathesis.openapi.from_wsgi(
    SCHEMA_URL, application, config=schemathesis.Config.from_dict({"generation": GENERATION})
)
# Without credentials every operation but the token's answers 401 whatever the input: a few generated examples
# per operation are enough, without the coverage phase's hundreds of variations of the input.
anonymous_schema = schemathesis.openapi.from_wsgi(
    SCHEMA_URL,
    application,
    config=schemathesis.Config.from_dict({"generation": GENERATION, "phases": {"coverage": {"enabled": False}}}),
)

# All of schemathesis' checks run (not_a_server_error, status_code_conformance, content_type_conformance,
# response_schema_conformance, response_headers_conformance, negative_data_rejection, positive_data_acceptance,
# ignored_auth, ...). positive_data_acceptance wants every schema-valid request accepted; it runs in
# `accepted_unless_a_rule_of_the_data` below, which lets through one 400 only: a rule the schema cannot state.
EXCLUDED: list[CheckFunction] = [positive_data_acceptance]

# The schema's pattern of an id: only such ids are swapped, so that negative testing keeps its invalid ones.
ID = re.compile(r"[0-9]{1,9}")
# Ids in request bodies (a delegation's organization and substitute).
BODY_IDS: dict[str, type[Model]] = {"organization": Organization, "substitute": User, "objective": Objective}
# Input schemathesis would rarely write, at the bounds of the API (plans.limits, api.parsers,
# config.guard): indicator values too large for their columns, dates outside the plan's years, a NUL in a text,
# integers beyond 64 bits in the query. The schema allows them all (a string, a date, an integer): the API
# answers them with its documented 400.
BODY_EDGES: dict[str, list[str]] = {
    "value": ["9" * 40 + "/1", ">= " + "9" * 20 + "%", "99999999999999.9999999"],
    "comment": ["ok\x00"],
    "reason": ["\x00"],
    "note": ["a\x00b"],
}
DATE_EDGES = ["0001-01-01", "9999-12-31", "2062-06-30"]
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
QUERY_EDGES = ["99999999999999999999", "-99999999999999999999", "1e400", "\x00"]


# The rules of the data that no schema can state: whether an id names a row the caller sees, whether a date falls
# in the plan's years (or a delegation's in last year to next), what the other fields say (rinvia needs a reason and
# a new end), whether the password is right. A schema-valid request that breaks one is answered 400 with the field
# it broke; these are the only fields such a 400 may name, operation by operation.
TRANSITION_RULES = frozenset({"transition", "reason", "new_planned_end", "actual_end"})
DATA_RULES: dict[str, frozenset[str]] = {
    "POST /api/activities/{id}/transitions/": TRANSITION_RULES,
    "POST /api/objectives/{id}/transitions/": TRANSITION_RULES,
    "POST /api/auth/token/": frozenset({"password", "otp"}),
    "POST /api/delegations/": frozenset({"organization", "substitute", "starts_on", "ends_on"}),
    "POST /api/plans/{id}/adopt/": frozenset({"adopted_on"}),
    "GET /api/plans/{id}/scores/": frozenset({"year"}),
    "POST /api/indicators/{id}/measurements/": frozenset({"year", "measured_on"}),
    # The objective must be one the caller may change; what changes must fit the plan, its indicators and activities.
    # and a director's own one, applied at once, needs its act.
    "POST /api/changes/": frozenset(
        {"objective", "changes", "title", "weight", "planned_start", "planned_end", "indicators", "activities"}
        | {"act", "act_date"}
    ),
}


FIELD_OF = re.compile(r"[.\[]")


def _edges_sent(case: Case) -> bool:
    """Whether the hooks below put a value at the bounds into the case: schemathesis still takes it for the
    schema-valid value it generated."""
    edges = {*QUERY_EDGES, *DATE_EDGES, *(edge for values in BODY_EDGES.values() for edge in values)}
    values = [*(case.query or {}).values(), *(case.body.values() if isinstance(case.body, dict) else [])]
    return any(isinstance(value, str) and value in edges for value in values)


def accepted_unless_a_rule_of_the_data(ctx: Any, response: Any, case: Case) -> bool | None:
    """positive_data_acceptance, but for a 400 naming only fields of DATA_RULES, and for the edges."""
    if _edges_sent(case):
        return None
    if response.status_code == 400:
        try:
            named = set(json.loads(response.content).get("fields", {}))
        except ValueError:
            named = set()
        rules = DATA_RULES.get(case.operation.label, frozenset())
        # A field, or a part of it ("indicators.0.name", "activities[0].id").
        if named and all(FIELD_OF.split(name, maxsplit=1)[0] in rules for name in named):
            return None
    return positive_data_acceptance(ctx, response, case)


def _model_of(path: str) -> type[Model] | None:
    return next((model for prefix, model in PATH_IDS.items() if path.startswith(prefix)), None)


def _existing(model: type[Model]) -> list[int]:
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True))


def _or_existing(value: Any, existing: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(value), st.sampled_from(existing)) if existing else st.just(value)


def flatmap_path_parameters(context: HookContext, path_parameters: dict[str, Any] | None) -> st.SearchStrategy[Any]:
    """Generated ids rarely exist, and the operation then stops at its 404: half become ids of existing rows."""
    model = _model_of(context.operation.path if context.operation else "")
    if model is None or not isinstance(path_parameters, dict) or not ID.fullmatch(str(path_parameters.get("id"))):
        return st.just(path_parameters)
    existing = [str(pk) for pk in _existing(model)]
    return _or_existing(path_parameters["id"], existing).map(lambda pk: {**path_parameters, "id": pk})


def _or_one_edge(values: dict[str, Any], edges: dict[str, list[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """The values generated, or (a third of the time) the same with one of them at the bounds: the other two thirds
    stay as schemathesis made them, for positive_data_acceptance to judge."""
    swaps = [{**values, name: edge} for name, options in edges.items() for edge in options]
    return st.one_of(st.just(values), st.just(values), st.sampled_from(swaps)) if swaps else st.just(values)


def flatmap_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    """The same for the ids in a body, so that a delegation can get past "organization not found" and a
    rimodulazione reach its objective; and values at the bounds for the texts and dates."""
    if not isinstance(body, dict):
        return st.just(body)
    ids = {
        name: _or_existing(value, _existing(BODY_IDS[name]))
        for name, value in body.items()
        if name in BODY_IDS and isinstance(value, int) and not isinstance(value, bool)
    }
    edges = {
        name: DATE_EDGES if DATE.fullmatch(value) else BODY_EDGES.get(name, [])
        for name, value in body.items()
        if isinstance(value, str)
    }
    with_ids = st.fixed_dictionaries(ids).map(lambda changed: {**body, **changed}) if ids else st.just(body)
    return with_ids.flatmap(lambda values: _or_one_edge(values, edges))


def flatmap_query(context: HookContext, query: Any) -> st.SearchStrategy[Any]:
    """Filters, statuses and pages beyond 64 bits or with a NUL."""
    if not isinstance(query, dict) or not query:
        return st.just(query)
    return _or_one_edge(query, dict.fromkeys(query, QUERY_EDGES))


def on_the_newest_row(case: Case) -> None:
    """The coverage phase (built before the test runs, without the hooks above) varies the body and the query on
    one valid id: it becomes the newest row's, so that the variations reach the view instead of its 404. A valid
    id for a valid id: what schemathesis knows of the case stays true. Fuzzing also tries ids that do not exist."""
    model = _model_of(case.operation.path)
    phase = case.meta.phase.name if case.meta else None
    id_ = (case.path_parameters or {}).get("id")
    if model is not None and phase == TestPhase.COVERAGE and ID.fullmatch(str(id_)) and (existing := _existing(model)):
        case.path_parameters = {**(case.path_parameters or {}), "id": str(existing[-1])}


for _schema in (schema, anonymous_schema):
    _schema.hook(flatmap_path_parameters)
    _schema.hook(flatmap_body)
    _schema.hook(flatmap_query)


@pytest.fixture
def wsgi(db: None) -> Iterator[None]:
    """The real WSGI handler closes the connection around each request; inside the test's transaction that would
    close it under the test, so those signals are off meanwhile (Django's own test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api(world: World, wsgi: None) -> World:
    """The world with two pending requests and a delegation (tests.api.rows)."""
    return with_requests_and_a_delegation(world)


# Function-scoped fixtures are meant: `api` is built once per operation, and the examples of an operation share
# (and change) its data, which the transaction of the test rolls back. max_examples counts the fuzzing phase only:
# the coverage phase adds its own ~40 cases per operation, and 20 keeps the whole file around 50 s.
FUZZING = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


_secrets: dict[int, str] = {}


def token_of(user: User) -> str:
    """The user's token, made again only when the last one is gone (an example revoked it, or the transaction of a
    previous test took it away): knox reads all of a user's tokens at every request."""
    secret = _secrets.get(user.pk)
    if secret is None or not tokens_of(user).filter(token_key=secret[:15]).exists():
        _secrets[user.pk] = secret = token_create(user=user)[1]
    return secret


@schema.parametrize()
@settings(FUZZING, max_examples=20)
def test_every_operation_as_the_director(case: Case, api: World) -> None:
    on_the_newest_row(case)
    case.call_and_validate(
        headers={"Authorization": f"Token {token_of(api.diana)}"},
        excluded_checks=EXCLUDED,
        additional_checks=[accepted_unless_a_rule_of_the_data],
    )


@anonymous_schema.parametrize()
@settings(FUZZING, max_examples=5)
def test_every_operation_anonymously(case: Case, frozen_today: dt.date, wsgi: None) -> None:
    """No data needed: without credentials the answer is 401 (or 404 for an address the API does not have)."""
    case.call_and_validate(excluded_checks=EXCLUDED, additional_checks=[accepted_unless_a_rule_of_the_data])


# Regressions of what schemathesis found, through the whole stack (the test client enforcing CSRF like browsers).


def test_any_other_api_address_answers_the_json_404(world: World) -> None:
    """A POST with a session cookie used to get Django's HTML 403 (CSRF), a path with a newline its HTML 404."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "scaduta"
    for response in (
        client.post("/api/activities/%C2%84/transitions/", {"transition": "avvia"}),
        client.get("/api/activities/%0A/"),
        client.post("/api/requests/1%0A/withdraw/"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_empty_filters_and_page_count_as_not_given_as_documented(world: World) -> None:
    client = Client()
    client.force_login(world.diana)
    response = client.get("/api/activities/", {"state": "", "owner": "", "overdue": "", "page": ""})
    assert response.status_code == 200
    assert response.json()["count"] == 2
    parameters = client.get(SCHEMA_URL).json()["paths"]["/api/activities/"]["get"]["parameters"]
    assert all(parameter.get("allowEmptyValue") for parameter in parameters)
    approvals = client.get(SCHEMA_URL).json()["paths"]["/api/approvals/"]["get"]["parameters"]
    assert {p["name"]: p.get("allowEmptyValue", False) for p in approvals} == {"cursor": True, "status": False}
    assert client.get("/api/approvals/", {"status": ""}).status_code == 400


def test_a_body_the_api_cannot_read_answers_the_documented_415(world: World) -> None:
    client = Client()
    client.force_login(world.diana)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    response = client.post(url, "transition=avvia", content_type="text/plain")
    assert response.status_code == 415
    assert set(response.json()) == {"code", "message", "fields"}
    paths = client.get(SCHEMA_URL).json()["paths"]
    for path, operations in paths.items():
        if "requestBody" in operations.get("post", {}):
            assert "415" in operations["post"]["responses"], path


def test_a_body_over_the_limit_answers_the_documented_413(world: World) -> None:
    client = Client()
    client.force_login(world.diana)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    response = client.post(url, {"transition": "avvia", "comment": "x" * 3_000_000}, content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == {"code", "message", "fields"}
    paths = client.get(SCHEMA_URL).json()["paths"]
    for path, operations in paths.items():
        if "requestBody" in operations.get("post", {}):
            assert "413" in operations["post"]["responses"], path
