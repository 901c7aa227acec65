"""Access events are append-only: the database itself refuses an UPDATE of a row.

Deletes are not blocked by a trigger (test databases are flushed row by row on SQLite); every
foreign key to an event's referents is PROTECT and no code path deletes events.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER access_accessevent_append_only
BEFORE UPDATE ON access_accessevent
BEGIN
    SELECT RAISE(ABORT, 'access events are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS access_accessevent_append_only;"

PG_UP = """
CREATE FUNCTION access_accessevent_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_accessevent_append_only
BEFORE UPDATE ON access_accessevent
FOR EACH ROW EXECUTE FUNCTION access_accessevent_refuse_update();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS access_accessevent_append_only ON access_accessevent;
DROP FUNCTION IF EXISTS access_accessevent_refuse_update();
"""


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]

    operations = [migrations.RunPython(up, down, elidable=False)]
