"""What a transition and its approval cost in queries through the API, with a real token: a fixed number,
the item's two rows locked by one statement, the token checked by one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def with_token(username: str) -> APIClient:
    answer = APIClient().post("/api/auth/token/", {"username": username, "password": "segreta"}, format="json")
    assert answer.status_code == 200, answer.content
    return APIClient(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")


def statements(call: Any) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    return answer, [query["sql"] for query in captured.captured_queries]


def test_a_request_and_its_approval_take_a_fixed_number_of_queries(world: World) -> None:
    sara, anna = with_token("sara"), with_token("anna")
    url = f"/api/activities/{world.activity.pk}/transitions/"
    assert sara.post(url, {"transition": "avvia"}, format="json").status_code == 200
    body = {"transition": "concludi", "actual_end": "2026-05-14", "comment": "Fatto"}
    asked, asking = statements(lambda: sara.post(url, body, format="json"))
    assert asked.status_code == 202, asked.content
    approved, approving = statements(lambda: anna.post(f"/api/approvals/{asked.json()['id']}/approve", {}))
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    for queries, most in ((asking, ASKING), (approving, APPROVING)):
        assert len(queries) <= most, "\n".join(sql[:120] for sql in queries)
        assert len([sql for sql in queries if "knox_authtoken" in sql]) == 1
        [lock] = [sql for sql in queries if "plans_activity" in sql and "FOR NO KEY UPDATE" in sql]
        assert lock.endswith('FOR NO KEY UPDATE OF "plans_objective", "plans_activity"')
        assert not [sql for sql in queries if "plans_objective" in sql and "FOR NO KEY UPDATE" in sql and sql != lock]


# With the savepoints of the test's transaction (BEGIN and COMMIT outside a test): 16 and 19 before issue 18's
# third slice (knox's second query, the objective locked by a statement of its own).
ASKING, APPROVING = 14, 17
