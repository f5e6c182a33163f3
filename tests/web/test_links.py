"""Every link a person receives points where the installation answers: the configured SITE_URL, whatever it is
(another host, scheme or port: `make demo PORT=8101`, a body's own domain behind a proxy).

Checked with an address no default would produce, for a mail of every kind the outbox knows (a new kind fails
here until it is added) and for the pages of every persona of the small world: every absolute address in a
mail's text and HTML, and every href, src and action of a page, must be on SITE_URL, or be a page-relative
path, or be one of the addresses the operator configured for the footer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from notifications.mails import SECTIONS, compose
from notifications.models import Message, MonitoringRound
from plans.models import Activity
from reports.models import ReportExport
from tests.workflow.world import World
from workflow.services import item_avvia, item_concludi

pytestmark = pytest.mark.django_db

SITE = "https://performance.comune-aurelia.example:8443"
ABSOLUTE = re.compile(r"""https?://[^\s"'<>)]+""")
ATTRIBUTE = re.compile(r"""\b(?:href|src|action)="([^"]*)\"""")
FOOTER = {"ACCESSIBILITY_STATEMENT_URL": "https://form.agid.gov.it/view/aurelia", "FEEDBACK_URL": ""}


@pytest.fixture(autouse=True)
def configured(settings: Settings) -> None:
    settings.SITE_URL = SITE
    for name, value in FOOTER.items():
        setattr(settings, name, value)


def elsewhere(addresses: list[str]) -> list[str]:
    allowed = {value for value in FOOTER.values() if value}
    return [address for address in addresses if not address.startswith(f"{SITE}/") and address not in allowed]


def one_of_each_kind(world: World) -> list[Message]:
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_end=dt.date(2026, 4, 30))  # late: digests
    item_avvia(actor=world.sara, item=world.activity)
    request = item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 14)).request
    month = MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    export = ReportExport.objects.create(
        plan=world.plan, year=2026, fmt="pdf", requested_by=world.diana, requested_at=timezone.now(), status="ready"
    )
    activity, asked = f"activity:{world.second_activity.pk}", f"request:{request.pk}"
    monitoring = {"round": month.pk, "activities": [world.second_activity.pk]}
    waited = {"since": "2026-05-11", "waited": 4}
    legal = {"deadline": "relazione", "year": 2025, "due": "2026-06-30", "lead": 30}
    kinds: dict[str, tuple[str, dict[str, object]]] = {
        Message.Kind.DEADLINE: (activity, {}),
        Message.Kind.OVERDUE: (activity, {}),
        Message.Kind.ESCALATION: (activity, {}),
        Message.Kind.DIRECTOR_DIGEST: (f"organization:{world.aurelia.pk}", {}),
        Message.Kind.MONITORING: (activity, monitoring),
        Message.Kind.MONITORING_REMINDER: (activity, monitoring),
        Message.Kind.MONITORING_MISSING: (activity, {"round": month.pk, "missing": {str(world.sara.pk): [1]}}),
        Message.Kind.APPROVAL_NEEDED: (asked, {}),
        Message.Kind.REQUEST_DECIDED: (asked, {}),
        Message.Kind.FORECAST: (f"organization:{world.aurelia.pk}", {"objectives": [world.objective.pk]}),
        Message.Kind.LEGAL_DEADLINE: (f"legal:{world.aurelia.pk}", legal),
        Message.Kind.DOCUMENT_READY: (f"export:{export.pk}", {}),
        Message.Kind.APPROVAL_REMINDER: (asked, waited),
        Message.Kind.APPROVAL_ESCALATION: (asked, waited),
    }
    assert set(kinds) == set(Message.Kind.values) == set(SECTIONS), "a kind of message without a link check"
    return [
        Message.objects.create(
            kind=kind,
            organization=world.aurelia,
            recipient=world.diana,
            target=target,
            period=f"prova-{kind}",
            context=context,
            due_on=dt.date(2026, 5, 15),
        )
        for kind, (target, context) in kinds.items()
    ]


def test_every_link_of_every_kind_of_mail_is_on_the_configured_address(world: World) -> None:
    rows = one_of_each_kind(world)
    now = dt.datetime(2026, 5, 15, 10, 0, tzinfo=dt.UTC)
    for row in rows:
        mail = compose([Message.objects.select_related("recipient", "organization").get(pk=row.pk)], now)
        html = mail.alternatives[0][0]
        assert isinstance(html, str)
        text_links, html_links = ABSOLUTE.findall(str(mail.body)), ABSOLUTE.findall(html)
        assert text_links, f"{row.kind}: no link in the mail"
        assert elsewhere(text_links + html_links) == [], row.kind
    both = compose(list(Message.objects.select_related("recipient", "organization")), now)
    assert elsewhere(ABSOLUTE.findall(str(both.body))) == []


PAGES = [
    "/",
    "/scadenze/",
    "/scadenze/indicatori/",
    "/approvazioni/",
    "/le-mie-attivita/",
    "/piani/",
    "/piani/{plan}/",
    "/attivita/{activity}/",
    "/obiettivi/{objective}/",
    "/profilo/",
    "/avvisi/",
    "/cerca/?q=sportelli",
    "/scadenze-di-legge/",
]


@pytest.mark.parametrize("persona", ["diana", "anna", "sara", "otto", "erica"])
def test_every_link_of_the_pages_is_relative_or_on_the_configured_address(world: World, persona: str) -> None:
    one_of_each_kind(world)
    client = Client()
    client.force_login(getattr(world, persona))
    ids = {"plan": world.plan.pk, "activity": world.activity.pk, "objective": world.objective.pk}
    checked = 0
    for page in PAGES:
        answer = client.get(page.format(**ids))
        if answer.status_code != 200:
            continue
        addresses = ATTRIBUTE.findall(answer.content.decode())
        absolute = [
            address for address in addresses if not address.startswith(("/", "#", "?")) or address.startswith("//")
        ]
        absolute = [address for address in absolute if not address.startswith("data:")]
        assert elsewhere(absolute) == [], page
        checked += len(addresses)
    assert checked > 100  # the pages were read, with their links
