"""Asking for a transition on the activity page and deciding it in the approvals inbox (/approvazioni/).

Personas: a staff member of the Area Inclusione asks; the head of that area decides first, the director
second (a staff «rinvia» needs both); the head of the Area Disabili - Anziani is an outsider.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import demo
from tests.browser.axe import Audit
from tests.browser.pages import MyActivity, claim_open_activity, login, postponement_form, request_postponement

pytestmark = pytest.mark.slow

STAFF = "staff-area-inclusione-e-reti-territoriali-1"
OTHER_STAFF = "staff-area-inclusione-e-reti-territoriali-2"
HEAD = "resp-area-inclusione-e-reti-territoriali"
OUTSIDER = "resp-area-disabili-anziani"
OUTSIDER_AREA = "DIS"


def in_days(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def request_card(page: Page, activity: MyActivity) -> Locator:
    """The request of the activity in the inbox (its title is cut at 120 characters)."""
    return page.get_by_role("article").filter(
        has=page.get_by_role(
            "heading", name=re.compile("^Richiesta di rinvio: " + re.escape(activity.description[:80]))
        )
    )


def timeline(page: Page) -> Locator:
    return page.get_by_role("region", name="Storia").get_by_role("listitem")


def state_line(page: Page) -> Locator:
    return page.get_by_text(re.compile(r"^Stato:"))


def test_staff_postponement_is_approved_by_the_area_head_then_the_director(
    new_page: Callable[..., Page], claimed: set[int], axe: Audit
) -> None:
    new_end = in_days(120)
    staff = new_page("staff")
    login(staff, STAFF, "/le-mie-attivita/")
    activity = claim_open_activity(staff, claimed)
    request_postponement(staff, activity, "Il tavolo regionale è slittato.", new_end)
    expect(postponement_form(staff)).to_have_count(0)  # one open request at a time
    axe.check(staff, "1-requested")

    head = new_page("head")
    login(head, HEAD, "/approvazioni/")
    card = request_card(head, activity)
    expect(card).to_contain_text("Il tavolo regionale è slittato.")
    expect(card).to_contain_text("responsabile d'area")
    axe.check(head, "2-head-inbox")
    card.get_by_label("Commento").fill("Va bene per l'area.")
    card.get_by_role("button", name="Approva").click()  # htmx: the card becomes the outcome
    expect(head.get_by_role("status").filter(has_text="Approvata: ora attende direttore")).to_be_visible()
    expect(request_card(head, activity)).to_have_count(0)
    axe.shot(head, "3-head-approved")

    staff.reload()
    expect(staff.get_by_role("status").filter(has_text="Richiesta di rinvio in corso")).to_contain_text(
        "attende direttore"
    )

    # The director decides without JavaScript: the plain form posts and the inbox comes back with a message.
    director = new_page("director", javascript=False)
    login(director, "direttore", "/approvazioni/")
    card = request_card(director, activity)
    expect(card).to_contain_text("direttore")
    card.get_by_label("Commento").fill("Approvato dalla direzione.")
    card.get_by_role("button", name="Approva").click()
    expect(director.get_by_role("status").filter(has_text="Richiesta approvata")).to_be_visible()
    expect(request_card(director, activity)).to_have_count(0)
    axe.shot(director, "4-director-approved")

    staff.reload()
    expect(state_line(staff)).to_contain_text("Rinviato")
    expect(staff.get_by_role("status").filter(has_text="Richiesta in corso")).to_have_count(0)
    expect(staff.get_by_role("definition").filter(has_text=new_end.strftime("%d/%m/%Y"))).to_have_count(1)
    events = timeline(staff)
    expect(events.filter(has_text=re.compile(r"Richiesta \(rinvio\)"))).to_contain_text(
        "Il tavolo regionale è slittato."
    )
    expect(events.filter(has_text="Va bene per l'area.")).to_contain_text("Approvazione (rinvio)")
    expect(events.filter(has_text="Approvato dalla direzione.")).to_contain_text("Approvazione (rinvio)")
    expect(events.filter(has_text=re.compile(r"Cambio di stato \(rinvio\)"))).to_contain_text("→ Rinviato")
    axe.check(staff, "5-rinviato")
    axe.assert_clean()


def test_the_head_of_another_area_neither_sees_the_request_nor_the_activity(
    new_page: Callable[..., Page], claimed: set[int], axe: Audit
) -> None:
    staff = new_page("staff")
    login(staff, OTHER_STAFF, "/le-mie-attivita/")
    activity = claim_open_activity(staff, claimed)
    objective = request_postponement(staff, activity, "Manca il parere dei Comuni.", in_days(60))
    assert OUTSIDER_AREA not in demo.objective_areas(objective), f"{objective} is also of the outsider's area"

    own_head = new_page("own-head")
    login(own_head, HEAD, "/approvazioni/")
    expect(request_card(own_head, activity)).to_have_count(1)

    outsider = new_page("outsider")
    login(outsider, OUTSIDER, "/approvazioni/")
    expect(outsider.get_by_role("heading", level=1, name="Approvazioni")).to_be_visible()
    expect(request_card(outsider, activity)).to_have_count(0)
    expect(outsider.get_by_text(activity.description[:60])).to_have_count(0)
    axe.shot(outsider, "inbox")
    response = outsider.goto(f"/attivita/{activity.pk}/")
    assert response is not None and response.status == 404, response and response.status
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Pagina non trovata")
    expect(outsider.get_by_text(activity.description[:60])).to_have_count(0)
    axe.check(outsider, "activity-404")
    axe.assert_clean()


def refuse_without_comment(head: Page, activity: MyActivity) -> Locator:
    """Click «Respingi» on the activity's request without the comment a rejection needs; its card."""
    card = request_card(head, activity)
    card.get_by_role("button", name="Respingi").click()
    expect(card.get_by_role("alert")).to_contain_text("Per respingere una richiesta scrivi il motivo nel commento.")
    return card


def test_a_rejection_needs_a_comment_and_leaves_the_state_as_it_was(
    new_page: Callable[..., Page], claimed: set[int], axe: Audit
) -> None:
    staff = new_page("staff")
    login(staff, STAFF, "/le-mie-attivita/")
    activity = claim_open_activity(staff, claimed)
    request_postponement(staff, activity, "Serve più tempo.", in_days(30))
    before = state_line(staff).inner_text()

    head = new_page("head")
    login(head, HEAD, "/approvazioni/")
    refuse_without_comment(head, activity)  # htmx swaps the card with the error
    axe.check(head, "1-refused-with-htmx")

    plain = new_page("head-without-htmx")
    plain.route("**/htmx.min.js", lambda route: route.abort())  # the plain form post, as without JavaScript
    login(plain, HEAD, "/approvazioni/")
    card = refuse_without_comment(plain, activity)
    axe.check(plain, "2-refused-without-htmx")
    card.get_by_label("Commento").fill("Prima chiudi le attività precedenti.")
    card.get_by_role("button", name="Respingi").click()
    expect(plain.get_by_role("status").filter(has_text="Richiesta respinta")).to_be_visible()
    expect(request_card(plain, activity)).to_have_count(0)
    axe.shot(plain, "3-rejected")

    staff.reload()
    expect(state_line(staff)).to_have_text(before)
    expect(postponement_form(staff)).to_be_visible()  # no open request any more: it can be asked again
    expect(timeline(staff).filter(has_text="Prima chiudi le attività precedenti.")).to_contain_text("Rifiuto (rinvio)")
    axe.shot(staff, "4-activity-after-rejection")
    axe.assert_clean()
