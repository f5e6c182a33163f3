"""The trail's table is vacuumed after 10,000 dead rows (workflow/migrations/0011_trail_autovacuum.py): sealing
updates every new row, and an import's dead rows would otherwise slow every commit's seal until a fifth of the
table is dead."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's autovacuum settings"),
]


def test_the_trail_is_vacuumed_after_ten_thousand_dead_rows() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'workflow_auditentry'")
        (options,) = cursor.fetchone()
    assert set(options) == {"autovacuum_vacuum_scale_factor=0.0", "autovacuum_vacuum_threshold=10000"}
