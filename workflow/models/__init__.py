from __future__ import annotations

from workflow.models.audit import AuditEntry
from workflow.models.policy import (
    DEFAULT_CHAINS,
    DIRECTOR_RESERVED,
    ApprovalPolicy,
    Chain,
    Step,
    TargetKind,
    TransitionName,
)

__all__ = [
    "DEFAULT_CHAINS",
    "DIRECTOR_RESERVED",
    "ApprovalPolicy",
    "AuditEntry",
    "Chain",
    "Step",
    "TargetKind",
    "TransitionName",
]
