"""The OIV's validation of a closed plan's Relazione: open (or resume) the draft, save it while working, record the
outcome. Only the body's OIV writes; its director reads; nobody else sees it (NotVisible).

Recording is final and happens in one transaction with its effect: "validata" and "validata con osservazioni"
move the plan from closed to validated through plan_lifecycle.plan_validate; "non validata" leaves it closed, and
a new draft can be opened later (every attempt is kept). The writes are in the audit trail, with the outcome's
observations or motivation as the rows' comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Organization, Plan
from plans.models.states import PlanState
from plans.rules import roles_of
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models.validation import (
    DEFAULT_CRITERIA,
    POSITIVE_OUTCOMES,
    Outcome,
    Validation,
    ValidationCheck,
    ValidationCriterion,
)
from workflow.services.plan_lifecycle import plan_validate
from workflow.trail.context import Source, recorded_as

TEXT_CHARS = 20_000


@dataclass(frozen=True)
class CheckInput:
    result: str  # ValidationCheck.Result value, or "" (not assessed yet)
    note: str = ""


# ----- who sees what -------------------------------------------------------------------------------------------


def can_record(user: Any, plan: Plan) -> bool:
    return plan.organization_id in roles_of(user).auditor_of


def can_read(user: Any, plan: Plan) -> bool:
    roles = roles_of(user)
    return plan.organization_id in roles.auditor_of or plan.organization_id in roles.director_of


def ensure_readable(user: Any, plan: Plan) -> None:
    """The validation is the OIV's and its director's business: to anyone else it does not exist."""
    if not can_read(user, plan):
        raise NotVisible(_("Validazione non trovata."))


def validations_of(plan: Plan) -> QuerySet[Validation]:
    """Every attempt on `plan`, newest first, with the OIV and the checks."""
    return (
        Validation.objects.filter(plan=plan)
        .select_related("auditor", "plan__organization")
        .prefetch_related("checks")
        .order_by("-opened_at", "-pk")
    )


def latest_recorded(plan: Plan, year: int | None = None) -> Validation | None:
    rows = validations_of(plan).exclude(outcome="")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-recorded_at", "-pk").first()


def draft_of(plan: Plan) -> Validation | None:
    return validations_of(plan).filter(outcome="").first()


# ----- the checklist -------------------------------------------------------------------------------------------


def criteria_for(organization: Organization) -> list[ValidationCriterion]:
    """The body's criteria in use; a body without any starts with the guidelines' (DEFAULT_CRITERIA)."""
    criteria = list(ValidationCriterion.objects.filter(organization=organization, active=True))
    if criteria or ValidationCriterion.objects.filter(organization=organization).exists():
        return criteria
    seed_default_criteria(organization)
    return list(ValidationCriterion.objects.filter(organization=organization, active=True))


def seed_default_criteria(organization: Organization) -> None:
    ValidationCriterion.objects.bulk_create(
        [
            ValidationCriterion(organization=organization, position=index, title=title, guidance=guidance)
            for index, (title, guidance) in enumerate(DEFAULT_CRITERIA, start=1)
        ],
        ignore_conflicts=True,
    )


# ----- the services --------------------------------------------------------------------------------------------


def validation_open(*, actor: Any, plan: Plan, source: Source = Source.WEB) -> Validation:
    """The plan's draft, opened now with one check per criterion in use if there is none."""
    ensure_may_record(actor, plan)
    draft = draft_of(plan)
    if draft is not None:
        return draft
    _closed(Plan.objects.get(pk=plan.pk))  # as it is now, not as the caller read it
    try:
        with transaction.atomic(), recorded_as(source, user=actor):
            validation = Validation.objects.create(plan=plan, year=plan.year_end, auditor=actor)
            ValidationCheck.objects.bulk_create(
                [
                    ValidationCheck(
                        validation=validation,
                        criterion=criterion,
                        position=criterion.position,
                        title=criterion.title,
                        guidance=criterion.guidance,
                    )
                    for criterion in criteria_for(plan.organization)
                ]
            )
    except IntegrityError:  # opened at the same moment by another request: theirs is the draft
        pass
    opened = draft_of(plan)
    if opened is None:  # recorded in between
        raise Conflict(_("La validazione è stata appena registrata: ricarica la pagina."))
    return opened


def validation_save(
    *,
    actor: Any,
    plan: Plan,
    checks: Mapping[int, CheckInput],
    observations: str,
    motivation: str = "",
    source: Source = Source.WEB,
) -> Validation:
    """Save the draft while working: each check's result and note (by check id), the observations, the
    motivation. Nothing is final."""
    ensure_may_record(actor, plan)
    validation = validation_open(actor=actor, plan=plan, source=source)
    with transaction.atomic(), recorded_as(source, user=actor):
        locked = _locked_draft(plan, validation)
        _write(locked, checks, observations, motivation)
    return validations_of(plan).get(pk=validation.pk)


def validation_record(
    *,
    actor: Any,
    plan: Plan,
    outcome: str,
    checks: Mapping[int, CheckInput] | None = None,
    observations: str | None = None,
    motivation: str | None = None,
    source: Source = Source.WEB,
) -> Validation:
    """Record the outcome (final). The draft's values, with those given here, must be complete: every criterion
    assessed, observations for "validata con osservazioni", the motivation for "non validata", and "validata"
    only when every criterion is met."""
    ensure_may_record(actor, plan)
    if outcome not in Outcome.values:
        raise InvalidInput(
            _("Scegli l'esito: validata, validata con osservazioni o non validata."),
            fields={"outcome": [_("Esito non riconosciuto.")]},
        )
    validation = validation_open(actor=actor, plan=plan, source=source)
    comment = _("Esito: %(outcome)s") % {"outcome": Outcome(outcome).label}
    with transaction.atomic(), recorded_as(source, user=actor, comment=comment):
        locked = _locked_draft(plan, validation)
        _write(
            locked,
            checks or {},
            locked.observations if observations is None else observations,
            locked.motivation if motivation is None else motivation,
        )
        problems = _incomplete(locked, outcome)
        if problems:
            raise InvalidInput(_("L'esito non è stato registrato: correggi i punti indicati."), fields=problems)
        locked.outcome = outcome
        locked.recorded_at = timezone.now()
        locked.auditor = actor
        locked.save(update_fields=["outcome", "recorded_at", "auditor", "updated_at"])
        if outcome in POSITIVE_OUTCOMES:
            plan_validate(actor=actor, plan=plan, source=source)
    return validations_of(plan).get(pk=validation.pk)


# ----- helpers -------------------------------------------------------------------------------------------------


def ensure_may_record(actor: Any, plan: Plan) -> None:
    """NotVisible to anyone but the OIV and the director, NotAllowed to the director."""
    ensure_readable(actor, plan)
    if not can_record(actor, plan):
        raise NotAllowed(_("La validazione della Relazione la registra l'organismo di valutazione (OIV) dell'ente."))


def _closed(plan: Plan) -> None:
    if plan.state != PlanState.CLOSED:
        state = PlanState(plan.state).label
        raise Conflict(
            _(
                "Il piano è «%(state)s»: l'OIV valida la Relazione di un piano chiuso dal direttore "
                "(consuntivo dell'anno)."
            )
            % {"state": state},
            code="plan_not_closed",
        )


def _locked_draft(plan: Plan, validation: Validation) -> Validation:
    """The draft and its plan, locked; Conflict when the plan is no longer closed or the draft was recorded."""
    locked_plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _closed(locked_plan)
    locked = Validation.objects.select_for_update().get(pk=validation.pk)
    if not locked.is_draft:
        raise Conflict(_("Questa validazione è già stata registrata e non si modifica più."))
    return locked


def _clean_text(value: str, field: str, problems: dict[str, list[str]]) -> str:
    value = value.strip()
    if "\x00" in value or len(value) > TEXT_CHARS:
        problems[field] = [_("Il testo si scrive in al più %(n)s caratteri.") % {"n": TEXT_CHARS}]
    return value


def _write(validation: Validation, checks: Mapping[int, CheckInput], observations: str, motivation: str) -> None:
    problems: dict[str, list[str]] = {}
    observations = _clean_text(observations, "observations", problems)
    motivation = _clean_text(motivation, "motivation", problems)
    rows = {check.pk: check for check in validation.checks.all()}
    changed: list[ValidationCheck] = []
    for pk, given in checks.items():
        check = rows.get(pk)
        if check is None:
            problems[f"checks.{pk}"] = [_("Criterio non presente in questa validazione.")]
            continue
        if given.result not in ("", *ValidationCheck.Result.values):
            problems[f"checks.{pk}.result"] = [_("Scegli soddisfatto, parzialmente soddisfatto o non soddisfatto.")]
            continue
        note = _clean_text(given.note, f"checks.{pk}.note", problems)
        if (check.result, check.note) != (given.result, note):
            check.result, check.note = given.result, note
            changed.append(check)
    if problems:
        raise InvalidInput(_("La validazione non è stata salvata: correggi i campi indicati."), fields=problems)
    if changed:
        ValidationCheck.objects.bulk_update(changed, ["result", "note"])
    validation.observations, validation.motivation = observations, motivation
    validation.updated_at = timezone.now()
    validation.save(update_fields=["observations", "motivation", "updated_at"])


def _incomplete(validation: Validation, outcome: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    checks = list(validation.checks.all())
    for check in checks:
        if not check.result:
            problems[f"checks.{check.pk}.result"] = [
                _("Indica l'esito del criterio «%(title)s».") % {"title": check.title}
            ]
    if outcome == Outcome.VALIDATED and any(c.result and c.result != ValidationCheck.Result.MET for c in checks):
        problems["outcome"] = [
            _(
                "Un criterio non è pienamente soddisfatto: registra «validata con osservazioni» e scrivi le "
                "osservazioni, oppure «non validata» con la motivazione."
            )
        ]
    if outcome == Outcome.WITH_OBSERVATIONS and not validation.observations:
        problems["observations"] = [_("Scrivi le osservazioni: l'esito «validata con osservazioni» le richiede.")]
    if outcome == Outcome.NOT_VALIDATED and not validation.motivation:
        problems["motivation"] = [_("Scrivi perché la Relazione non è validata: l'esito lo richiede.")]
    return problems
