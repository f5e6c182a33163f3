from __future__ import annotations

from workflow.models.audit import AuditEntry
from workflow.models.delegation import Delegation
from workflow.models.policy import (
    DEFAULT_CHAINS,
    DIRECTOR_RESERVED,
    TRANSITION_NOUNS,
    ApprovalPolicy,
    AreaHeadSubstitutes,
    Chain,
    DirectorSubstitutes,
    PlanTransition,
    SeparationPolicy,
    Step,
    TargetKind,
    TransitionName,
)
from workflow.models.requests import RIMODULA, Approval, TransitionRequest
from workflow.models.validation import Outcome, Validation, ValidationCheck, ValidationCriterion
from workflow.models.versions import PlanVersion

__all__ = [
    "DEFAULT_CHAINS",
    "DIRECTOR_RESERVED",
    "RIMODULA",
    "TRANSITION_NOUNS",
    "Approval",
    "ApprovalPolicy",
    "AreaHeadSubstitutes",
    "AuditEntry",
    "Chain",
    "Delegation",
    "DirectorSubstitutes",
    "Outcome",
    "PlanTransition",
    "PlanVersion",
    "SeparationPolicy",
    "Step",
    "TargetKind",
    "TransitionName",
    "TransitionRequest",
    "Validation",
    "ValidationCheck",
    "ValidationCriterion",
]
