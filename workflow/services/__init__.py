"""Every write of the workflow goes through these services: the API, the admin, the pages and the tasks
call the same functions."""

from __future__ import annotations

from workflow.services.core import Outcome
from workflow.services.decisions import approval_approve, approval_reject, request_withdraw
from workflow.services.delegations import delegation_check, delegation_create, delegation_revoke
from workflow.services.measurements import measurement_record
from workflow.services.transitions import item_avvia, item_concludi, item_riapri, item_rinvia, item_riprendi

__all__ = [
    "Outcome",
    "approval_approve",
    "approval_reject",
    "delegation_check",
    "delegation_create",
    "delegation_revoke",
    "item_avvia",
    "item_concludi",
    "item_riapri",
    "item_rinvia",
    "item_riprendi",
    "measurement_record",
    "request_withdraw",
]
