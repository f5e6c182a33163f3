"""Review of issue 15: what the new links on the item pages lead to, for a person who owns an activity of another
area's objective (plans.rules: can_view_item lets the owner see the activity, not its objective's indicators)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import Activity
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def test_an_activity_owner_outside_the_area_is_not_sent_to_indicators_that_answer_404(world: World) -> None:
    """web/views/items.py `_context` lists `item.objective.indicators` on an activity's page for whoever sees the
    activity: Olga, who owns activity 2 of SOC-1 without being in the social area, gets the indicator's name and a
    link inviting her to record values, and the link is a 404 (visible_indicators does not include her)."""
    olga = User.objects.create_user("olga", "olga@aurelia.example", "segreta")
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=olga)
    client = Client()
    client.force_login(olga)
    page = client.get(f"/attivita/{world.second_activity.pk}/")
    assert page.status_code == 200  # she owns it
    links = re.findall(r'href="(/indicatori/\d+/)"', page.content.decode())
    refused = [link for link in links if client.get(link).status_code == 404]
    assert refused == [], f"the activity page links to indicators she may not open: {refused}"
    assert world.indicator.name not in page.content.decode()
