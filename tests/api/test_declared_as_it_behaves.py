"""The API behaves as its schema says (issue 21), so that schemathesis finds no schema-valid request refused:

- a filter by id takes any id in its range: one that names nothing, or what the caller does not see, lists nothing
  (it was a 400 that told, to whoever asked, which ids exist); 0 or text is out of the schema's range and a 400;
- `overdue` is true or false: any other word is refused (Django's NullBooleanField read «si» as not given);
- a cursor the API did not write names no page: 404;
- a body naming a field the operation does not take is refused, and the schema's request bodies admit no other
  property (DRF dropped a misspelt field and its value in silence);
- a date is YYYY-MM-DD in the schema's own words (a pattern, which OpenAPI 3.1 asserts; its `format` is a note).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from plans.models import Activity, WorkState
from tests.workflow.world import World
from workflow.models import TransitionRequest
from workflow.tokens import token_create

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"


def api_client(user: Any) -> Client:
    return Client(headers={"Authorization": f"Token {token_create(user=user)[1]}"})


def listed(client: Client, url: str, **query: Any) -> list[int]:
    answer = client.get(url, query)
    assert answer.status_code == 200, answer.content
    return [row["id"] for row in answer.json()["results"]]


def test_a_filter_by_an_id_that_names_nothing_lists_nothing(world: World) -> None:
    diana = api_client(world.diana)
    assert listed(diana, "/api/activities/", owner=world.sara.pk) == [world.activity.pk]
    for name in ("plan", "objective", "area", "owner"):
        assert listed(diana, "/api/activities/", **{name: 999_999_999}) == [], name
    assert listed(diana, "/api/objectives/", plan=999_999_999) == []
    assert listed(diana, "/api/indicators/", objective=999_999_999) == []
    assert listed(diana, "/api/monitoring-answers/", activity=999_999_999) == []
    assert listed(diana, "/api/changes/", plan=999_999_999) == []
    assert listed(diana, "/api/plan-versions/", plan=999_999_999) == []


def test_a_filter_by_what_the_caller_does_not_see_lists_nothing_as_for_an_unknown_id(world: World) -> None:
    """Erica directs Borgo: Aurelia's people, plans and areas are ids like any other to her."""
    erica = api_client(world.erica)
    assert listed(erica, "/api/activities/", owner=world.sara.pk) == []
    assert listed(erica, "/api/activities/", plan=world.plan.pk) == []
    assert listed(erica, "/api/objectives/", area=world.social.pk) == []


@pytest.mark.parametrize(
    "value", ["0", "-1", "1000000000", "uno", "1e3", "99999999999999999999", " 5 ", "５", "+5", "1_000", "1.0"]
)
def test_a_filter_by_id_outside_the_range_is_refused_naming_it(world: World, value: str) -> None:
    diana = api_client(world.diana)
    for url, name in (("/api/activities/", "owner"), ("/api/indicators/", "area"), ("/api/changes/", "plan")):
        answer = diana.get(url, {name: value})
        assert answer.status_code == 400, (url, value)
        assert name in answer.json()["fields"], (url, value)


def test_overdue_is_true_or_false_and_any_other_word_is_refused(world: World) -> None:
    diana = api_client(world.diana)
    late = listed(diana, "/api/activities/", overdue="true")
    on_time = listed(diana, "/api/activities/", overdue="false")
    assert sorted(late + on_time) == sorted(listed(diana, "/api/activities/"))
    for word in ("si", "yes", "unknown", "-58800", "1", "0", "TRUE", " true"):
        answer = diana.get("/api/activities/", {"overdue": word})
        assert answer.status_code == 400, word
        assert answer.json()["fields"]["overdue"] == ["Si indica con true oppure false."]


def test_a_field_the_operation_does_not_take_is_refused_and_nothing_changes(world: World) -> None:
    sara = api_client(world.sara)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    body = {"transition": "rinvia", "reason": "Manca il personale", "new_planed_end": "2026-09-30"}
    answer = sara.post(url, body, content_type="application/json")
    assert answer.status_code == 400
    message = answer.json()["fields"]["new_planed_end"][0]
    assert message.startswith("Campo sconosciuto: questa operazione accetta ")
    assert "new_planned_end" in message
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.PROGRAMMATO
    assert not TransitionRequest.objects.exists()


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/auth/token/", {"username": "sara", "password": "segreta", "remember": True}),
        ("/api/me/mail-preference/", {"delivery": "digest", "language": "it", "id": 1}),
        ("/api/delegations/", {"organization": 1, "substitute": 1, "starts_on": "2026-05-20", "extra": None}),
    ],
)
def test_every_kind_of_body_refuses_another_field(world: World, url: str, body: dict[str, Any]) -> None:
    client = api_client(world.diana)
    send = client.put if url.startswith("/api/me/") else client.post
    answer = send(url, body, content_type="application/json")
    assert answer.status_code == 400
    unknown = next(name for name in body if name in ("remember", "id", "extra"))
    assert list(answer.json()["fields"]) == [unknown]


def test_the_plan_steps_refuse_another_field(world: World) -> None:
    diana = api_client(world.diana)
    answer = diana.post(
        f"/api/plans/{world.plan.pk}/adopt/",
        {"act": "Delibera n. 1", "adopted_on": "2026-01-10", "adopted": True},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["adopted"]


def test_the_browsable_api_forms_csrf_token_is_no_unknown_field(world: World) -> None:
    client = Client()
    client.force_login(world.sara)
    answer = client.post(
        f"/api/activities/{world.activity.pk}/transitions/",
        {"transition": "avvia", "csrfmiddlewaretoken": "x" * 64},
    )
    assert answer.status_code == 200, answer.content
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.AVVIATO


def _schema() -> dict[str, Any]:
    return Client().get(SCHEMA_URL).json()


def _body_schema(schema: dict[str, Any], path: str, method: str = "post") -> dict[str, Any]:
    ref = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_schema_says_it(world: World) -> None:
    schema = _schema()
    bodies = [
        _body_schema(schema, path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert len(bodies) > 10
    assert all(body["additionalProperties"] is False for body in bodies)
    responses = schema["components"]["schemas"]
    assert "additionalProperties" not in responses["Activity"]  # answers may grow fields

    parameters = {p["name"]: p for p in schema["paths"]["/api/activities/"]["get"]["parameters"]}
    for name in ("plan", "objective", "area", "owner"):
        assert parameters[name]["schema"] == {"type": "integer", "minimum": 1, "maximum": 999_999_999}
    assert parameters["overdue"]["schema"] == {"type": "boolean"}
    assert parameters["cursor"]["schema"] == {"type": "string", "maxLength": 2000}

    new_end = _body_schema(schema, "/api/activities/{id}/transitions/")["properties"]["new_planned_end"]
    assert new_end["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    changes = _body_schema(schema, "/api/changes/")["properties"]["changes"]
    assert changes["type"] == "object"
    assert changes["additionalProperties"] is False


def test_a_change_request_s_changes_must_be_an_object(world: World) -> None:
    anna = api_client(world.anna)
    body = {"objective": world.objective.pk, "motivation": "Serve", "changes": None}
    answer = anna.post("/api/changes/", body, content_type="application/json")
    assert answer.status_code == 400
    assert "changes" in answer.json()["fields"]
    assert not TransitionRequest.objects.exists()


def test_what_the_caller_does_not_see_is_not_there_whatever_the_body(world: World) -> None:
    """Erica directs Borgo: Aurelia's plan answers her 404 before its body is read, unknown fields or not."""
    erica = api_client(world.erica)
    for body in ({"act": "Delibera n. 1", "adopted_on": "2026-01-10"}, {"act": "Delibera n. 1", "adopted": True}):
        answer = erica.post(f"/api/plans/{world.plan.pk}/adopt/", body, content_type="application/json")
        assert answer.status_code == 404, body
    answer = erica.post(
        f"/api/plans/{world.plan.pk}/reopen/", {"motivation": "x", "act": "y", "z": 1}, content_type="application/json"
    )
    assert answer.status_code == 404


RAW_FORM = re.compile(r'<textarea[^>]*name="_content"[^>]*>(.*?)</textarea>', re.S)


def raw_form(client: Client, url: str) -> dict[str, Any]:
    """What the browsable API's raw JSON form offers to post at `url`."""
    page = client.get(url, headers={"Accept": "text/html"})
    found = RAW_FORM.search(page.content.decode())
    assert found is not None, url
    return json.loads(html.unescape(found.group(1)))


def test_the_browsable_api_offers_what_each_operation_reads_and_takes_it_back(world: World) -> None:
    """DRF filled the forms from the answers' serializer (an activity's 19 fields for «transitions»): posted back
    as offered, they were refused as unknown fields."""
    sara = Client()
    sara.force_login(world.sara)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    offered = raw_form(sara, url)
    assert set(offered) == {"transition", "comment", "reason", "new_planned_end", "actual_end"}
    answer = sara.post(url, {**offered, "transition": "avvia"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.AVVIATO

    diana = Client()
    diana.force_login(world.diana)
    expected = {
        f"/api/plans/{world.plan.pk}/adopt/": {"act", "adopted_on"},
        f"/api/indicators/{world.indicator.pk}/measurements/": {"year", "value", "measured_on", "note"},
        "/api/delegations/": {"organization", "substitute", "starts_on", "ends_on", "reason"},
        "/api/changes/": {"objective", "motivation", "changes", "act", "act_date", "comment"},
    }
    for where, fields in expected.items():
        assert set(raw_form(diana, where)) == fields, where


def test_a_request_of_another_body_is_not_there_whatever_the_decision_s_body(world: World) -> None:
    """Erica (Borgo) deciding on Aurelia's request: 404 whether the body is right, names another field or gives the
    comment as a number; an id that exists answered 400 to a wrong body, one that does not 404."""
    from tests.api.rows import with_requests_and_a_delegation

    with_requests_and_a_delegation(world)
    pending = TransitionRequest.objects.filter(status=TransitionRequest.Status.PENDING).first()
    assert pending is not None
    erica = api_client(world.erica)
    for body in ({"comment": "no"}, {"zz": 1}, {"comment": 5}):
        for action in ("approve", "reject"):
            answer = erica.post(f"/api/approvals/{pending.pk}/{action}/", body, content_type="application/json")
            assert answer.status_code == 404, (action, body, answer.content)
    answer = api_client(world.diana).post(
        f"/api/approvals/{pending.pk}/approve/", {"zz": 1}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["zz"]
