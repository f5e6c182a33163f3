"""The evaluation sheets in the admin: a director given admin access reads the sheets the pages show her and
changes none of them, not even the scores of her own sheet (the OIV's to give)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from evaluation.models import BehaviourScore, EvaluationSheet
from tests.evaluation.sheets_world import Sheets, build_sheets
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(world: World) -> Sheets:
    return build_sheets(world)


def submitted(sheet: EvaluationSheet) -> None:
    """The evaluator has submitted the sheet (the state only: the services' path is tested elsewhere)."""
    EvaluationSheet.objects.filter(pk=sheet.pk).update(state=EvaluationSheet.State.SUBMITTED)


def admin_client(world: World, name: str) -> Client:
    user = world.users[name]
    user.is_staff = True
    user.save()
    office = Group.objects.get_or_create(name="Ufficio informatico di Aurelia")[0]
    office.permissions.set(Permission.objects.filter(content_type__app_label="evaluation"))
    user.groups.add(office)
    client = Client()
    client.force_login(user)
    return client


def test_a_director_with_admin_access_reads_her_sheet_and_cannot_rewrite_its_scores(
    sheets: Sheets, world: World
) -> None:
    score = BehaviourScore.objects.create(sheet=sheets.diana, behaviour=sheets.results, score=2, comment="Dall'OIV")
    diana = admin_client(world, "diana")
    # while the OIV prepares it, the score and its comment are not hers to read, even though she directs Aurelia
    assert diana.get(reverse("admin:evaluation_behaviourscore_change", args=[score.pk])).status_code == 404
    submitted(sheets.diana)

    page = diana.get(reverse("admin:evaluation_behaviourscore_change", args=[score.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    changed = diana.post(
        reverse("admin:evaluation_behaviourscore_change", args=[score.pk]),
        {"sheet": sheets.diana.pk, "behaviour": sheets.results.pk, "score": 5, "comment": "Mi premio"},
    )
    assert changed.status_code == 403
    assert (
        diana.post(reverse("admin:evaluation_behaviourscore_delete", args=[score.pk]), {"post": "yes"}).status_code
        == 403
    )
    score.refresh_from_db()
    assert (score.score, score.comment) == (2, "Dall'OIV")


def test_an_area_head_with_admin_access_sees_only_her_own_sheet(sheets: Sheets, world: World) -> None:
    anna = admin_client(world, "anna")
    draft = anna.get(reverse("admin:evaluation_evaluationsheet_changelist"))
    assert [sheet.pk for sheet in draft.context["cl"].result_list] == [], "her own sheet before it is submitted"
    submitted(sheets.anna)

    listing = anna.get(reverse("admin:evaluation_evaluationsheet_changelist"))

    assert [sheet.pk for sheet in listing.context["cl"].result_list] == [sheets.anna.pk]
    assert anna.get(reverse("admin:evaluation_evaluationsheet_change", args=[sheets.bruno.pk])).status_code == 404
