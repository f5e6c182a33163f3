from __future__ import annotations

from plans.models.action_sheet import ActionSheet, ActionSheetIndicator
from plans.models.activity import Activity, WorkItem
from plans.models.imports import PlanImport
from plans.models.indicator import (
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    MeasurementEvidence,
)
from plans.models.organization import Area, Organization, OrganizationRole
from plans.models.plan import Objective, ObjectiveReport, Plan
from plans.models.reopening import PlanReopening
from plans.models.states import OPEN_STATES, PlanState, WorkState

__all__ = [
    "OPEN_STATES",
    "ActionSheet",
    "ActionSheetIndicator",
    "Activity",
    "Area",
    "HistoricalValue",
    "Indicator",
    "IndicatorBaseline",
    "IndicatorMotivation",
    "IndicatorTarget",
    "Measurement",
    "MeasurementEvidence",
    "Objective",
    "ObjectiveReport",
    "Organization",
    "OrganizationRole",
    "Plan",
    "PlanImport",
    "PlanReopening",
    "PlanState",
    "WorkItem",
    "WorkState",
]
