"""Write the Relazione sulla Performance of a plan (PDF, DOCX, XLSX) or its open data (CSV, Italian CSV, JSON) to a
file; with --as-of, the intermediate monitoring report as at a date (PDF, DOCX)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from plans.models import Plan
from reports.action_sheets import build_action_sheets, shows_action_sheets
from reports.as_of import build_monitoring
from reports.as_of_dates import parse_as_of
from reports.formats import FORMATS
from reports.relazione import build_relazione, plan_years
from reports.render.monitoring import FORMATS as MONITORING_FORMATS
from reports.sheet_formats import EVERY_FORMAT
from workflow.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Esporta la Relazione sulla Performance di un piano (pdf, docx, xlsx) o i suoi dati aperti "
        "(csv, it.csv, json); con --as-of, il monitoraggio intermedio a una data (pdf, docx)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, metavar="CODICE", help=_("Il codice del piano, ad es. RP-2021."))
        parser.add_argument("--year", metavar="ANNO", help=_("L'anno della relazione, ad es. 2021."))
        parser.add_argument(
            "--as-of",
            metavar="AAAA-MM-GG",
            help=_("Il monitoraggio intermedio a questa data (pdf o docx), ad es. 2026-06-30, invece della relazione."),
        )
        parser.add_argument("--format", required=True, metavar="FORMATO", help=", ".join(FORMATS))
        parser.add_argument("--output", required=True, metavar="FILE", help=_("Il file da scrivere."))
        parser.add_argument(
            "--organization", metavar="SLUG", help=_("L'ente del piano, se più enti hanno un piano con quel codice.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["as_of"] is not None:
            self._monitoring(options)
            return
        if options["year"] is None:
            raise CommandError(
                _("Indica --year ANNO per la Relazione, oppure --as-of AAAA-MM-GG per il monitoraggio intermedio.")
            )
        plan = _plan(options["plan"], options["organization"])
        if shows_action_sheets(plan):  # a Piano di Zona: its sheets' document, as its Relazione links give
            self._sheets(plan, options)
            return
        fmt = FORMATS.get(options["format"].lower().lstrip("."))
        if fmt is None:
            raise CommandError(
                _("Il formato «%(format)s» non è previsto. Usa --format con uno tra: %(known)s.")
                % {"format": options["format"], "known": ", ".join(FORMATS)}
            )
        year = _year(plan, options["year"])
        output = _writable_output(Path(options["output"]))
        content = fmt.render(build_relazione(plan=plan, year=year))
        _write_atomically(output, content)
        self.stdout.write(_("Scritto %(path)s (%(size)d byte).") % {"path": output, "size": len(content)})

    def _sheets(self, plan: Plan, options: dict[str, Any]) -> None:
        sheets_format = EVERY_FORMAT.get(options["format"].lower().lstrip("."))
        if sheets_format is None:
            raise CommandError(
                _("Il piano %(plan)s è fatto di schede del Piano di Zona: usa --format con uno tra: %(known)s.")
                % {"plan": plan.code, "known": ", ".join(EVERY_FORMAT)}
            )
        _year(plan, options["year"])
        output = _writable_output(Path(options["output"]))
        content = sheets_format.render(build_action_sheets(plan=plan))
        _write_atomically(output, content)
        self.stdout.write(_("Scritto %(path)s (%(size)d byte).") % {"path": output, "size": len(content)})

    def _monitoring(self, options: dict[str, Any]) -> None:
        extension = options["format"].lower().lstrip(".")
        if extension not in MONITORING_FORMATS:
            raise CommandError(
                _("Il monitoraggio si esporta in %(known)s: usa --format con uno di questi, non «%(format)s».")
                % {"known": ", ".join(MONITORING_FORMATS), "format": options["format"]}
            )
        plan = _plan(options["plan"], options["organization"])
        try:
            day = parse_as_of(options["as_of"], plan)
        except InvalidInput as error:
            raise CommandError(f"--as-of: {error.message}") from None
        if options["year"] is not None and options["year"].strip() != str(day.year):
            raise CommandError(
                _("--year %(year)s e --as-of %(date)s indicano anni diversi: togli --year, la data dà già l'anno.")
                % {"year": options["year"], "date": options["as_of"]}
            )
        output = _writable_output(Path(options["output"]))
        _content_type, render = MONITORING_FORMATS[extension]
        content = render(build_monitoring(plan=plan, moment=day))
        _write_atomically(output, content)
        self.stdout.write(_("Scritto %(path)s (%(size)d byte).") % {"path": output, "size": len(content)})


def _plan(code: str, organization: str | None) -> Plan:
    plans = Plan.objects.select_related("organization").filter(code=code)
    if organization:
        plans = plans.filter(organization__slug=organization)
    found = list(plans[:2])
    if not found:
        where = _(" nell'ente «%(slug)s»") % {"slug": organization} if organization else ""
        known = ", ".join(Plan.objects.order_by("code").values_list("code", flat=True).distinct()) or _("nessuno")
        raise CommandError(
            _(
                "Il piano «%(code)s» non esiste%(where)s. "
                "Controlla --plan (e --organization); piani esistenti: %(known)s."
            )
            % {"code": code, "where": where, "known": known}
        )
    if len(found) > 1:
        slugs = ", ".join(plans.order_by("organization__slug").values_list("organization__slug", flat=True))
        raise CommandError(
            _("Più enti hanno un piano «%(code)s» (%(slugs)s). Indica quale con --organization SLUG.")
            % {"code": code, "slugs": slugs}
        )
    return found[0]


def _year(plan: Plan, value: str) -> int:
    years = plan_years(plan)
    year = int(value) if value.strip().isdigit() else None
    if year is None or year not in years:
        raise CommandError(
            _("L'anno «%(year)s» non è un anno del piano %(code)s. Indica --year tra %(first)d e %(last)d.")
            % {"year": value, "code": plan.code, "first": years[0], "last": years[-1]}
        )
    return year


def _writable_output(output: Path) -> Path:
    """The output path, checked before any work: its folder must exist and be writable, the path not a folder."""
    folder = output.parent
    if output.is_dir():
        raise CommandError(_("«%(path)s» è una cartella: indica con --output un nome di file.") % {"path": output})
    if not folder.is_dir():
        raise CommandError(
            _("La cartella «%(folder)s» non esiste: creala o indica con --output un percorso esistente.")
            % {"folder": folder}
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(
            _("Non è possibile scrivere nella cartella «%(folder)s»: scegli con --output una cartella scrivibile.")
            % {"folder": folder}
        )
    return output


def _write_atomically(output: Path, content: bytes) -> None:
    """Write a temporary file beside `output` and rename it: a failure never leaves a partial file."""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_write(output, error) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
        # mkstemp creates the file readable by its owner only; give it the permissions of any new file.
        Path(temporary).chmod(0o666 & ~_umask())
        Path(temporary).replace(output)
    except OSError as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise _cannot_write(output, error) from None


def _cannot_write(output: Path, error: OSError) -> CommandError:
    return CommandError(
        _("Impossibile scrivere «%(path)s» (%(error)s): controlla il percorso indicato con --output.")
        % {"path": output, "error": error.strerror or error}
    )


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
