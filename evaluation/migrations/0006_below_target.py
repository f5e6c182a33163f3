from decimal import Decimal

from django.db import migrations, models


def read_below_target(apps, schema_editor):
    """The snapshots already stored get their list from their own scores (each indicator's percent), so that the
    homes do not say "none below target" until the next refresh."""
    ScoreSnapshot = apps.get_model("evaluation", "ScoreSnapshot")
    for snapshot in ScoreSnapshot.objects.only("pk", "data").iterator(chunk_size=50):
        below = [
            indicator["indicator"]
            for objective in snapshot.data.get("objectives", [])
            for indicator in objective.get("indicators", [])
            if indicator.get("percent") is not None and Decimal(indicator["percent"]) < 100
        ]
        if below:
            ScoreSnapshot.objects.filter(pk=snapshot.pk).update(below_target=below)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0005_weights_not_negative"),
    ]

    operations = [
        migrations.AddField(
            model_name="scoresnapshot",
            name="below_target",
            field=models.JSONField(default=list, verbose_name="indicatori sotto il traguardo"),
        ),
        migrations.RunPython(read_below_target, migrations.RunPython.noop),
    ]
