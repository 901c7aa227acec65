"""PostgreSQL: the access event log becomes a table partitioned by month (issue 18 §4;
:mod:`gatehouse.gate.partitions` says what changes and what is kept). It runs after every
foreign key to the log was made ``db_constraint=False`` (access 0009 and the apps' migrations
of the same name), since PostgreSQL cannot reference a partitioned table by ``id``. The rows are
copied in the migration's transaction: on a large log, plan the downtime (README "Production").
SQLite keeps its plain table.
"""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gatehouse.gate.partitions import partition_the_log

    partition_the_log(schema_editor, timezone.now())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gatehouse.gate.partitions import unpartition_the_log

    unpartition_the_log(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0009_event_log_retention"),
        ("campus", "0004_event_log_retention"),
        ("epidemic", "0004_event_log_retention"),
        ("vehicles", "0006_event_log_retention"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
