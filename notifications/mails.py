"""The mails: one small function per kind of message, and one composer that puts a person's messages of a
run into one mail, in their language, as plain text and HTML (templates in templates/notifications/mail/).

What the mails of a batch name (work items with their objective, areas and owner, requests with their
requester and decisions, people, each digest's late activities) is read once for the whole batch by
`Lookup.load`: composing a mail then makes no query at all.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.policy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.policy import Policy

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.forecasting import latest_forecasts
from evaluation.models import ObjectiveForecast
from notifications.calendar import working_days_between
from notifications.legal_reminders import describe as describe_legal
from notifications.links import AnswerClaim, answer_url
from notifications.models import Message
from notifications.page_links import (
    document_job_url,
    item_url,
    legal_calendar_url,
    notices_url,
    profile_url,
    request_url,
)
from notifications.unsubscribe import less_mail_url
from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Objective, WorkItem
from reports.models import ReportExport
from workflow.models import Approval, TransitionRequest


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


def _pk_of(target: str) -> int:
    """12 for "request:12" (0 when the target names no id)."""
    _kind, _sep, pk = target.partition(":")
    return int(pk) if pk.isdigit() else 0


def _ids(rows: Iterable[Message], kind: str) -> set[int]:
    """The ids in targets such as "activity:12", of one kind."""
    targets = (row.target.partition(":") for row in rows)
    return {int(pk) for prefix, _sep, pk in targets if prefix == kind and pk.isdigit()}


@dataclass
class Lookup:
    """Everything the mails of some rows name, read in a few queries instead of a few per mail."""

    activities: dict[int, Activity] = field(default_factory=dict)
    objectives: dict[int, Objective] = field(default_factory=dict)
    requests: dict[int, TransitionRequest] = field(default_factory=dict)
    people: dict[int, User] = field(default_factory=dict)
    late: dict[int, tuple[int, list[Activity]]] = field(default_factory=dict)  # organization → count, first 200
    forecasts: dict[int, ObjectiveForecast] = field(default_factory=dict)  # objective → its latest forecast
    exports: dict[int, ReportExport] = field(default_factory=dict)  # the prepared documents the mails announce

    @classmethod
    def load(cls, rows: Iterable[Message], today: dt.date) -> Lookup:
        rows = list(rows)
        activity_ids = _ids(rows, "activity")
        for row in rows:
            if row.kind in (Message.Kind.MONITORING, Message.Kind.MONITORING_REMINDER):
                activity_ids.update(int(pk) for pk in row.context.get("activities", []))
            elif row.kind == Message.Kind.MONITORING_MISSING:  # read for the send-time check (staleness)
                activity_ids.update(int(pk) for ids in row.context.get("missing", {}).values() for pk in ids)
        requests = TransitionRequest.objects.filter(pk__in=_ids(rows, "request")).select_related(
            "requested_by", "activity__objective", "activity__owner", "objective__owner"
        )
        requests = requests.prefetch_related(
            "activity__objective__areas",
            "objective__areas",
            Prefetch("approvals", queryset=Approval.objects.order_by("-decided_at"), to_attr="latest_first"),
        )
        person_ids = {
            int(person)
            for row in rows
            if row.kind == Message.Kind.MONITORING_MISSING
            for person in row.context.get("missing", {})
        }
        activities = Activity.objects.filter(pk__in=activity_ids).select_related("objective__plan", "owner")
        warned = {
            int(pk) for row in rows if row.kind == Message.Kind.FORECAST for pk in row.context.get("objectives", [])
        }
        objectives = Objective.objects.filter(pk__in=_ids(rows, "objective") | warned).select_related("plan", "owner")
        return cls(
            activities={item.pk: item for item in activities.prefetch_related("objective__areas")},
            objectives={item.pk: item for item in objectives.prefetch_related("areas")},
            requests={request.pk: request for request in requests},
            people={person.pk: person for person in User.objects.filter(pk__in=person_ids)},
            late={
                organization: _late(organization, today)
                for organization in {row.organization_id for row in rows if row.kind == Message.Kind.DIRECTOR_DIGEST}
            },
            forecasts=_forecasts(warned),
            exports={
                export.pk: export
                for export in ReportExport.objects.filter(pk__in=_ids(rows, "export"))
                .select_related("plan")
                .defer("content")
            },
        )

    def item(self, target: str) -> WorkItem | None:
        kind, _sep, pk = target.partition(":")
        if not pk.isdigit():
            return None
        if kind == "activity":
            return self.activities.get(int(pk))
        return self.objectives.get(int(pk)) if kind == "objective" else None

    def items(self, rows: list[Message]) -> list[WorkItem]:
        return [item for item in (self.item(row.target) for row in rows) if item is not None]


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


def deadline(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    return Section(_("Scadenze in arrivo"), [_describe(item) for item in lookup.items(rows)])


def overdue(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    return Section(_("Scadenze superate, ancora aperte"), [_describe(item) for item in lookup.items(rows)])


def escalation(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    lines = []
    for item in lookup.items(rows):
        line = _describe(item)
        owner = item.owner.get_full_name() or item.owner.username if item.owner else _("nessun referente")
        late = working_days_between(item.planned_end, today) if item.planned_end else 0
        line.detail += " · " + _("referente %(owner)s, %(days)d giorni lavorativi di ritardo") % {
            "owner": owner,
            "days": late,
        }
        lines.append(line)
    return Section(_("Ritardi da seguire nella tua area"), lines)


def _late(organization_id: int, today: dt.date) -> tuple[int, list[Activity]]:
    """How many open activities of the organization's live plans are past their deadline, and the first 200."""
    late = Activity.objects.filter(
        live_q("objective__plan__"),
        objective__plan__organization_id=organization_id,
        state__in=OPEN_STATES,
        planned_end__lt=today,
    ).order_by("planned_end", "pk")
    return late.count(), list(late.select_related("objective").prefetch_related("objective__areas")[:200])


def director_digest(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    organization = rows[0].organization
    count, late = lookup.late.get(organization.pk) or _late(organization.pk, today)
    title = ngettext(
        "%(count)d scadenza superata in %(organization)s",
        "%(count)d scadenze superate in %(organization)s",
        count,
    ) % {"count": count, "organization": organization.name}
    return Section(title, [_describe(activity) for activity in late])


def _forecasts(objective_ids: set[int]) -> dict[int, ObjectiveForecast]:
    """The latest forecast of each of these objectives: one query, none without objectives."""
    if not objective_ids:
        return {}
    found = latest_forecasts(Objective.objects.filter(pk__in=objective_ids))
    return {forecast.objective_id: forecast for forecast in found}


def forecast(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    """The objectives likely to miss (evaluation.forecast), each with the forecast's reasons."""
    lines = []
    for pk in sorted({int(pk) for row in rows for pk in row.context.get("objectives", [])}):
        objective, found = lookup.objectives.get(pk), lookup.forecasts.get(pk)
        if objective is None:
            continue  # deleted since the warning was planned
        line = _describe(objective)
        if found is not None:
            line.detail += " · " + _("previsione del %(day)s: %(why)s") % {
                "day": _day(found.date),
                "why": found.explanation,
            }
        lines.append(line)
    title = ngettext(
        "%(count)d obiettivo rischia di mancare il traguardo",
        "%(count)d obiettivi rischiano di mancare il traguardo",
        len(lines),
    ) % {"count": len(lines)}
    return Section(title, lines)


def _monitoring_lines(rows: list[Message], lookup: Lookup) -> list[Line]:
    lines = []
    for row in rows:
        for pk in sorted({int(pk) for pk in row.context.get("activities", [])}):
            activity = lookup.activities.get(pk)
            if activity is None:
                continue  # deleted since the request was planned
            line = _describe(activity)
            line.link = answer_url(AnswerClaim(row.context["round"], activity.pk, row.recipient_id))
            lines.append(line)
    return lines


def monitoring(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    return Section(_("Monitoraggio mensile: come procedono le tue attività?"), _monitoring_lines(rows, lookup))


def monitoring_reminder(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    return Section(_("Promemoria: il monitoraggio mensile attende la tua risposta"), _monitoring_lines(rows, lookup))


def monitoring_missing(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    lines = []
    for row in rows:
        for person_id, activity_ids in row.context.get("missing", {}).items():
            person = lookup.people.get(int(person_id))
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


def _requests(rows: list[Message], lookup: Lookup) -> list[TransitionRequest]:
    ids = sorted(_ids(rows, "request"))
    return [lookup.requests[pk] for pk in ids if pk in lookup.requests]


def approval_needed(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    lines = [_asked(request) for request in _requests(rows, lookup)]
    return Section(_("Richieste che attendono la tua decisione"), lines)


def _waiting(row: Message) -> str:
    """ " · in attesa dal 03/12/2026 (4 giorni lavorativi)", from what the scan wrote in the row."""
    since = dt.date.fromisoformat(row.context["since"])
    waited = int(row.context.get("waited", 0))
    days = ngettext("%(count)d giorno lavorativo", "%(count)d giorni lavorativi", waited) % {"count": waited}
    return _(" · in attesa dal %(since)s (%(days)s)") % {"since": _day(since), "days": days}


def _asked(request: TransitionRequest) -> Line:
    line = _describe(request.target)
    line.text = _("%(person)s chiede %(what)s: %(item)s") % {
        "person": request.requested_by.get_full_name() or request.requested_by.username,
        "what": request.transition_with_article,
        "item": line.text,
    }
    line.link = request_url(request.pk)
    return line


def _waiting_lines(rows: list[Message], lookup: Lookup, where: str = "") -> list[Line]:
    """Each waiting request the rows name: who asks what, then `where` it waits and since when."""
    lines = []
    for row in sorted(rows, key=lambda row: _pk_of(row.target)):
        request = lookup.requests.get(_pk_of(row.target))
        if request is not None:
            line = _asked(request)
            line.detail += where + _waiting(row)
            lines.append(line)
    return lines


def approval_reminder(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    """The requests that have waited for the recipient's decision longer than the body allows."""
    return Section(_("Sollecito: richieste che attendono da giorni la tua decisione"), _waiting_lines(rows, lookup))


def approval_escalation(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    """For a director: the requests waiting at an area head's step longer than the body allows."""
    lines = _waiting_lines(rows, lookup, _(" · attende il responsabile d'area"))
    return Section(_("Richieste ferme presso i responsabili d'area"), lines)


def request_decided(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    lines = []
    for request in _requests(rows, lookup):
        line = _describe(request.target)
        line.text = _("La richiesta di %(what)s è %(status)s: %(item)s") % {
            "what": request.transition_noun,
            "status": request.get_status_display(),
            "item": line.text,
        }
        decision = next(iter(request.latest_first), None)  # type: ignore[attr-defined]
        if decision and decision.comment:
            line.detail += " · " + decision.comment
        lines.append(line)
    return Section(_("Esito delle tue richieste"), lines)


def legal_deadline(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    """The deadlines of the cycle the law sets (notifications.legal_calendar), soonest first."""
    lines = []
    for row in sorted(rows, key=lambda row: (row.context["due"], row.target)):
        text, detail = describe_legal(row, today)
        lines.append(Line(text=text, link=legal_calendar_url(), detail=detail))
    return Section(_("Scadenze di legge del ciclo della performance"), lines)


def document_ready(rows: list[Message], today: dt.date, lookup: Lookup) -> Section:
    """The documents the person asked for that a worker has prepared, each with the link to its page."""
    lines = []
    for pk in sorted(_ids(rows, "export")):
        export = lookup.exports.get(pk)
        if export is None:
            continue
        text = _("%(document)s (%(format)s) del piano %(code)s è pronto da scaricare.") % {
            "document": export.document,
            "format": export.fmt.upper(),
            "code": export.plan.code,
        }
        lines.append(Line(text=text, link=document_job_url(export.plan_id, export.pk), detail=export.filename))
    return Section(_("I documenti che hai chiesto sono pronti"), lines)


SECTIONS: dict[str, Callable[[list[Message], dt.date, Lookup], Section]] = {
    Message.Kind.DEADLINE: deadline,
    Message.Kind.OVERDUE: overdue,
    Message.Kind.ESCALATION: escalation,
    Message.Kind.DIRECTOR_DIGEST: director_digest,
    Message.Kind.FORECAST: forecast,
    Message.Kind.MONITORING: monitoring,
    Message.Kind.MONITORING_REMINDER: monitoring_reminder,
    Message.Kind.MONITORING_MISSING: monitoring_missing,
    Message.Kind.APPROVAL_NEEDED: approval_needed,
    Message.Kind.APPROVAL_REMINDER: approval_reminder,
    Message.Kind.APPROVAL_ESCALATION: approval_escalation,
    Message.Kind.REQUEST_DECIDED: request_decided,
    Message.Kind.LEGAL_DEADLINE: legal_deadline,
    Message.Kind.DOCUMENT_READY: document_ready,
}


def _language(rows: list[Message]) -> str:
    preference = getattr(rows[0].recipient, "mail_preference", None)
    return preference.language if preference else settings.LANGUAGE_CODE


class AutomaticMail(EmailMultiAlternatives):
    """Headers written on one line up to RFC 5322's 998 characters. Folded at 78, Python's email package may break
    a subject right after a space and before an encoded word ("le tue ⏎ =?utf-8?q?attivit=C3=A0?="): every
    reader then decodes "le tue  attività", with two spaces (seen through a real SMTP server)."""

    def message(self, *, policy: Policy | None = None) -> email.message.EmailMessage:
        """Built with the sender's policy (the parts keep their 76-character encoded lines), generated with one
        that folds headers only past 998 characters."""
        built = super().message(policy=policy or email.policy.default)
        built.policy = built.policy.clone(max_line_length=998)
        return built


def compose(rows: list[Message], now: dt.datetime, lookup: Lookup | None = None) -> EmailMultiAlternatives:
    """One mail with all of `rows`, which share one recipient, written as of `now`. `lookup` holds what they
    name when a batch was read at once (`Lookup.load`); without it their own are read here."""
    today = timezone.localdate(now)
    recipient = rows[0].recipient
    if not recipient.email:
        raise ValueError(f"L'utente {recipient.username} non ha un indirizzo e-mail.")
    language = _language(rows)
    less_mail = less_mail_url(recipient)
    lookup = lookup if lookup is not None else Lookup.load(rows, today)
    with translation.override(language):
        sections = []
        for kind, builder in SECTIONS.items():
            of_kind = [row for row in rows if row.kind == kind]
            if of_kind:
                sections.append(builder(of_kind, today, lookup))
        organization = rows[0].organization.name
        subject = (
            sections[0].title if len(sections) == 1 else _("Traguardi: %(count)d avvisi") % {"count": len(sections)}
        )
        context = {
            "person": recipient.get_full_name() or recipient.username,
            "organization": organization,
            "sections": sections,
            "site_url": settings.SITE_URL,
            "notices_url": notices_url(),
            "profile_url": profile_url(),
            "less_mail_url": less_mail,
            "LANGUAGE_CODE": language,
        }
        text = render_to_string("notifications/mail/message.txt", context)
        html = render_to_string("notifications/mail/message.html", context)
    mail = AutomaticMail(f"[{organization}] {subject}", text, to=[recipient.email])
    mail.attach_alternative(html, "text/html")
    mail.extra_headers["X-Traguardi-Messages"] = ",".join(str(row.pk) for row in rows)
    mail.extra_headers.update(automatic_headers(less_mail))
    return mail


def automatic_headers(less_mail: str) -> dict[str, str]:
    """What tells mail systems this is an automatic mail with a way to get less of it (RFC 2369's List-Unsubscribe,
    to the daily digest), and no automatic replies (RFC 3834; Exchange's X-Auto-Response-Suppress), bulk for
    filters. The one-click POST (RFC 8058) only over HTTPS, as the RFC requires: an installation served over plain
    HTTP offers the page, where the person confirms."""
    headers = {
        "List-Unsubscribe": f"<{less_mail}>",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
        "X-Auto-Response-Suppress": "All",
    }
    if less_mail.startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers
