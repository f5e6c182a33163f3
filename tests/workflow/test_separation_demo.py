"""The demo under the default separation policy (the director does not cover the area head): nobody in it is
both director and area head and every area has a head of its own, so its two-step flows need two people,
and have them, without the documented exception."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from plans.models import Area, Objective, OrganizationRole, WorkState
from tests.plans.helpers import load_reference_demo
from workflow.models import SeparationPolicy
from workflow.services import approval_approve, item_rinvia

pytestmark = pytest.mark.django_db


def test_the_demo_flows_need_no_exception(frozen_today: dt.date) -> None:
    load_reference_demo()
    assert not SeparationPolicy.objects.exists()  # the defaults
    directors = OrganizationRole.objects.filter(role=OrganizationRole.Role.DIRECTOR).values("user_id")
    assert not Area.objects.filter(head__in=directors).exists()
    assert not Area.objects.filter(head__isnull=True).exists()

    # An area head postpones an objective of her area: her step comes with the request, the director decides
    # the other.
    open_states = [WorkState.PROGRAMMATO, WorkState.AVVIATO]
    objective = Objective.objects.filter(state__in=open_states, plan__code="RP-2021").order_by("pk").first()
    assert objective is not None
    head = objective.areas.get().head
    assert head is not None and head.username.startswith("resp-")
    later = max(objective.planned_end or frozen_today, frozen_today) + dt.timedelta(days=90)
    pending = item_rinvia(actor=head, item=objective, reason="Bilancio in ritardo", new_planned_end=later).request
    assert pending.current_step == "director"
    outcome = approval_approve(actor=User.objects.get(username="direttore"), request=pending)
    assert outcome.applied
    decided = [approval.decided_by.username for approval in outcome.request.approvals.all()]
    assert decided == [head.username, "direttore"]
