"""The individual evaluation sheets, one service per step: the director creates the year's sheets, the evaluator
scores the behaviours and comments, the evaluator submits (the final score is frozen), the evaluated person
acknowledges with optional observations.

Each service checks who may act (NotVisible when the sheet is not theirs to see, NotAllowed when they see it
but the step is someone else's), then the input (InvalidInput, nothing written), then, on the sheet locked
for the transaction, its state (Conflict: someone got there first). The caller's trail context (the pages'
middleware, `recorded_as`) names who changed what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.individual import sheet_score
from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem
from evaluation.selectors import visible_sheets
from plans.models import Area, Organization, OrganizationRole, Plan
from plans.rules import roles_of
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible

COMMENT_LIMIT = 5000


@dataclass
class CreatedSheets:
    sheets: list[EvaluationSheet] = field(default_factory=list)
    existing: int = 0
    directors_without_evaluator: list[Any] = field(default_factory=list)


def sheets_create(*, actor: Any, organization: Organization, year: int) -> CreatedSheets:
    """The director creates the year's sheets: one per area head (a dirigente, evaluated by `actor`) and one per
    director (evaluated on the proposal of the OIV's first member). Sheets that exist are left as they are."""
    _director_of(actor, organization, year)
    directors = list(
        OrganizationRole.objects.filter(organization=organization, role=OrganizationRole.Role.DIRECTOR)
        .select_related("user")
        .order_by("user_id")
    )
    auditors = set(
        OrganizationRole.objects.filter(organization=organization, role=OrganizationRole.Role.AUDITOR).values_list(
            "user_id", flat=True
        )
    )
    oiv = min(auditors, default=None)
    director_ids = {role.user_id for role in directors}
    heads = (
        Area.objects.filter(organization=organization, head__isnull=False)
        .exclude(head__in=director_ids | auditors)
        .order_by("head_id")
        .values_list("head_id", flat=True)
        .distinct()
    )
    wanted: list[tuple[int, str, int]] = [(head, EvaluationSheet.Role.DIRIGENTE, actor.pk) for head in heads]
    result = CreatedSheets()
    for role in directors:
        if oiv is None:
            result.directors_without_evaluator.append(role.user)
        else:
            wanted.append((role.user_id, EvaluationSheet.Role.DIRETTORE, oiv))
    with transaction.atomic():
        _serialize_creations(organization)
        existing = set(
            EvaluationSheet.objects.filter(organization=organization, year=year).values_list("person_id", flat=True)
        )
        for person, role_name, evaluator in wanted:
            if person in existing:
                result.existing += 1
                continue
            result.sheets.append(
                EvaluationSheet.objects.create(
                    organization=organization, year=year, person_id=person, role=role_name, evaluator_id=evaluator
                )
            )
    return result


def sheet_add(*, actor: Any, organization: Organization, year: int, person: Any, role: str) -> EvaluationSheet:
    """The director adds the sheet of one person of the organization (a P.O. who heads no area, say), evaluated
    by her. The director's own sheet is the OIV's: `sheets_create` makes it."""
    _director_of(actor, organization, year)
    problems: dict[str, list[str]] = {}
    person_roles = roles_of(person)
    if role not in {EvaluationSheet.Role.DIRIGENTE, EvaluationSheet.Role.POSIZIONE_ORGANIZZATIVA}:
        problems["role"] = [_("Scegli «dirigente» o «posizione organizzativa».")]
    if organization.pk not in person_roles.member_of:
        problems["person"] = [_("La persona deve far parte dell'ente.")]
    elif person.pk == actor.pk or organization.pk in person_roles.director_of:
        problems["person"] = [_("La scheda del direttore si crea con le schede dell'anno: la valuta l'OIV.")]
    elif organization.pk in person_roles.auditor_of:
        problems["person"] = [_("L'OIV valuta, non è valutato.")]
    if problems:
        raise InvalidInput(_("La scheda non è valida: correggi i campi indicati."), fields=problems)
    with transaction.atomic():
        _serialize_creations(organization)
        if EvaluationSheet.objects.filter(organization=organization, year=year, person=person).exists():
            message = _("Questa persona ha già la scheda del %(year)s.") % {"year": year}
            raise Conflict(message, fields={"person": [message]})
        return EvaluationSheet.objects.create(
            organization=organization, year=year, person=person, role=role, evaluator=actor
        )


def _serialize_creations(organization: Organization) -> None:
    """Two creations of the organization's sheets run one after the other (a double click, two directors), so the
    second sees the first's sheets instead of failing on the unique constraint. FOR NO KEY UPDATE: rows that
    refer to the organization are still written meanwhile."""
    Organization.objects.select_for_update(no_key=True).filter(pk=organization.pk).first()


def _director_of(actor: Any, organization: Organization, year: int) -> None:
    """NotVisible, NotAllowed or InvalidInput unless `actor` directs the organization and a plan covers `year`."""
    roles = roles_of(actor)
    if organization.pk not in roles.member_of:
        raise NotVisible(_("Ente non trovato."))
    if organization.pk not in roles.director_of:
        raise NotAllowed(_("Solo il direttore crea le schede di valutazione dell'anno."))
    if not Plan.objects.filter(organization=organization, year_start__lte=year, year_end__gte=year).exists():
        message = _("Nessun piano dell'ente copre il %(year)s: le schede si creano per un anno dei piani.") % {
            "year": year
        }
        raise InvalidInput(message, fields={"year": [message]})


def _sheet_for(actor: Any, sheet: EvaluationSheet) -> None:
    if not visible_sheets(actor).filter(pk=sheet.pk).exists():
        raise NotVisible(_("Scheda di valutazione non trovata."))


def _locked(sheet: EvaluationSheet, state: str, refusal: str) -> EvaluationSheet:
    """The sheet as stored now, locked until the transaction ends; Conflict unless it is in `state`."""
    current = EvaluationSheet.objects.select_for_update(no_key=True).get(pk=sheet.pk)
    if current.state != state:
        raise Conflict(refusal)
    return current


def _behaviours(sheet: EvaluationSheet) -> tuple[MeasurementSystem | None, list[Behaviour]]:
    system = MeasurementSystem.objects.filter(organization_id=sheet.organization_id, year=sheet.year).first()
    return system, list(system.behaviours.order_by("position")) if system else []


def sheet_evaluate(
    *,
    actor: Any,
    sheet: EvaluationSheet,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    evaluator_comments: str = "",
) -> EvaluationSheet:
    """The evaluator scores the behaviours (behaviour id -> 1..scale, None to clear) with a comment each, and
    writes the sheet's comments. Only on a sheet in preparation; every score is checked before anything is
    written."""
    _sheet_for(actor, sheet)
    if sheet.evaluator_id != actor.pk:
        raise NotAllowed(_("Solo il valutatore della scheda assegna i punteggi e scrive i commenti."))
    comments = comments or {}
    system, behaviours = _behaviours(sheet)
    known = {behaviour.pk for behaviour in behaviours}
    scale = system.behaviour_scale if system else 0
    problems: dict[str, list[str]] = {}
    for behaviour_id, score in scores.items():
        if behaviour_id not in known:
            problems["scores"] = [_("Comportamento non previsto dal sistema di misurazione dell'anno.")]
        elif score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= scale):
            problems[f"score_{behaviour_id}"] = [_("Il punteggio va da 1 a %(scale)s.") % {"scale": scale}]
    for behaviour_id, text in comments.items():
        if behaviour_id not in known:
            problems["scores"] = [_("Comportamento non previsto dal sistema di misurazione dell'anno.")]
        elif len(text) > COMMENT_LIMIT:
            problems[f"comment_{behaviour_id}"] = [_too_long()]
    if len(evaluator_comments) > COMMENT_LIMIT:
        problems["evaluator_comments"] = [_too_long()]
    if problems:
        raise InvalidInput(_("La valutazione non è valida: correggi i campi indicati."), fields=problems)
    with transaction.atomic():
        current = _locked(
            sheet, EvaluationSheet.State.DRAFT, _("La scheda è già stata consegnata: non si modifica più.")
        )
        for behaviour_id, score in scores.items():
            comment = comments.get(behaviour_id, "")
            if score is None:
                BehaviourScore.objects.filter(sheet=current, behaviour_id=behaviour_id).delete()
            else:
                BehaviourScore.objects.update_or_create(
                    sheet=current, behaviour_id=behaviour_id, defaults={"score": score, "comment": comment}
                )
        if current.evaluator_comments != evaluator_comments:
            current.evaluator_comments = evaluator_comments
            current.save(update_fields=["evaluator_comments"])
    return current


def sheet_submit(*, actor: Any, sheet: EvaluationSheet) -> EvaluationSheet:
    """The evaluator submits the sheet: its final score under the year's system is frozen, with the explanation.
    Refused while a behaviour of the system has no score, or when nothing can be scored."""
    _sheet_for(actor, sheet)
    if sheet.evaluator_id != actor.pk:
        raise NotAllowed(_("Solo il valutatore consegna la scheda."))
    with transaction.atomic():
        current = _locked(sheet, EvaluationSheet.State.DRAFT, _("La scheda è già stata consegnata."))
        _refuse_scores_above_scale(current)
        score = sheet_score(current)
        if score.system.weight_behaviours > 0 and any(line.score is None for line in score.behaviours):
            message = _("Assegna un punteggio a ogni comportamento prima di consegnare la scheda.")
            raise InvalidInput(message, code="behaviours_missing")
        if score.frozen_final is None:
            message = _("Nessuna componente della valutazione ha un punteggio: la scheda non si può consegnare.")
            raise InvalidInput(message, code="not_measurable")
        current.submit(score=score.frozen_final, explanation=score.explanation, at=timezone.now())
        current.save()
    return current


def _refuse_scores_above_scale(sheet: EvaluationSheet) -> None:
    """The scale may have been lowered since the evaluator scored: a score above it would count for more than the
    best score on the scale. Refused, naming the behaviours, until the evaluator scores them again."""
    system, _behaviours_of_year = _behaviours(sheet)
    if system is None:
        return
    scale = system.behaviour_scale
    above = BehaviourScore.objects.filter(sheet=sheet, score__gt=scale).select_related("behaviour")
    names = [score.behaviour.name for score in above.order_by("behaviour__position")]
    if names:
        message = _(
            "Il punteggio di %(behaviours)s supera la scala attuale del sistema di misurazione (da 1 a %(scale)s): "
            "assegnalo di nuovo prima di consegnare la scheda."
        ) % {"behaviours": ", ".join(f"«{name}»" for name in names), "scale": scale}
        raise InvalidInput(message, code="score_above_scale")


def sheet_acknowledge(*, actor: Any, sheet: EvaluationSheet, observations: str = "") -> EvaluationSheet:
    """The evaluated person acknowledges the submitted sheet, with their observations if they wish."""
    _sheet_for(actor, sheet)
    if sheet.person_id != actor.pk:
        raise NotAllowed(_("Solo la persona valutata prende visione della scheda."))
    observations = observations.strip()
    if len(observations) > COMMENT_LIMIT:
        raise InvalidInput(_too_long(), fields={"observations": [_too_long()]})
    with transaction.atomic():
        refusal = (
            _("La scheda non è ancora stata consegnata dal valutatore.")
            if sheet.state == EvaluationSheet.State.DRAFT
            else _("Hai già preso visione della scheda.")
        )
        current = _locked(sheet, EvaluationSheet.State.SUBMITTED, refusal)
        current.acknowledge(observations=observations, at=timezone.now())
        current.save()
    return current


def _too_long() -> str:
    return _("Il testo è troppo lungo: al massimo %(limit)s caratteri.") % {"limit": COMMENT_LIMIT}
