"""The password-reset form sends mail: 3 requests an hour for one mail address from one caller address, 20 an
hour from one caller address whatever the mail address. Beyond that the form says when to retry and sends
nothing; nobody can flood a colleague's mailbox, nor stop them asking from their own place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core import mail
from django.test import Client

from tests.conftest import TODAY
from tests.web.html import page_text
from tests.workflow.world import World

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
SARA = "sara@aurelia.example"
SENT = "/password/inviata/"


def ask_reset(email: str, address: str = ATTACKER) -> Any:
    return Client().post("/password/dimenticata/", {"email": email}, REMOTE_ADDR=address)


def test_a_fourth_request_in_an_hour_for_one_mailbox_is_refused_and_sends_nothing(world: World) -> None:
    assert [ask_reset(SARA)["Location"] for _ in range(3)] == [SENT] * 3
    refused = ask_reset(SARA)
    assert refused.status_code == 429
    told = "Troppe richieste di reimpostazione della password. Riprova tra 60 minuti, dalle 11:00."
    assert told in page_text(refused)
    assert refused["Retry-After"] == "3600"
    assert 'name="email"' in refused.content.decode()  # the form again
    assert len(mail.outbox) == 3


def test_the_colleague_still_asks_from_her_own_address(world: World) -> None:
    for _ in range(4):
        ask_reset(SARA)
    assert ask_reset(SARA, address=ELSEWHERE)["Location"] == SENT
    assert len(mail.outbox) == 4


def test_twenty_requests_an_hour_from_one_address_whatever_the_mailbox(world: World) -> None:
    # Unknown mail addresses count the same as known ones: the limit says nothing about who has an account.
    assert {ask_reset(f"nessuno{number}@example.it").status_code for number in range(20)} == {302}
    refused = ask_reset(SARA)
    assert refused.status_code == 429
    assert mail.outbox == []
    with time_machine.travel(TODAY + dt.timedelta(hours=1, seconds=1), tick=False):
        assert ask_reset(SARA)["Location"] == SENT
    assert len(mail.outbox) == 1
