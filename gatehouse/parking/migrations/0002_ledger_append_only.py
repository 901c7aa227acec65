"""The ledger is append-only (PK-07): the database itself refuses an UPDATE of a ledger
transaction or entry, and on PostgreSQL a DELETE too. A mistake is corrected by posting a
reversing transaction.

SQLite refuses updates only, as for access events: Django empties SQLite tables row by row
(between transactional tests, and ``flush``), which a delete trigger would stop; PostgreSQL
empties them with TRUNCATE, which fires no row trigger. No code path deletes ledger rows, and
their foreign keys are PROTECT.
"""

from django.db import migrations

TABLES = ("parking_ledgertransaction", "parking_ledgerentry")

SQLITE_UP = """
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: post a reversing transaction');
END;
"""
SQLITE_DOWN = """
DROP TRIGGER IF EXISTS {table}_no_update;
"""

PG_FUNCTION_UP = """
CREATE FUNCTION parking_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: post a reversing transaction';
END;
$$ LANGUAGE plpgsql;
"""
PG_UP = """
CREATE TRIGGER {table}_append_only
BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION parking_ledger_refuse_change();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
PG_FUNCTION_DOWN = "DROP FUNCTION IF EXISTS parking_ledger_refuse_change();"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for statement in SQLITE_UP.format(table=table).split("END;"):
                if statement.strip():
                    schema_editor.execute(statement + "END;")
    elif vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_UP)
        for table in TABLES:
            schema_editor.execute(PG_UP.format(table=table))


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for statement in SQLITE_DOWN.format(table=table).strip().splitlines():
                schema_editor.execute(statement)
    elif vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(PG_DOWN.format(table=table))
        schema_editor.execute(PG_FUNCTION_DOWN)


class Migration(migrations.Migration):
    dependencies = [("parking", "0001_initial")]

    operations = [migrations.RunPython(up, down, elidable=False)]
