"""A body's timings, read in one place: its own settings (notifications.models.BodySettings) where it set them,
the installation's (config/settings.py, from the environment) where it did not.

Every scan, the dispatcher and the pages read a body's timings through `timings_for` (many bodies, one query) or
`timings_of` (one body); nobody reads the settings' environment values or the model's fields directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from notifications.models import BodySettings
from notifications.schedule import NOT_LIVE, Rules
from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Objective, Organization
from plans.rules import roles_of


def parse_leads(text: str) -> tuple[int, ...]:
    """ "14, 7,1" → (14, 7, 1): distinct, largest first (the model's validator has checked the form)."""
    return tuple(sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True))


@dataclass(frozen=True)
class Timings:
    """What one body waits before each of its reminders, in working days (the digest hour apart)."""

    reminder_leads: tuple[int, ...]
    escalation_after: int
    monitoring_reminder_after: int
    monitoring_missing_after: int
    approval_reminder_after: int
    approval_escalation_after: int
    digest_hour: int

    @property
    def deadline_rules(self) -> Rules:
        """The rules of the deadline reminders (notifications.schedule)."""
        return Rules(leads=self.reminder_leads, escalate_after=self.escalation_after)


def installation_timings() -> Timings:
    """The installation's values: what a body that set nothing gets."""
    return Timings(
        reminder_leads=tuple(sorted(set(settings.REMINDER_LEAD_WORKING_DAYS), reverse=True)),
        escalation_after=settings.ESCALATION_AFTER_WORKING_DAYS,
        monitoring_reminder_after=settings.MONITORING_REMINDER_AFTER_WORKING_DAYS,
        monitoring_missing_after=settings.MONITORING_MISSING_AFTER_WORKING_DAYS,
        approval_reminder_after=settings.APPROVAL_REMINDER_AFTER_WORKING_DAYS,
        approval_escalation_after=settings.APPROVAL_ESCALATION_AFTER_WORKING_DAYS,
        digest_hour=settings.DAILY_DIGEST_HOUR,
    )


NUMBERS = (
    "escalation_after",
    "monitoring_reminder_after",
    "monitoring_missing_after",
    "approval_reminder_after",
    "approval_escalation_after",
    "digest_hour",
)


def resolve(row: BodySettings | None, defaults: Timings) -> Timings:
    """The body's row over the installation's values, field by field."""
    if row is None:
        return defaults
    values = {name: getattr(row, name) for name in NUMBERS}
    return Timings(
        reminder_leads=parse_leads(row.reminder_leads) or defaults.reminder_leads,
        **{name: getattr(defaults, name) if value is None else value for name, value in values.items()},
    )


def timings_for(organization_ids: Iterable[int]) -> dict[int, Timings]:
    """Each of these bodies' timings, in one query (none when no id is given)."""
    ids = set(organization_ids)
    defaults = installation_timings()
    rows = {row.organization_id: row for row in BodySettings.objects.filter(organization_id__in=ids)} if ids else {}
    return {pk: resolve(rows.get(pk), defaults) for pk in ids}


def timings_of(organization: Organization | int) -> Timings:
    pk = organization if isinstance(organization, int) else organization.pk
    return timings_for([pk])[pk]


# ------------------------------------------------------------------------------ changing them


def may_change_settings(user: Any, organization_id: int) -> bool:
    """The body's director, or the platform's operator (a superuser)."""
    return bool(user.is_superuser or organization_id in roles_of(user).director_of)


EDITABLE = ("reminder_leads", *NUMBERS)


@transaction.atomic
def save_body_settings(*, organization: Organization, values: dict[str, Any], patron_saint_day: str) -> BodySettings:
    """Store the body's timings (blank or None: the installation's) and its patron saint's day. When what the
    deadline reminders are counted from changed (their leads, the escalation, the patron saint), the open items'
    next reminder day is worked out again by the next scan; an item of a plan that is not live stays parked."""
    before = timings_of(organization).deadline_rules, organization.patron_saint_day
    row, _created = BodySettings.objects.get_or_create(organization=organization)
    for name in EDITABLE:
        setattr(row, name, values.get(name) if name != "reminder_leads" else (values.get(name) or "").strip())
    row.full_clean()
    row.save()
    if organization.patron_saint_day != patron_saint_day:
        organization.patron_saint_day = patron_saint_day
        organization.save(update_fields=["patron_saint_day"])
    if (timings_of(organization).deadline_rules, patron_saint_day) != before:
        recount_reminders(organization)
    return row


def recount_reminders(organization: Organization) -> None:
    """Hand the body's open items of its live plans back to the next scan, which works out their next reminder
    day under the body's rules as they are now (a day worked out under the old ones could skip a new lead)."""
    for model, path in ((Activity, "objective__plan__"), (Objective, "plan__")):
        items = model.objects.filter(live_q(path), state__in=OPEN_STATES, **{f"{path}organization": organization})
        items.exclude(next_reminder_on=NOT_LIVE).exclude(next_reminder_on=None).update(next_reminder_on=None)
