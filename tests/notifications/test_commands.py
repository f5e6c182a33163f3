"""The scans by hand: send_reminders --date and send_monitoring_requests --month."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from notifications.models import Message
from plans.models import Activity
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory_mail(settings: Settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_send_reminders_for_a_given_date(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 6, 19))
    out = StringIO()
    call_command("send_reminders", "--date", "2026-06-22", stdout=out)
    assert "22/06/2026: 2 messaggi pianificati." in out.getvalue()  # sara's reminder, diana's digest
    assert sorted(message.to[0] for message in mail.outbox) == ["diana@aurelia.example", "sara@aurelia.example"]
    call_command("send_reminders", "--date", "2026-06-22", stdout=StringIO())
    assert len(mail.outbox) == 2  # run twice, sent once


def test_send_monitoring_requests_for_a_given_month(world: World) -> None:
    out = StringIO()
    call_command("send_monitoring_requests", "--month", "2026-06", stdout=out)
    assert "06/2026: 1 richieste pianificate." in out.getvalue()
    [request] = mail.outbox
    assert request.to == ["sara@aurelia.example"]
    assert "/monitoraggio/" in request.body
    assert Message.objects.get(kind="monitoring").due_on == dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("command", "option", "value", "hint"),
    [
        ("send_reminders", "--date", "29/05/2026", "AAAA-MM-GG"),
        ("send_monitoring_requests", "--month", "giugno", "AAAA-MM"),
    ],
)
def test_a_malformed_date_says_how_to_write_it(world: World, command: str, option: str, value: str, hint: str) -> None:
    with pytest.raises(CommandError, match=hint):
        call_command(command, option, value)
    assert not Message.objects.exists()
