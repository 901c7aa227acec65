"""Issue 14: the booth's pairing anomalies read from a partial index of the few stays that have
one, not backwards through a site's whole history (2 million sessions: see bench/RESULTS.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vehicles", "0004_plate_capture"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="parkingsession",
            index=models.Index(
                condition=models.Q(("anomaly", ""), _negated=True),
                fields=["site", "id"],
                name="session_anomaly_idx",
            ),
        ),
    ]
