"""DRF's authtoken kept each API token in clear, one per user, forever. Traguardi now uses django-rest-knox (only a
digest is stored, tokens expire): the old table and its permissions go, and clients ask for a new token."""

from django.db import migrations


def forget_authtoken_permissions(apps, schema_editor):
    # Its permissions go with its content type (a cascade), so that the admin offers no permission on a dead model.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(forget_authtoken_permissions, reverse_code=migrations.RunPython.noop),
    ]
