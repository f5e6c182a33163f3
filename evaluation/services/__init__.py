"""The evaluation's services: the measurement system (system.py) and the individual evaluation sheets
(sheets.py), one service per change."""

from evaluation.services.sheets import (
    COMMENT_LIMIT,
    CreatedSheets,
    sheet_acknowledge,
    sheet_add,
    sheet_evaluate,
    sheet_submit,
    sheets_create,
)
from evaluation.services.system import (
    EDITABLE_FIELDS,
    FIRST_YEAR,
    LAST_YEAR,
    MOTIVATION_CHARS,
    may_change_system,
    may_see_system,
    measurement_system_adopt,
    measurement_system_save,
)

__all__ = [
    "COMMENT_LIMIT",
    "EDITABLE_FIELDS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MOTIVATION_CHARS",
    "CreatedSheets",
    "may_change_system",
    "may_see_system",
    "measurement_system_adopt",
    "measurement_system_save",
    "sheet_acknowledge",
    "sheet_add",
    "sheet_evaluate",
    "sheet_submit",
    "sheets_create",
]
