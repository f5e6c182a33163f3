"""Rows of every model the admin shows, in the Comune di Aurelia, for the attacks of tests/admin/.

`build_aurelia_rows` gives, for each model, rows that belong to Aurelia (built on the small world of
tests/workflow/world.py). The enumeration test fails for a registered model without rows here, so a new
admin (local or third-party) comes with its Aurelia rows: add them to `_third_party_rows` or below.

`ADD_TWEAKS` changes what a copy of the first Aurelia row needs changed to be a valid new row (unique
codes, one-to-one people); the payload is built from the row in memory, so a tweak may also free a unique
slot in the database (say, delete the Aurelia row of a one-row-per-organization model) and return {}. The
test proves each add payload valid by having the platform operator post it first (rolled back): a payload
refused for being a duplicate would prove nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from evaluation.models import Behaviour, BehaviourScore, EvaluationSheet, MeasurementSystem, ScoreSnapshot
from notifications.feeds import calendar_feed_for
from notifications.models import (
    BodySettings,
    CalendarFeed,
    LegalCalendar,
    LegalDeadline,
    LegalDeadlineYear,
    Message,
    MonitoringAnswer,
    MonitoringRound,
    Preference,
)
from plans.models import (
    ActionSheet,
    ActionSheetIndicator,
    HistoricalValue,
    IndicatorBaseline,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    MeasurementEvidence,
    ObjectiveReport,
    OrganizationRole,
    WorkState,
)
from reports.models import RelazioneChapter, ReportExport
from tests.workflow.world import World
from workflow.models import (
    ApprovalPolicy,
    AuditEntry,
    Delegation,
    SeparationPolicy,
    TransitionRequest,
    ValidationCriterion,
)
from workflow.models.policy import Chain, TargetKind, TransitionName
from workflow.services import item_avvia, item_concludi

Rows = dict[type[Model], list[Model]]


def make_it_office_director(world: World) -> User:
    """Erica, director of Borgo, given staff access by an IT office that granted her every model permission
    through a group: the worst a careless IT office can do. Her address is Borgo's, so that any "aurelia"
    on her admin pages is a leak."""
    office = Group.objects.create(name="Ufficio informatico di Borgo")
    office.permissions.set(Permission.objects.all())
    erica = world.erica
    erica.is_staff = True
    erica.email = "erica@borgo.example"
    erica.save()
    erica.groups.add(office)
    return erica


def build_aurelia_rows(world: World) -> Rows:
    plan, objective, activity, indicator = world.plan, world.objective, world.activity, world.indicator
    measured = Measurement.objects.create(indicator=indicator, year=2026, raw="40", recorded_by=world.sara)
    item_avvia(actor=world.sara, item=activity)
    pending = item_concludi(actor=world.sara, item=activity).request
    sheet = ActionSheet.objects.create(plan=plan, code="AZ-1", title="Sportello unico", area=world.social)
    month = dt.date(2026, 5, 1)
    monitoring = MonitoringRound.objects.create(organization=world.aurelia, month=month, planned_on=month)
    personnel = Group.objects.create(name="Ufficio personale di Aurelia")
    world.sara.groups.add(personnel)
    rows: Rows = {
        world.aurelia._meta.model: [world.aurelia],
        OrganizationRole: list(OrganizationRole.objects.filter(organization=world.aurelia)),
        world.social._meta.model: [world.social, world.technical],
        plan._meta.model: [plan],
        objective._meta.model: [objective, world.transversal],
        activity._meta.model: [activity, world.second_activity],
        indicator._meta.model: [indicator],
        IndicatorTarget: [IndicatorTarget.objects.create(indicator=indicator, year=2026, raw="100")],
        IndicatorBaseline: [
            IndicatorBaseline.objects.create(
                indicator=indicator, year=2025, raw="80", kind="number", value=80, source="Registro di Aurelia 2025"
            )
        ],
        HistoricalValue: [
            HistoricalValue.objects.create(
                indicator=indicator, year=2024, raw="70", kind="number", value=70, source="Relazione di Aurelia 2024"
            )
        ],
        Measurement: [measured],
        MeasurementEvidence: [
            MeasurementEvidence.objects.create(
                measurement=measured,
                file=ContentFile(b"Registro degli accessi di Aurelia", name="registro-aurelia.txt"),
                name="registro-aurelia.txt",
                content_type="text/plain",
                size=33,
                uploaded_by=world.sara,
            )
        ],
        IndicatorMotivation: [
            IndicatorMotivation.objects.create(
                indicator=indicator, year=2026, text="Sportelli di Aurelia chiusi per lavori", written_by=world.anna
            )
        ],
        ObjectiveReport: [ObjectiveReport.objects.create(objective=objective, date=month, text="Avviata la mappatura")],
        ActionSheet: [sheet],
        ActionSheetIndicator: [ActionSheetIndicator.objects.create(sheet=sheet, position=1, text="Accessi")],
        AuditEntry: list(AuditEntry.objects.filter(organization=world.aurelia)),
        TransitionRequest: [pending],
        ApprovalPolicy: [
            ApprovalPolicy.objects.create(
                organization=world.aurelia,
                target_kind=TargetKind.ACTIVITY,
                transition=TransitionName.AVVIA,
                chain=Chain.AREA_HEAD,
            )
        ],
        SeparationPolicy: [SeparationPolicy.objects.create(organization=world.aurelia)],
        ValidationCriterion: [
            ValidationCriterion.objects.create(organization=world.aurelia, position=1, title="Coerenza ad Aurelia")
        ],
        MeasurementSystem: [system := MeasurementSystem.objects.create(organization=world.aurelia, year=2026)],
        Behaviour: [behaviour := Behaviour.objects.create(system=system, position=1, name="Orientamento al risultato")],
        EvaluationSheet: [
            evaluated := EvaluationSheet.objects.create(
                organization=world.aurelia, year=2026, person=world.anna, evaluator=world.diana
            ),
            EvaluationSheet.objects.create(
                organization=world.aurelia,
                year=2026,
                person=world.diana,
                role=EvaluationSheet.Role.DIRETTORE,
                evaluator=world.otto,
            ),
        ],
        BehaviourScore: [
            BehaviourScore.objects.create(sheet=evaluated, behaviour=behaviour, score=4, comment="Puntuale ad Aurelia")
        ],
        ScoreSnapshot: [
            ScoreSnapshot.objects.create(
                plan=plan,
                year=2026,
                computed_at=timezone.now(),
                body_level="non_misurabile",
                data={"year": 2026, "body": {"explanation": "Punteggi di Aurelia"}, "areas": [], "objectives": []},
            )
        ],
        Delegation: [
            Delegation.objects.create(
                organization=world.aurelia,
                delegator=world.anna,
                substitute=world.bruno,
                starts_on=month,
                ends_on=dt.date(2026, 5, 31),
                reason="Ferie",
            )
        ],
        Message: [
            Message.objects.create(
                kind=Message.Kind.DEADLINE,
                organization=world.aurelia,
                recipient=world.sara,
                target=f"activity:{activity.pk}",
                period="2026-06-30/14",
                due_on=month,
                status=Message.Status.FAILED,
                last_error="550 casella di Aurelia inesistente",
            )
        ],
        Preference: [Preference.objects.create(user=world.sara)],
        MonitoringRound: [monitoring],
        MonitoringAnswer: [
            MonitoringAnswer.objects.create(
                round=monitoring,
                activity=activity,
                respondent=world.sara,
                state=WorkState.AVVIATO,
                progress=40,
                note="Metà degli sportelli di Aurelia mappati",
            )
        ],
        CalendarFeed: [calendar_feed_for(world.sara), calendar_feed_for(world.diana)],
        LegalCalendar: [LegalCalendar.objects.create(organization=world.aurelia, lead_days="45,10")],
        BodySettings: [BodySettings.objects.create(organization=world.aurelia, reminder_leads="10,2", digest_hour=7)],
        LegalDeadlineYear: [
            LegalDeadlineYear.objects.create(
                organization=world.aurelia,
                deadline=LegalDeadline.PIANO,
                year=2027,
                due_on=dt.date(2027, 3, 1),
                note="Bilancio di Aurelia approvato a gennaio",
            )
        ],
        ReportExport: [
            ReportExport.objects.create(
                plan=plan, year=2026, fmt="pdf", requested_by=world.diana, requested_at=timezone.now()
            )
        ],
        RelazioneChapter: [
            RelazioneChapter.objects.create(
                plan=plan, year=2026, kind="presentation", text="Il Comune di Aurelia presenta", written_by=world.diana
            )
        ],
        User: [world.users[name] for name in ("diana", "anna", "bruno", "sara", "tommaso", "otto")],
        Group: [personnel],
    }
    rows.update(_third_party_rows(world))
    return {model: [stored(row) for row in found] for model, found in rows.items()}


def stored(row: Model) -> Model:
    """The row as stored now (not refresh_from_db: DRF's token proxy answers `pk` with its user's id)."""
    attname = row._meta.pk.attname
    return type(row)._default_manager.get(**{attname: getattr(row, attname)})


def _third_party_rows(world: World) -> Rows:
    """The admins registered with config.admin.register_platform_only(), with their Aurelia rows: django-otp's
    devices (knox's and django-axes' admins are off: web/admin.py, AXES_ENABLE_ADMIN)."""
    return {TOTPDevice: [TOTPDevice.objects.create(user=world.sara, name="app", confirmed=True)]}


def _activity_position(world: World) -> dict[str, Any]:
    return {"position": 9}


def _free_the_baseline_slot(world: World) -> dict[str, Any]:
    """One baseline per indicator: the add form can only create the indicator's once its row is gone."""
    IndicatorBaseline.objects.filter(indicator=world.indicator).delete()
    return {}


def _free_the_legal_calendar_slot(world: World) -> dict[str, Any]:
    """One legal calendar per organization: the add form can only create Aurelia's once its row is gone."""
    LegalCalendar.objects.filter(organization=world.aurelia).delete()
    return {}


def _free_the_settings_slot(world: World) -> dict[str, Any]:
    """One settings row per organization: the add form can only create Aurelia's once its row is gone."""
    BodySettings.objects.filter(organization=world.aurelia).delete()
    return {}


def _free_the_policy_slot(world: World) -> dict[str, Any]:
    """One separation policy per organization: the add form can only create Aurelia's once its row is gone."""
    SeparationPolicy.objects.filter(organization=world.aurelia).delete()
    return {}


ADD_TWEAKS: dict[str, Callable[[World], dict[str, Any]]] = {
    "plans.Organization": lambda world: {"slug": "aurelia-bis", "name": "Comune di Aurelia bis"},
    "plans.OrganizationRole": lambda world: {"user": world.tommaso.pk},
    "plans.Area": lambda world: {"code": "SOC-2", "slug": "sociale-2"},
    "plans.Plan": lambda world: {"code": "PEG-2027"},
    "plans.Objective": lambda world: {"code": "SOC-9"},
    "plans.Activity": _activity_position,
    "plans.Indicator": _activity_position,
    "plans.IndicatorTarget": lambda world: {"year": 2027},
    "plans.IndicatorBaseline": _free_the_baseline_slot,
    "plans.HistoricalValue": lambda world: {"year": 2023},
    "plans.IndicatorMotivation": lambda world: {"year": 2027},
    "reports.RelazioneChapter": lambda world: {"kind": "context"},
    "plans.ObjectiveReport": lambda world: {"date": "2026-06-01"},
    "plans.ActionSheet": lambda world: {"code": "AZ-2"},
    "plans.ActionSheetIndicator": _activity_position,
    "workflow.ApprovalPolicy": lambda world: {"transition": TransitionName.RIPRENDI.value},
    "workflow.SeparationPolicy": _free_the_policy_slot,
    "workflow.ValidationCriterion": lambda world: {"title": "Sinteticità ad Aurelia"},
    "evaluation.MeasurementSystem": lambda world: {"year": 2027},
    "evaluation.Behaviour": lambda world: {"position": 2},
    "evaluation.EvaluationSheet": lambda world: {"person": world.bruno.pk},
    "evaluation.BehaviourScore": lambda world: {"sheet": EvaluationSheet.objects.get(person=world.diana).pk},
    "notifications.Preference": lambda world: {"user": world.tommaso.pk},
    "notifications.MonitoringRound": lambda world: {"month": "2026-06-01"},
    "notifications.LegalCalendar": _free_the_legal_calendar_slot,
    "notifications.BodySettings": _free_the_settings_slot,
    "notifications.LegalDeadlineYear": lambda world: {"year": 2028},
    "auth.User": lambda world: {
        "username": "sara-bis",
        "password1": "Una-Password-Lunga-1",
        "password2": "Una-Password-Lunga-1",
    },
    "auth.Group": lambda world: {"name": "Ufficio personale di Aurelia (bis)"},
}
