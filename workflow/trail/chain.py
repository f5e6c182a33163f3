"""The hash chain of the audit trail, per organization.

Each row's hash is SHA-256 over the previous row's hash, the row's place in the chain and the row's content,
each column written as text by the same SQL expressions (`BODY`) when the row is sealed and when it is
verified. The database seals rows at commit (a deferred trigger), one organization at a time (an advisory
lock), so the chain follows the order in which transactions committed and never waits on a row lock.

The verification recomputes the hashes in Python from the rows as they are now: a row changed, removed or
inserted by whoever owns the table breaks the chain at that row. Removing the newest rows leaves a shorter
chain that is still whole; `verify_audit` prints each organization's last hash so that it can be kept
elsewhere (for instance in the OIV's validation document) and compared later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from workflow.trail.guards import SEARCH_PATH

TABLE = "public.workflow_auditentry"  # qualified: a temporary table of that name must not stand in
# Separators between the previous hash, the place in the chain and the body, and between the columns.
RECORD, UNIT = "\x1e", "\x1f"
NULL = "\\N"

# The content of a row, column by column, as text: SQL over the row `r`. Times as microseconds since the epoch,
# so that the session's time zone does not matter; JSON as PostgreSQL writes jsonb (keys in its order).
_COLUMNS = (
    "r.id::text",
    "r.organization_id::text",
    "(extract(epoch from r.at) * 1000000)::bigint::text",
    "r.txid::text",
    "r.event",
    "r.subject",
    "r.subject_id::text",
    "r.objective_id::text",
    "r.activity_id::text",
    "r.request_id::text",
    "r.transition",
    "r.from_state",
    "r.to_state",
    "r.actor_id::text",
    "r.on_behalf_of_id::text",
    "r.source",
    "r.comment",
    "r.before::text",
    "r.after::text",
)


def body_of_row(row: str) -> str:
    """SQL for the text of the record `row`'s content, the columns joined by U+001F."""
    columns = (re.sub(r"\br\.", f"{row}.", column) for column in _COLUMNS)
    return " || chr(31) || ".join(f"coalesce({column}, '{NULL}')" for column in columns)


BODY = body_of_row("r")


def chain_hash(prev_hash: str, seq: int, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}{RECORD}{seq}{UNIT}{body}".encode()).hexdigest()


# Stamp: the time and transaction are the database's, and a new row is born sealed only where its transaction
# holds its organization's place in the chain (traguardi_audit_seal_as_written): then its place and hashes are
# worked out here, from the head of the chain as the database has it (rows written earlier by the same statement
# included), whatever the application sent. Every other row waits for the seal at commit.
STAMP_SQL = f"""
CREATE OR REPLACE FUNCTION traguardi_audit_stamp() RETURNS trigger LANGUAGE plpgsql
{SEARCH_PATH} AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    NEW.at := clock_timestamp();
    NEW.txid := txid_current();
    NEW.seq := NULL;
    NEW.prev_hash := '';
    NEW.hash := '';
    IF current_setting('traguardi.sealing', true) = NEW.txid::text || ':' || NEW.organization_id::text THEN
        SELECT a.seq, a.hash INTO last_seq, last_hash FROM {TABLE} a
            WHERE a.organization_id = NEW.organization_id AND a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
        NEW.seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := coalesce(last_hash, '');
        NEW.hash := encode(sha256(convert_to(
            NEW.prev_hash || chr(30) || NEW.seq::text || chr(31) || {body_of_row("NEW")}, 'UTF8')), 'hex');
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS traguardi_audit_stamp ON {TABLE};
CREATE TRIGGER traguardi_audit_stamp BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION traguardi_audit_stamp();
"""

# Sealing as written: from here to its commit, the transaction holds the organization's place in the chain (the
# advisory lock the seal at commit takes), having sealed what it wrote before; its next rows of the organization
# are born sealed, in the order written. For a statement writing thousands of rows (an import, a rollover): each
# sealed at commit cost an UPDATE of the whole row, most of a large import's time. Other writers of the
# organization wait at their commit until this transaction ends, as they waited for its seal. Whoever sets the
# setting by hand without the lock gains nothing: the place and hashes are still the database's, and a place
# taken twice is refused by the chain's unique index.
SEAL_AS_WRITTEN_SQL = f"""
CREATE OR REPLACE FUNCTION traguardi_audit_seal_as_written(org bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN
    IF org IS NULL OR current_setting('traguardi.sealing', true) = txid_current()::text || ':' || org::text THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1414, org::integer);
    PERFORM traguardi_audit_seal(org);
    PERFORM set_config('traguardi.sealing', txid_current()::text || ':' || org::text, true);
END $$;
"""

# Seal: the organization's rows not yet in the chain (at commit, those of the committing transaction: others'
# are not visible), in the order they were written. SECURITY DEFINER: it runs as the table's owner, since the
# application's role may not update the trail at all. The advisory lock orders the organization's committing
# transactions.
SEAL_SQL = f"""
CREATE OR REPLACE FUNCTION traguardi_audit_seal(org bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
DECLARE
    s record;
    last_seq bigint;
    last_hash text;
    ids bigint[] := '{{}}';
    seqs bigint[] := '{{}}';
    prevs text[] := '{{}}';
    hashes text[] := '{{}}';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {TABLE} WHERE organization_id = org AND seq IS NULL) THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1414, org::integer);
    SELECT a.seq, a.hash INTO last_seq, last_hash FROM {TABLE} a
        WHERE a.organization_id = org AND a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0);
    last_hash := coalesce(last_hash, '');
    -- The hashes one after the other (each is the next one's input), then one UPDATE for all the rows: an import
    -- writes hundreds of thousands, and an UPDATE each took most of its commit.
    -- Each row's content is written as text by the query, the loop only chains the hashes.
    FOR s IN SELECT r.id, {BODY} AS body FROM {TABLE} r WHERE r.organization_id = org AND r.seq IS NULL
             ORDER BY r.id LOOP
        last_seq := last_seq + 1;
        ids := ids || s.id;
        seqs := seqs || last_seq;
        prevs := prevs || last_hash;
        last_hash := encode(sha256(convert_to(last_hash || chr(30) || last_seq::text || chr(31) || s.body, 'UTF8')),
            'hex');
        hashes := hashes || last_hash;
    END LOOP;
    UPDATE {TABLE} a SET seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
        FROM unnest(ids, seqs, prevs, hashes) AS u(id, seq, prev_hash, hash)
        WHERE a.id = u.id;
END $$;
CREATE OR REPLACE FUNCTION traguardi_audit_seal_all() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
DECLARE
    org bigint;
BEGIN
    -- Organizations in the order of their ids, so that two transactions that wrote for the same ones take
    -- their locks in the same order and never wait on each other in a circle.
    FOR org IN SELECT DISTINCT organization_id FROM {TABLE} WHERE seq IS NULL ORDER BY 1 LOOP
        PERFORM traguardi_audit_seal(org);
    END LOOP;
END $$;
CREATE OR REPLACE FUNCTION traguardi_audit_seal_row() RETURNS trigger LANGUAGE plpgsql
{SEARCH_PATH} AS $$
BEGIN
    -- The first row's trigger seals every row the transaction wrote; the others find their row sealed. (Asked by
    -- the row's id: the unsealed rows' index still lists every row sealed in this transaction, until it ends.)
    -- A row up to the last id a seal of this transaction saw was sealed by it, without a read: an import's
    -- hundreds of thousands of rows each had one.
    IF NEW.id <= coalesce(nullif(current_setting('traguardi.sealed_up_to', true), '')::bigint, 0) THEN
        RETURN NULL;
    END IF;
    IF (SELECT seq FROM {TABLE} WHERE id = NEW.id) IS NULL THEN
        PERFORM set_config('traguardi.sealed_up_to', coalesce((SELECT max(id) FROM {TABLE}), 0)::text, true);
        PERFORM traguardi_audit_seal_all();
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS traguardi_audit_seal ON {TABLE};
CREATE CONSTRAINT TRIGGER traguardi_audit_seal AFTER INSERT ON {TABLE}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.seq IS NULL) EXECUTE FUNCTION traguardi_audit_seal_row();
"""


def _content_of(row: str) -> str:
    """The row's content columns (every column the hash covers, `_COLUMNS`), as a SQL row of `row`'s values."""
    names = [re.search(r"r\.(\w+)", column).group(1) for column in _COLUMNS]  # type: ignore[union-attr]
    return "ROW(" + ", ".join(f"{row}.{name}" for name in names) + ")"


# Protect: nothing changes or goes, but the one update that seals a new row (its content untouched, compared
# column by column). The exception is the trigger's condition, evaluated without calling a function: an import's
# seal updates hundreds of thousands of rows, and a call for each took a tenth of its commit.
PROTECT_SQL = f"""
CREATE OR REPLACE FUNCTION traguardi_audit_protect() RETURNS trigger LANGUAGE plpgsql
{SEARCH_PATH} AS $$
BEGIN
    RAISE EXCEPTION 'Cannot update or delete rows from %: the audit trail is append-only', TG_TABLE_NAME;
END $$;
DROP TRIGGER IF EXISTS traguardi_audit_protect ON {TABLE};
CREATE TRIGGER traguardi_audit_protect BEFORE UPDATE ON {TABLE}
    FOR EACH ROW WHEN (NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL
        AND ({_content_of("NEW")}) IS NOT DISTINCT FROM ({_content_of("OLD")})))
    EXECUTE FUNCTION traguardi_audit_protect();
DROP TRIGGER IF EXISTS traguardi_audit_protect_remove ON {TABLE};
CREATE TRIGGER traguardi_audit_protect_remove BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION traguardi_audit_protect();
"""

CHAIN_SQL = STAMP_SQL + SEAL_SQL + SEAL_AS_WRITTEN_SQL + PROTECT_SQL


def seal_pending() -> None:
    """Seal the committed rows that are not in the chain yet (rows written before the chain existed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT traguardi_audit_seal_all()")


def settled_head(organization_id: int) -> tuple[int, str] | None:
    """The place and hash of the row at the head of the organization's chain ((0, "") for an empty one) when none
    of its rows waits to be sealed, else None; None too where there is no trail (SQLite). Every change to the
    organization's data adds a row to its chain (workflow.trail.tracking) and the commit seals it: while the head
    stays where it was, what was read of the organization then is what is there now. The hash tells this chain's
    head from another database's at the same place (a restored copy, another installation). One query on the
    chain's (organization, seq) index."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT ARRAY[seq::text, hash] FROM {TABLE} WHERE organization_id = %s AND seq IS NOT NULL"
            f" ORDER BY seq DESC LIMIT 1),"
            f" EXISTS (SELECT 1 FROM {TABLE} WHERE organization_id = %s AND seq IS NULL)",
            [organization_id, organization_id],
        )
        head, unsealed = cursor.fetchone()
    if unsealed:
        return None
    return (int(head[0]), head[1]) if head else (0, "")


@dataclass(frozen=True)
class Break:
    """Where an organization's chain stops holding: the row, and what is wrong with it."""

    row_id: int
    seq: int | None
    problem: str


@dataclass(frozen=True)
class Verdict:
    organization_id: int
    rows: int
    last_seq: int
    last_hash: str
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _rows(organization_id: int, after_seq: int, size: int) -> list[tuple[int, int, str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, r.seq, r.prev_hash, r.hash, {BODY} FROM {TABLE} r "
            "WHERE r.organization_id = %s AND r.seq > %s ORDER BY r.seq LIMIT %s",
            [organization_id, after_seq, size],
        )
        return list(cursor.fetchall())


def _chain(organization_id: int, size: int) -> Iterator[tuple[int, int, str, str, str]]:
    after = 0
    while batch := _rows(organization_id, after, size):
        yield from batch
        after = batch[-1][1]


def verify(organization_id: int, *, batch: int = 5000) -> Verdict:
    """Recompute an organization's chain from its rows as they are now; the first row that does not hold."""
    expected_seq, previous, count = 1, "", 0
    for row_id, seq, prev_hash, stored, body in _chain(organization_id, batch):
        problem = ""
        if seq != expected_seq:
            problem = f"missing rows {expected_seq}–{seq - 1}" if seq > expected_seq else "duplicate position"
        elif prev_hash != previous:
            problem = "previous hash does not match"
        elif chain_hash(previous, seq, body) != stored:
            problem = "content altered"
        if problem:
            return Verdict(organization_id, count, expected_seq - 1, previous, Break(row_id, seq, problem))
        expected_seq, previous, count = seq + 1, stored, count + 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id) FROM {TABLE} WHERE organization_id = %s AND seq IS NULL", [organization_id])
        unsealed = cursor.fetchone()[0]
    broken = Break(unsealed, None, "not sealed") if unsealed is not None else None
    return Verdict(organization_id, count, expected_seq - 1, previous, broken)
