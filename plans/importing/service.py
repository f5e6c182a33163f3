"""import_plan_file: read, validate and write a plan file, atomically, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from plans.importing.documents import load_json, load_yaml
from plans.importing.errors import Locator, PlanImportError, Problem
from plans.importing.limits import limit_problems
from plans.importing.sync import Counts
from plans.importing.validation import reference_problems, schema_problems
from plans.importing.writer import PlanWriter, Progress
from plans.models import Plan
from workflow.trail.context import Source, recorded_as

ENTITY_LABELS = {
    "organization": "ente",
    "areas": "aree",
    "plan": "piano",
    "objectives": "obiettivi",
    "activities": "attività",
    "indicators": "indicatori",
    "baselines": "baseline",
    "targets": "valori attesi",
    "measurements": "valori consuntivi",
    "reports": "relazioni",
    "action_sheets": "schede",
    "action_sheet_indicators": "indicatori delle schede",
}


@dataclass
class ImportResult:
    plan: Plan
    counts: dict[str, Counts]
    dry_run: bool

    def summary(self) -> str:
        lines = [
            f"Piano {self.plan.code} – {self.plan.title}" + (" (prova: nulla è stato scritto)" if self.dry_run else "")
        ]
        for key, label in ENTITY_LABELS.items():
            counts = self.counts.get(key)
            if counts is None:
                continue
            line = f"  {label}: {counts.created} nuovi, {counts.updated} aggiornati, {counts.unchanged} invariati"
            if counts.not_in_file:
                line += f", {counts.not_in_file} presenti solo nel database (non toccati)"
            lines.append(line)
        return "\n".join(lines)


def load_document(path: Path) -> tuple[Any, Locator]:
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return load_yaml(path)
    if suffix == ".json":
        return load_json(path)
    if suffix == ".xlsx":
        from plans.importing.workbook import load_workbook_document

        return load_workbook_document(path)
    raise PlanImportError(
        [
            Problem(
                path.name,
                f"formato «{suffix or 'senza estensione'}» non riconosciuto",
                "Usa un file .yaml, .yml, .json o .xlsx.",
            )
        ]
    )


def validate_document(document: Any, locate: Locator) -> None:
    problems = schema_problems(document, locate)
    if not problems:
        problems = reference_problems(document, locate) + limit_problems(document, locate)
    if problems:
        raise PlanImportError(problems)


def import_plan_file(
    path: Path | str,
    *,
    organization_slug: str | None = None,
    dry_run: bool = False,
    reference_date: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a plan file. Raises PlanImportError, having written nothing, when the file is wrong."""
    path = Path(path)
    document, locate = load_document(path)
    validate_document(document, locate)
    writer = PlanWriter(
        document,
        locate,
        organization_slug=organization_slug,
        reference_date=reference_date or timezone.localdate(),
        progress=progress,
    )
    with transaction.atomic(), recorded_as(Source.IMPORT):
        plan = writer.write()
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(plan=plan, counts=dict(writer.counts), dry_run=dry_run)
