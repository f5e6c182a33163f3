"""DRF's authtoken table held every API token in clear: the migration that replaces it by knox drops it, with its
permissions."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

DROP = ("web", "0001_drop_clear_text_tokens")


def _tables() -> list[str]:
    return connection.introspection.table_names()


def test_the_migration_drops_the_clear_text_tokens_and_their_permissions(db: None) -> None:
    MigrationExecutor(connection).migrate([("web", None)])  # as before the upgrade
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, created date)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b', 1, now())")
    content_type = ContentType.objects.create(app_label="authtoken", model="token")
    Permission.objects.create(content_type=content_type, codename="view_token", name="Can view token")
    assert "authtoken_token" in _tables()

    MigrationExecutor(connection).migrate([DROP])

    assert "authtoken_token" not in _tables()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
    assert not Permission.objects.filter(codename="view_token").exists()
