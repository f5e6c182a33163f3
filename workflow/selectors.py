"""Read-side queries of the workflow."""

from __future__ import annotations

from plans.models import Organization
from workflow.models import DEFAULT_CHAINS, ApprovalPolicy, Chain, Step, TargetKind, TransitionName


def approval_chain(organization: Organization, kind: TargetKind, transition: TransitionName) -> tuple[Step, ...]:
    """The approvals that `transition` on an item of `kind` needs in `organization`, in order."""
    configured = (
        ApprovalPolicy.objects.filter(organization=organization, target_kind=kind, transition=transition)
        .values_list("chain", flat=True)
        .first()
    )
    return Chain(configured or DEFAULT_CHAINS[(kind, transition)]).steps
