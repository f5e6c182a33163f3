"""Domain errors of the workflow. Each carries a machine code, an Italian message for people and the HTTP
status the API answers with; the services raise them, the API turns them into its one error shape."""

from __future__ import annotations

from typing import ClassVar


class WorkflowError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}


class InvalidInput(WorkflowError):
    """400: what was sent is wrong; `fields` says where."""


class NotAllowed(WorkflowError):
    """403: the caller sees the item but may not do this."""

    status = 403
    default_code = "permission_denied"


class NotVisible(WorkflowError):
    """404: the caller may not see the item, which is the same as it not existing."""

    status = 404
    default_code = "not_found"


class Conflict(WorkflowError):
    """409: the item's state does not allow it now, or someone else got there first."""

    status = 409
    default_code = "conflict"
