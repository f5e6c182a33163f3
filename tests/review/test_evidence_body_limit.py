"""Review of issue 15: the larger body the evidence pages accept is accepted from anyone, signed in or not."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consuntivo.files import PDF, upload
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

BIG = PDF + bytes(3 * 1024 * 1024)  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), under the evidence limit


def test_an_anonymous_request_does_not_get_the_evidence_body_limit(world: World) -> None:
    """config/guard.py lets a body of up to EVIDENCE_MAX_FILES x EVIDENCE_MAX_BYTES + 2.5 MB (52.5 MB by default)
    through to any URL whose view is marked `accepts_evidence`, before any authentication: the CSRF middleware then
    reads request.POST, so Django parses the whole multipart body (spooling the files to disk) for a request that
    is then refused anyway. Everywhere else an anonymous body over 2.5 MB is refused unread (413). The larger limit
    should apply only to a signed-in session (e.g. check request.user in the view before reading, or resolve the
    session in the guard)."""
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.get("/accedi/")  # anyone gets a CSRF cookie from the login page, and its token with it
    token = anonymous.cookies["csrftoken"].value
    answer = anonymous.post(
        f"/indicatori/{world.indicator.pk}/valori/",
        {"csrfmiddlewaretoken": token, "year": "2026", "value": "85", "evidence": [upload("a.pdf", BIG)]},
    )
    assert answer.status_code == 413, answer.status_code
