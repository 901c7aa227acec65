"""The event register's text search (``/registers/events/?q=…``) gets trigram indexes on
PostgreSQL (issue 18 §4): ``icontains`` is ``UPPER(col::text) LIKE UPPER('%…%')``, which no
b-tree can serve; a GIN trigram index on the same expression can, one per searched column, and
the planner ORs them (BitmapOr). ``pg_trgm`` is a trusted extension (PostgreSQL ≥ 13): the
database's owner may create it. SQLite has no such index and keeps its scan (its sites are small).
"""

from django.db import migrations

COLUMNS = ("subject", "credential_masked", "reason", "message")


def _index(column: str) -> str:
    return f"event_{column}_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON access_accessevent "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("access", "0007_devicerequest_device_no_own_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
