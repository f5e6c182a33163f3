"""Import plans from the interchange format (YAML, JSON) and from the XLSX workbook."""

from __future__ import annotations

from plans.importing.errors import PlanImportError, Problem
from plans.importing.service import ImportResult, import_plan_file

__all__ = ["ImportResult", "PlanImportError", "Problem", "import_plan_file"]
