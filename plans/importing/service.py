"""import_plan_file: read, validate and write a plan file, atomically, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from plans.freeze import is_live
from plans.importing.documents import load_json, load_yaml
from plans.importing.errors import Locator, PlanImportError, Problem
from plans.importing.limits import limit_problems
from plans.importing.sync import Counts
from plans.importing.unread import Unread, unread_values
from plans.importing.validation import reference_problems, schema_problems
from plans.importing.word import Identity, Unplaced, WordPlan, draft_of, read_word_plan
from plans.importing.writer import PlanWriter, Progress
from plans.models import Area, Plan
from workflow.trail.context import Source, recorded_as, sealed_at_commit

ENTITY_LABELS = {
    "organization": "ente",
    "areas": "aree",
    "plan": "piano",
    "objectives": "obiettivi",
    "activities": "attività",
    "indicators": "indicatori",
    "baselines": "baseline",
    "history": "valori storici",
    "targets": "valori attesi",
    "measurements": "valori consuntivi",
    "reports": "relazioni",
    "action_sheets": "schede",
    "action_sheet_indicators": "indicatori delle schede",
}


# The entities whose Italian name is feminine: "aree: 1 nuova, 2 aggiornate", never "attività: 0 nuovi".
FEMININE = {"areas", "activities", "baselines", "reports", "action_sheets"}


def _agreeing(stem: str, count: int, feminine: bool) -> str:
    """The adjective agreeing with the count and the gender: nuovo, nuova, nuovi, nuove."""
    return stem + ("a" if feminine else "o") if count == 1 else stem + ("e" if feminine else "i")


@dataclass
class ImportResult:
    plan: Plan
    counts: dict[str, Counts]
    dry_run: bool
    # A live plan's re-import: the change requests made (objective code, request id, applied at once) and what no
    # change request carries (workflow.changes.reimport).
    change_requests: list[tuple[str, int, bool]] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    as_changes: bool = False
    # The values kept as written without a meaning (plans.importing.unread), in the file's order.
    unread: list[Unread] = field(default_factory=list)
    # A Word document's: the cells and tables it could not place (plans.importing.word), and the plan it read, for
    # the office to review before importing it.
    unplaced: list[Unplaced] = field(default_factory=list)
    draft: list[dict[str, Any]] | None = None

    def summary(self) -> str:
        lines = [
            f"Piano {self.plan.code} – {self.plan.title}" + (" (prova: nulla è stato scritto)" if self.dry_run else "")
        ]
        if self.as_changes:
            return "\n".join(lines + self._changes_summary() + self._unread_summary())
        for key, label in ENTITY_LABELS.items():
            counts = self.counts.get(key)
            if counts is None:
                continue
            feminine = key in FEMININE
            line = (
                f"  {label}: {counts.created} {_agreeing('nuov', counts.created, feminine)}, "
                f"{counts.updated} {_agreeing('aggiornat', counts.updated, feminine)}, "
                f"{counts.unchanged} {_agreeing('invariat', counts.unchanged, feminine)}"
            )
            if counts.not_in_file:
                alone = "presente" if counts.not_in_file == 1 else "presenti"
                untouched = _agreeing("toccat", counts.not_in_file, feminine)
                line += f", {counts.not_in_file} {alone} solo nel database (non {untouched})"
            lines.append(line)
        return "\n".join(lines + self._unread_summary())

    def _unread_summary(self) -> list[str]:
        lines = self._unplaced_summary()
        if not self.unread:
            return [*lines, "  valori non interpretati: nessuno"]
        return [
            *lines,
            f"  valori non interpretati, conservati come scritti: {len(self.unread)} (--strict rifiuta il file)",
            *(f"  - {unread}" for unread in self.unread),
        ]

    def _unplaced_summary(self) -> list[str]:
        if self.draft is None:
            return []
        if not self.unplaced:
            return ["  celle non collocate: nessuna"]
        inside = sum(item.inside for item in self.unplaced)
        return [
            f"  celle e tabelle non collocate: {len(self.unplaced)}, di cui {inside} nelle schede degli obiettivi"
            " (--strict rifiuta il documento)",
            *(f"  - {item}" for item in self.unplaced),
        ]

    def _changes_summary(self) -> list[str]:
        lines = [
            f"  il piano è «{self.plan.get_state_display()}»: il file non sovrascrive nulla, le differenze diventano "
            f"richieste di rimodulazione ({len(self.change_requests)})"
        ]
        for code, pk, applied in self.change_requests:
            outcome = "approvata e applicata" if applied else "in attesa di approvazione"
            lines.append(f"  - obiettivo {code}: richiesta n. {pk}, {outcome}")
        if not self.change_requests:
            lines.append("  - nessuna differenza da rimodulare")
        lines += [f"  non importato (una rimodulazione non lo prevede): {what}" for what in self.not_imported]
        return lines


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
                "Usa un file .yaml, .yml, .json, .xlsx o un documento Word .docx.",
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
    actor: Any = None,
    motivation: str = "",
    act: str = "",
    act_date: dt.date | None = None,
    strict: bool = False,
    identity: Identity | None = None,
) -> ImportResult:
    """Import a plan file. Raises PlanImportError, having written nothing, when the file is wrong, or with
    `strict` when a value would be kept as written without a meaning (plans.importing.unread).

    The state of a plan already in the database says what a new import of it does: a draft (or a closed plan) is
    overwritten as the file says; an adopted plan or one in execution is not: the differences become change
    requests proposed by `actor`, with `motivation` (and `act`, for the director's own), see `_as_changes`."""
    path = Path(path)
    word = read_word(path, organization_slug, identity or Identity()) if path.suffix.lower() == ".docx" else None
    document, locate = (word.document, word.locate) if word is not None else load_document(path)
    validate_document(document, locate)
    writer = PlanWriter(
        document,
        locate,
        organization_slug=organization_slug,
        reference_date=reference_date or timezone.localdate(),
        progress=progress,
    )
    unread = unread_values(document, locate, read_time=writer.read_time)  # each time parsed once, for both
    unplaced = [item for item in word.unplaced if item.inside] if word is not None else []
    if strict and (unread or unplaced):
        raise PlanImportError([item.problem() for item in unplaced] + [item.problem() for item in unread])
    with transaction.atomic(), recorded_as(Source.IMPORT, user=actor):
        if dry_run:
            sealed_at_commit()  # rolled back: the body's other writers do not wait for it
        existing = _existing_plan(document, organization_slug)
        # Here the plan's state decides. A validated plan is refused by the freeze (plans.freeze) before this point.
        if existing is not None and is_live(existing):
            result = _as_changes(existing, writer, actor=actor, motivation=motivation, act=act, act_date=act_date)
            result.dry_run = dry_run
        else:
            result = ImportResult(plan=writer.write(), counts=dict(writer.counts), dry_run=dry_run)
        if dry_run:
            transaction.set_rollback(True)
    result.unread = unread
    if word is not None:
        result.unplaced, result.draft = word.unplaced, draft_of(document)
    return result


def read_word(path: Path, organization_slug: str | None, identity: Identity) -> WordPlan:
    """The plan a Word document lays out. A document does not name the body in a form the import can trust: the
    body is the one chosen (`--organization`, the web import's), and its areas are matched by name: the body's
    areas go into the plan as they are, so that an import changes none of them."""
    if not organization_slug:
        raise PlanImportError(
            [
                Problem(
                    "--organization",
                    "un documento Word non indica l'ente in cui importare il piano",
                    "Indica l'ente con --organization SLUG.",
                )
            ]
        )
    fields = ("code", "name", "kind", "head_name", "parent")
    rows = Area.objects.filter(organization__slug=organization_slug).order_by("code")
    areas = [
        {name: value for name, value in zip(fields, row, strict=True) if value}
        for row in rows.values_list("code", "name", "kind", "head_name", "parent__code")
    ]
    return read_word_plan(path, organization_slug=organization_slug, identity=identity, areas=areas)


def _existing_plan(document: Any, organization_slug: str | None) -> Plan | None:
    """The plan the file names, if it exists, locked for the import."""
    slug = organization_slug or document["organization"]["slug"]
    return (
        Plan.objects.select_for_update(of=("self",))
        .filter(organization__slug=slug, code=document["plan"]["code"])
        .first()
    )


def _as_changes(
    plan: Plan, writer: PlanWriter, *, actor: Any, motivation: str, act: str, act_date: dt.date | None
) -> ImportResult:
    # Imported here: the workflow builds on the plans, not the other way round.
    from workflow.changes.reimport import ReimportOutcome, file_changes, propose_changes

    outcome = ReimportOutcome()
    found = file_changes(plan, writer.write, outcome)
    problems = []
    if found and actor is None:
        problems.append(
            Problem(
                "--as",
                f"il piano {plan.code} è «{plan.get_state_display()}»: le differenze del file diventano richieste di "
                "rimodulazione",
                "Indica chi le propone con --as UTENTE (il responsabile d'area dell'obiettivo o il direttore).",
            )
        )
    if found and not motivation.strip():
        problems.append(
            Problem(
                "--motivation",
                "manca la motivazione della rimodulazione",
                "Scrivila con --motivation TESTO (sulla pagina di importazione, nel campo «Motivazione»).",
            )
        )
    if problems:
        raise PlanImportError(problems)
    propose_changes(found, outcome, actor=actor, motivation=motivation, act=act, act_date=act_date)
    if outcome.refusals:
        raise PlanImportError(
            [
                Problem(f"obiettivo {code}", why, "Correggi il file o chiedi la rimodulazione a chi ne ha titolo.")
                for code, why in outcome.refusals
            ]
        )
    return ImportResult(
        plan=plan,
        counts={},
        dry_run=False,
        change_requests=outcome.requests,
        not_imported=outcome.not_imported,
        as_changes=True,
    )
