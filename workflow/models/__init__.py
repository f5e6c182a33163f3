from __future__ import annotations

from workflow.models.audit import AuditEntry
from workflow.models.delegation import Delegation
from workflow.models.policy import (
    DEFAULT_CHAINS,
    DIRECTOR_RESERVED,
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
from workflow.models.requests import Approval, TransitionRequest

__all__ = [
    "DEFAULT_CHAINS",
    "DIRECTOR_RESERVED",
    "Approval",
    "ApprovalPolicy",
    "AreaHeadSubstitutes",
    "AuditEntry",
    "Chain",
    "Delegation",
    "DirectorSubstitutes",
    "PlanTransition",
    "SeparationPolicy",
    "Step",
    "TargetKind",
    "TransitionName",
    "TransitionRequest",
]
