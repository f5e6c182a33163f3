"""A person's notices and mail preferences in a real browser: a demo staff member opens «Avvisi» from the menu,
sees a new notice marked as new with its link, sees it no longer new on the next visit, and chooses a daily
digest in English on the profile. axe-core checks each page. The notice and the preference are removed at the
end."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

PERSON = "staff-area-direzione-2"  # nobody else's test uses this person's notices or preferences
SETUP = (
    "from django.utils import timezone; from notifications.models import Message; from plans.models import Activity; "
    "a = Activity.objects.filter(owner__username='{person}').select_related('objective__plan').first(); "
    "m = Message.objects.create(kind='deadline', organization_id=a.objective.plan.organization_id, "
    "recipient=a.owner, target=f'activity:{{a.pk}}', period='prova-avvisi', due_on=timezone.localdate(), "
    "status='sent'); print(a.description[:200])"
)
RESET = (
    "from notifications.models import Message, Preference; "
    "Message.objects.filter(period='prova-avvisi').delete(); "
    "Preference.objects.filter(user__username='{person}').delete(); print('{{}}')"
)


def test_a_person_reads_their_notices_and_chooses_how_mail_arrives(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    description = server.manage("shell", "-c", SETUP.format(person=PERSON)).strip().splitlines()[-1]
    page = new_page(PERSON)
    try:
        login(page, PERSON, "/")
        page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Avvisi").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Avvisi")
        notice = page.get_by_role("listitem").filter(has_text="Scadenze in arrivo").first
        expect(notice.get_by_role("heading")).to_have_text("Nuovo Scadenze in arrivo")
        expect(notice.get_by_role("link", name=description)).to_be_visible()
        axe.check(page, "1-notices-new")

        page.reload()
        expect(
            page.get_by_role("listitem").filter(has_text="Scadenze in arrivo").first.get_by_role("heading")
        ).to_have_text("Scadenze in arrivo")
        axe.check(page, "2-notices-read")

        page.get_by_role("main").get_by_role("link", name="profilo", exact=True).click()
        page.get_by_text("un riepilogo al giorno", exact=True).click()  # the label: Bootstrap Italia draws the radio
        page.get_by_role("region", name="Come ricevi gli avvisi").get_by_label("Lingua").select_option("en")
        page.get_by_role("button", name="Salva le preferenze di posta").click()
        expect(page.get_by_role("status").first).to_have_text("Preferenze di posta salvate.")
        expect(page.get_by_label("un riepilogo al giorno")).to_be_checked()
        axe.check(page, "3-profile-preferences")
    finally:
        server.manage("shell", "-c", RESET.format(person=PERSON))
