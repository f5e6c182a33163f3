from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from plans.models import Organization
from workflow.models import AuditEntry
from workflow.trail.chain import Verdict, verify

PROBLEMS = {
    "content altered": "il contenuto non corrisponde alla sua impronta: la voce è stata modificata",
    "previous hash does not match": "l'impronta precedente non è quella della voce che la precede",
    "duplicate position": "la posizione nel registro è ripetuta",
    "not sealed": "la voce non è stata sigillata nella catena (inserita aggirando i controlli del database)",
}


def _problem(code: str) -> str:
    if code.startswith("missing rows"):
        return f"mancano le voci {code.removeprefix('missing rows ')}: sono state cancellate"
    return PROBLEMS.get(code, code)


class Command(BaseCommand):
    help = (
        "Ricalcola la catena di impronte del registro delle operazioni di ogni ente (o di uno solo) e indica la "
        "prima voce che non corrisponde. Esce con codice 1 se una catena è interrotta."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", metavar="SLUG", help="Verifica solo l'ente indicato.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "La catena del registro esiste solo su PostgreSQL: questo database è "
                f"{connection.vendor}, non c'è niente da verificare."
            )
        organizations = Organization.objects.order_by("slug")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"Nessun ente con identificativo «{options['organization']}».")
        broken = [verdict for verdict in map(self._verify, organizations) if not verdict.intact]
        if broken:
            raise CommandError(f"Registro alterato in {len(broken)} ente/i: vedi sopra la prima voce che non torna.")

    def _verify(self, organization: Organization) -> Verdict:
        verdict = verify(organization.pk)
        if verdict.broken is None:
            self.stdout.write(
                f"{organization.slug}: {verdict.rows} voci, catena integra; "
                f"ultima voce n. {verdict.last_seq}, impronta {verdict.last_hash or '—'}"
            )
            return verdict
        entry = AuditEntry.objects.filter(pk=verdict.broken.row_id).first()
        when = f" del {timezone.localtime(entry.at):%d/%m/%Y %H:%M:%S}" if entry else ""
        position = f"n. {verdict.broken.seq}" if verdict.broken.seq is not None else "senza posizione"
        self.stderr.write(
            f"{organization.slug}: catena interrotta alla voce {position} (id {verdict.broken.row_id}{when}): "
            f"{_problem(verdict.broken.problem)}. Le {verdict.rows} voci precedenti sono integre "
            f"(ultima impronta valida {verdict.last_hash or '—'})."
        )
        return verdict
