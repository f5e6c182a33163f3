"""Changing the measurement system (SMVP) of an organization's year: one service per change.

Only the organization's director or the platform operator changes it. Each change is one transaction inside
`recorded_as`, so the audit trail (workflow.AuditEntry, subjects "evaluation.measurementsystem" and
"evaluation.behaviour") holds every version; once the year's system is adopted, a change needs a motivation,
which the trail keeps as the rows' comment. Bad input raises InvalidInput and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem
from plans.freeze import PlanFrozen, frozen_q
from plans.limits import MARGIN_YEARS, DateWindow
from plans.models import Organization, Plan
from plans.rules import roles_of
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.trail.context import Source, recorded_as

# What the director edits on the system's page; the adoption (adopted_on, act) has a service of its own.
EDITABLE_FIELDS = (
    "reached",
    "partial",
    "cap",
    "floor",
    "partial_credit",
    "reached_label",
    "partial_label",
    "missed_label",
    "reached_symbol",
    "partial_symbol",
    "missed_symbol",
    "activities",
    "weight_own_objectives",
    "weight_body",
    "weight_behaviours",
    "behaviour_scale",
)
BEHAVIOUR_FIELDS = ("name", "description", "weight")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MOTIVATION_CHARS = 2000
MAX_BEHAVIOURS = 30


def may_see_system(user: Any, organization_id: int) -> bool:
    """Everybody of the organization reads its system; the platform operator reads every one."""
    return is_platform_operator(user) or organization_id in roles_of(user).member_of


def may_change_system(user: Any, organization_id: int) -> bool:
    return is_platform_operator(user) or organization_id in roles_of(user).director_of


def is_platform_operator(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def measurement_system_save(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    values: Mapping[str, Any],
    behaviours: Sequence[Mapping[str, Any]] | None = None,
    motivation: str = "",
) -> MeasurementSystem:
    """Save the system of `organization` for `year` with `values` (fields of EDITABLE_FIELDS; those not given keep
    their value) and, when given, `behaviours` (dicts of name, description, weight, in order: they replace the
    year's list). The row is created with the defaults if the year had none. Nothing is written when nothing
    changes."""
    _check_actor(actor, organization, year)
    unknown = sorted(set(values) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Campi sconosciuti: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={name: [_("Campo sconosciuto.")] for name in unknown},
        )
    motivation = motivation.strip()
    texts = " ".join(str(value) for behaviour in behaviours or [] for value in behaviour.values())
    _refuse_nul({**values, "motivation": motivation, "behaviours": texts})
    with transaction.atomic():
        system = _locked(organization, year)
        wanted = _behaviours(behaviours) if behaviours is not None else None
        changed = _apply(system, values)
        changed_behaviours = wanted is not None and wanted != _current_behaviours(system)
        if not changed and not changed_behaviours and system.pk is not None:
            return system
        _check_motivation(system, motivation)
        if wanted is not None and changed_behaviours:
            _refuse_losing_submitted_scores(system, wanted)
        with recorded_as(Source.WEB, user=actor, comment=motivation):
            system.save()
            if wanted is not None and changed_behaviours:
                _replace_behaviours(system, wanted)
    return system


def measurement_system_adopt(
    *, actor: Any, organization: Organization, year: int, adopted_on: dt.date, act: str = "", motivation: str = ""
) -> MeasurementSystem:
    """Record the year's system as adopted on `adopted_on` by `act` (the deliberation). From then on every
    change needs a motivation; an adopted system cannot be adopted again."""
    _check_actor(actor, organization, year)
    act = act.strip()
    _refuse_nul({"act": act, "motivation": motivation})
    problems: dict[str, list[str]] = {}
    if not isinstance(adopted_on, dt.date):
        problems["adopted_on"] = [_("Indica la data di adozione.")]
    else:
        problems |= adoption_window(year).check("adopted_on", adopted_on)
    if len(act) > MeasurementSystem._meta.get_field("act").max_length:  # type: ignore[operator]
        problems["act"] = [_("L'atto di adozione è troppo lungo (al massimo 300 caratteri).")]
    if problems:
        raise InvalidInput(_("Il sistema non è stato adottato: correggi i campi indicati."), fields=problems)
    with transaction.atomic():
        system = _locked(organization, year)
        if system.adopted_on is not None:
            raise Conflict(
                _("Il sistema di misurazione %(year)d è già stato adottato il %(date)s.")
                % {"year": year, "date": f"{system.adopted_on:%d/%m/%Y}"}
            )
        system.adopted_on = adopted_on
        system.act = act
        with recorded_as(Source.WEB, user=actor, comment=motivation.strip()):
            system.save()
    return system


def adoption_window(year: int, today: dt.date | None = None) -> DateWindow:
    """The dates the adoption of the system of `year` may carry: from the year before it (or before the current
    year, if earlier) to the year after it (or after the current year, if later), as plans.limits bounds a plan's
    dates. An adopted system is never adopted again: a date of year 1 or 9999 could not be corrected."""
    this_year = (today or timezone.localdate()).year
    first, last = min(year, this_year) - MARGIN_YEARS, max(year, this_year) + MARGIN_YEARS
    why = _("dall'anno prima all'anno dopo quello del sistema, %(year)d, e l'anno in corso") % {"year": year}
    return DateWindow(dt.date(first, 1, 1), dt.date(last, 12, 31), why)


def _refuse_nul(values: Mapping[str, Any]) -> None:
    """PostgreSQL stores no NUL character in a text: refused here, naming the field, rather than failing there."""
    bad = sorted(name for name, value in values.items() if isinstance(value, str) and "\x00" in value)
    if bad:
        raise InvalidInput(_invalid(), fields={name: [_("Il testo contiene un carattere nullo.")] for name in bad})


def _check_actor(actor: Any, organization: Organization, year: int) -> None:
    if not may_see_system(actor, organization.pk):
        raise NotVisible(_("Organizzazione non trovata."))
    if not may_change_system(actor, organization.pk):
        raise NotAllowed(_("Il sistema di misurazione lo modifica il direttore dell'ente."))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            _("L'anno deve essere tra il %(first)d e il %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            fields={"year": [_("Anno non valido.")]},
        )
    _refuse_validated_year(organization, year)


def _refuse_validated_year(organization: Organization, year: int) -> None:
    """The system of a year that a validated plan covers scores that plan: it is frozen with it (plans.freeze),
    or the validated year's scores would move."""
    validated = (
        Plan.objects.filter(frozen_q(), organization=organization, year_start__lte=year, year_end__gte=year)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    if validated is not None:
        raise Conflict(
            _(
                "Il sistema di misurazione del %(year)d misura il piano «%(code)s», validato dall'OIV: non si può "
                "più modificare, perché i punteggi dell'anno validato non cambino. Solo l'amministratore della "
                "piattaforma può riaprire il piano, con una motivazione e l'atto che lo decide."
            )
            % {"year": year, "code": validated},
            code=PlanFrozen.code,
        )


def _locked(organization: Organization, year: int) -> MeasurementSystem:
    found = MeasurementSystem.objects.select_for_update().filter(organization=organization, year=year).first()
    return found or MeasurementSystem(organization=organization, year=year)


def _apply(system: MeasurementSystem, values: Mapping[str, Any]) -> bool:
    """Set `values` on the row and validate it (the model's clean: bands in order, cap at least 100); whether
    anything changed. Raises InvalidInput, the row then being left as it is in the database."""
    changed = False
    for name, value in values.items():
        field = system._meta.get_field(name)
        try:
            value = field.to_python(value)  # type: ignore[union-attr]
        except ValidationError as error:
            raise InvalidInput(_invalid(), fields={name: list(error.messages)}) from error
        if getattr(system, name) != value:
            setattr(system, name, value)
            changed = True
    try:
        system.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        fields = {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
        general = fields.pop("__all__", [])
        raise InvalidInput(" ".join([_invalid(), *general]), fields=fields) from error
    return changed


def _invalid() -> str:
    return _("Il sistema di misurazione non è stato salvato: correggi i campi indicati.")


def _check_motivation(system: MeasurementSystem, motivation: str) -> None:
    if system.pk is not None and system.adopted_on is not None and not motivation:
        raise InvalidInput(
            _(
                "Il sistema di misurazione %(year)d è stato adottato il %(date)s: ogni modifica richiede una "
                "motivazione."
            )
            % {"year": system.year, "date": f"{system.adopted_on:%d/%m/%Y}"},
            fields={"motivation": [_("Scrivi perché il sistema adottato cambia.")]},
        )
    if len(motivation) > MOTIVATION_CHARS:
        raise InvalidInput(
            _invalid(),
            fields={"motivation": [_("Al massimo %(limit)d caratteri.") % {"limit": MOTIVATION_CHARS}]},
        )


def _behaviours(given: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, Decimal]]:
    """The behaviours as (name, description, weight), checked; InvalidInput says which one is wrong."""
    if len(given) > MAX_BEHAVIOURS:
        raise InvalidInput(
            _invalid(), fields={"behaviours": [_("Al massimo %(count)d comportamenti.") % {"count": MAX_BEHAVIOURS}]}
        )
    result = []
    problems: list[str] = []
    for number, item in enumerate(given, start=1):
        name = str(item.get("name") or "").strip()
        description = str(item.get("description") or "").strip()
        try:
            weight = Decimal(str(item.get("weight", 1)).replace(",", "."))
        except InvalidOperation:
            weight = Decimal(-1)
        if not name or len(name) > 200:
            problems.append(_("Comportamento %(n)d: il nome è vuoto o supera 200 caratteri.") % {"n": number})
        # checked before rounding: quantize needs more precision than a huge number (1e309) allows
        if weight.is_finite() and Decimal(0) < weight < Decimal(1000):
            weight = weight.quantize(Decimal("0.01"))
        if not weight.is_finite() or not Decimal(0) < weight < Decimal(1000):
            problems.append(
                _("Comportamento %(n)d: il peso è un numero maggiore di zero e minore di 1000.") % {"n": number}
            )
        result.append((name, description, weight))
    if problems:
        raise InvalidInput(_invalid(), fields={"behaviours": problems})
    return result


def _current_behaviours(system: MeasurementSystem) -> list[tuple[str, str, Decimal]]:
    if system.pk is None:
        return []
    return [(b.name, b.description, b.weight) for b in system.behaviours.order_by("position")]


def _refuse_losing_submitted_scores(system: MeasurementSystem, wanted: list[tuple[str, str, Decimal]]) -> None:
    """A behaviour scored on a sheet already submitted (or acknowledged) keeps its name and its place: removing
    it would delete those scores and renaming it would show them under another behaviour, while the sheet's
    score is frozen. InvalidInput names the behaviours; nothing is written."""
    if system.pk is None:
        return
    names = {position: name for position, (name, _description, _weight) in enumerate(wanted, start=1)}
    touched = [
        behaviour
        for behaviour in system.behaviours.order_by("position")
        if names.get(behaviour.position) != behaviour.name
    ]
    if not touched:
        return
    scored = set(
        BehaviourScore.objects.filter(behaviour__in=touched)
        .exclude(sheet__state=EvaluationSheet.State.DRAFT)
        .values_list("behaviour_id", flat=True)
    )
    refused = [behaviour for behaviour in touched if behaviour.pk in scored]
    if not refused:
        return
    problems = [
        _(
            "«%(name)s» ha punteggi in schede di valutazione già consegnate: non si può eliminare né rinominare "
            "(si possono cambiare la descrizione e il peso, e aggiungere comportamenti in fondo)."
        )
        % {"name": behaviour.name}
        for behaviour in refused
    ]
    raise InvalidInput(" ".join([_invalid(), *problems]), fields={"behaviours": problems})


def _replace_behaviours(system: MeasurementSystem, wanted: list[tuple[str, str, Decimal]]) -> None:
    """Each position keeps its row (the trail shows it changed, not deleted and created again)."""
    existing = {behaviour.position: behaviour for behaviour in system.behaviours.all()}
    for position, (name, description, weight) in enumerate(wanted, start=1):
        behaviour = existing.pop(position, None)
        if behaviour is None:
            Behaviour.objects.create(
                system=system, position=position, name=name, description=description, weight=weight
            )
        elif (behaviour.name, behaviour.description, behaviour.weight) != (name, description, weight):
            behaviour.name, behaviour.description, behaviour.weight = name, description, weight
            behaviour.save(update_fields=["name", "description", "weight"])
    if existing:
        Behaviour.objects.filter(pk__in=[behaviour.pk for behaviour in existing.values()]).delete()
