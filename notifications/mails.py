"""The mails: one small function per kind of message, and one composer that puts a person's messages of a
run into one mail, in their language, as plain text and HTML (templates in templates/notifications/mail/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.calendar import working_days_between
from notifications.links import AnswerClaim, answer_url
from notifications.models import Message
from plans.models import OPEN_STATES, Activity, Objective, WorkItem
from web.links import item_url, request_url
from workflow.models import TransitionRequest


@dataclass
class Line:
    text: str
    link: str = ""
    detail: str = ""


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


def _day(day: dt.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def _item(target: str) -> WorkItem | None:
    kind, _sep, pk = target.partition(":")
    model = {"activity": Activity, "objective": Objective}.get(kind)
    return model.objects.filter(pk=pk).first() if model else None  # type: ignore[attr-defined]


def _describe(item: WorkItem) -> Line:
    """«description» (area, objective), with its deadline and link."""
    objective = item.objective if isinstance(item, Activity) else item
    areas = ", ".join(area.name for area in objective.areas.all())
    name = item.description if isinstance(item, Activity) else item.title
    detail = _("%(objective)s · %(areas)s · scadenza %(end)s") % {
        "objective": objective.code,
        "areas": areas,
        "end": _day(item.planned_end),
    }
    return Line(text=name[:200], link=item_url(item), detail=detail)


def deadline(rows: list[Message], today: dt.date) -> Section:
    return Section(_("Scadenze in arrivo"), [_describe(item) for item in _items(rows)])


def overdue(rows: list[Message], today: dt.date) -> Section:
    return Section(_("Scadenze superate, ancora aperte"), [_describe(item) for item in _items(rows)])


def escalation(rows: list[Message], today: dt.date) -> Section:
    lines = []
    for item in _items(rows):
        line = _describe(item)
        owner = item.owner.get_full_name() or item.owner.username if item.owner else _("nessun referente")
        late = working_days_between(item.planned_end, today) if item.planned_end else 0
        line.detail += " · " + _("referente %(owner)s, %(days)d giorni lavorativi di ritardo") % {
            "owner": owner,
            "days": late,
        }
        lines.append(line)
    return Section(_("Ritardi da seguire nella tua area"), lines)


def director_digest(rows: list[Message], today: dt.date) -> Section:
    organization = rows[0].organization
    late = Activity.objects.filter(
        objective__plan__organization=organization, state__in=OPEN_STATES, planned_end__lt=today
    ).order_by("planned_end", "pk")
    lines = [_describe(activity) for activity in late[:200]]
    title = ngettext(
        "%(count)d scadenza superata in %(organization)s",
        "%(count)d scadenze superate in %(organization)s",
        late.count(),
    ) % {"count": late.count(), "organization": organization.name}
    return Section(title, lines)


def _monitoring_lines(rows: list[Message]) -> list[Line]:
    lines = []
    for row in rows:
        for activity in Activity.objects.filter(pk__in=row.context.get("activities", [])).order_by("pk"):
            line = _describe(activity)
            line.link = answer_url(AnswerClaim(row.context["round"], activity.pk, row.recipient_id))
            lines.append(line)
    return lines


def monitoring(rows: list[Message], today: dt.date) -> Section:
    return Section(_("Monitoraggio mensile: come procedono le tue attività?"), _monitoring_lines(rows))


def monitoring_reminder(rows: list[Message], today: dt.date) -> Section:
    return Section(_("Promemoria: il monitoraggio mensile attende la tua risposta"), _monitoring_lines(rows))


def monitoring_missing(rows: list[Message], today: dt.date) -> Section:
    from django.contrib.auth.models import User

    lines = []
    for row in rows:
        for person_id, activity_ids in row.context.get("missing", {}).items():
            person = User.objects.filter(pk=person_id).first()
            name = (person.get_full_name() or person.username) if person else person_id
            count = len(set(activity_ids))
            lines.append(
                Line(
                    ngettext(
                        "%(name)s non ha risposto su %(count)d attività",
                        "%(name)s non ha risposto su %(count)d attività",
                        count,
                    )
                    % {"name": name, "count": count}
                )
            )
    return Section(_("Monitoraggio mensile: chi non ha ancora risposto"), lines)


def _requests(rows: list[Message]) -> list[TransitionRequest]:
    ids = [int(row.target.partition(":")[2]) for row in rows]
    return list(TransitionRequest.objects.filter(pk__in=ids).select_related("requested_by").order_by("pk"))


def approval_needed(rows: list[Message], today: dt.date) -> Section:
    lines = []
    for request in _requests(rows):
        line = _describe(request.target)
        line.text = _("%(person)s chiede di «%(transition)s»: %(item)s") % {
            "person": request.requested_by.get_full_name() or request.requested_by.username,
            "transition": request.get_transition_display(),
            "item": line.text,
        }
        line.link = request_url(request.pk)
        lines.append(line)
    return Section(_("Richieste che attendono la tua decisione"), lines)


def request_decided(rows: list[Message], today: dt.date) -> Section:
    lines = []
    for request in _requests(rows):
        line = _describe(request.target)
        line.text = _("La richiesta di «%(transition)s» è %(status)s: %(item)s") % {
            "transition": request.get_transition_display(),
            "status": request.get_status_display(),
            "item": line.text,
        }
        decision = request.approvals.order_by("-decided_at").first()
        if decision and decision.comment:
            line.detail += " · " + decision.comment
        lines.append(line)
    return Section(_("Esito delle tue richieste"), lines)


def _items(rows: list[Message]) -> list[WorkItem]:
    return [item for item in (_item(row.target) for row in rows) if item is not None]


SECTIONS: dict[str, Callable[[list[Message], dt.date], Section]] = {
    Message.Kind.DEADLINE: deadline,
    Message.Kind.OVERDUE: overdue,
    Message.Kind.ESCALATION: escalation,
    Message.Kind.DIRECTOR_DIGEST: director_digest,
    Message.Kind.MONITORING: monitoring,
    Message.Kind.MONITORING_REMINDER: monitoring_reminder,
    Message.Kind.MONITORING_MISSING: monitoring_missing,
    Message.Kind.APPROVAL_NEEDED: approval_needed,
    Message.Kind.REQUEST_DECIDED: request_decided,
}


def _language(rows: list[Message]) -> str:
    preference = getattr(rows[0].recipient, "mail_preference", None)
    return preference.language if preference else settings.LANGUAGE_CODE


def compose(rows: list[Message], now: dt.datetime) -> EmailMultiAlternatives:
    """One mail with all of `rows`, which share one recipient, written as of `now`."""
    today = timezone.localdate(now)
    recipient = rows[0].recipient
    if not recipient.email:
        raise ValueError(f"L'utente {recipient.username} non ha un indirizzo e-mail.")
    language = _language(rows)
    with translation.override(language):
        sections = []
        for kind, builder in SECTIONS.items():
            of_kind = [row for row in rows if row.kind == kind]
            if of_kind:
                sections.append(builder(of_kind, today))
        organization = rows[0].organization.name
        subject = (
            sections[0].title if len(sections) == 1 else _("Traguardi: %(count)d avvisi") % {"count": len(sections)}
        )
        context = {
            "person": recipient.get_full_name() or recipient.username,
            "organization": organization,
            "sections": sections,
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": language,
        }
        text = render_to_string("notifications/mail/message.txt", context)
        html = render_to_string("notifications/mail/message.html", context)
    mail = EmailMultiAlternatives(f"[{organization}] {subject}", text, to=[recipient.email])
    mail.attach_alternative(html, "text/html")
    mail.extra_headers["X-Traguardi-Messages"] = ",".join(str(row.pk) for row in rows)
    return mail
