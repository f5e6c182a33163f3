"""Naming a substitute for an absence, and ending it early. Delegations are never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.limits import current_window
from plans.models import Organization, OrganizationRole
from plans.rules import roles_of
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import Delegation
from workflow.separation import SOD_AUDITOR, delegation_refusal, roles_held


def delegation_create(
    *,
    actor: Any,
    organization: Organization,
    substitute: Any,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
) -> Delegation:
    """`actor` names `substitute` for an absence from `starts_on` to `ends_on`: checked (delegation_check), then
    written."""
    delegation_check(
        actor=actor, organization=organization, substitute=substitute, starts_on=starts_on, ends_on=ends_on
    )
    try:
        with transaction.atomic():  # a refused insert rolls back to here, whoever calls
            return Delegation.objects.create(
                organization=organization,
                delegator=actor,
                substitute=substitute,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason,
            )
    except IntegrityError as error:  # the database's trigger: made the auditor since the check
        if SOD_AUDITOR not in str(error):
            raise
        message = _("L'OIV (organismo di valutazione) non può fare da sostituto: scegli un'altra persona.")
        raise InvalidInput(message, code=SOD_AUDITOR, fields={"substitute": [message]}) from error


def delegation_check(
    *, actor: Any, organization: Organization, substitute: Any, starts_on: dt.date, ends_on: dt.date
) -> None:
    """Whether `actor` may name `substitute` for those days: NotVisible, NotAllowed or InvalidInput (with the
    fields) when not. The API and the admin's form ask this before anything is written."""
    if organization.pk not in roles_of(actor).member_of:
        raise NotVisible(_("Ente non trovato."))
    if not roles_held(actor, organization.pk):  # directors and area heads decide: only they have something to delegate
        raise NotAllowed(_("Solo il direttore e i responsabili d'area possono nominare un sostituto."))
    problems: dict[str, list[str]] = {}
    message, code = _("La delega non è valida: correggi i campi indicati."), "invalid"
    if substitute.pk == actor.pk:
        problems["substitute"] = [_("Il sostituto deve essere un'altra persona.")]
    elif organization.pk not in roles_of(substitute).member_of:
        problems["substitute"] = [_("Il sostituto deve far parte dello stesso ente.")]
    else:
        refusal = delegation_refusal(organization.pk, actor, substitute)
        if refusal is not None and refusal.field == "delegator":  # the auditor, who has nothing to delegate
            raise NotAllowed(refusal.message, code=refusal.code)
        if refusal is not None:
            problems["substitute"] = [refusal.message]
            message, code = refusal.message, refusal.code
    if ends_on < starts_on:
        problems["ends_on"] = [_("La fine dell'assenza non può precedere l'inizio.")]
    elif ends_on < timezone.localdate():
        problems["ends_on"] = [_("L'assenza è già finita: indica un periodo in corso o futuro.")]
    window = current_window()  # the bounds of plans.limits, like every date of the workflow
    problems = window.check("starts_on", starts_on) | window.check("ends_on", ends_on) | problems
    if problems:
        raise InvalidInput(message, code=code, fields=problems)


def delegation_revoke(*, actor: Any, delegation: Delegation) -> Delegation:
    """The delegator, or a director of the organization, ends a delegation; the row stays as evidence."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        is_director = OrganizationRole.objects.filter(
            organization_id=delegation.organization_id, user=actor, role=OrganizationRole.Role.DIRECTOR
        ).exists()
        if actor.pk not in (delegation.delegator_id, delegation.substitute_id) and not is_director:
            raise NotVisible(_("Delega non trovata."))
        if actor.pk != delegation.delegator_id and not is_director:
            raise NotAllowed(_("Solo chi ha delegato, o il direttore, può revocare la delega."))
        if delegation.revoked_at is not None:
            raise Conflict(_("La delega è già stata revocata."), code="already_revoked")
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
    return delegation
