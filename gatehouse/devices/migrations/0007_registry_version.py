"""The devices' registry version (issue 18 §5): one row, raised by PostgreSQL triggers in the
transaction of every change a device's authentication reads, so that the gate's decision path
may keep devices in memory and still never decide with a stale one (gatehouse.gate.reads)."""

from django.db import migrations, models

VERSION = "devices_deviceregistryversion"
BUMP = "gatehouse_registry_bump"
# (table, its trigger's events and level): a device's row-level update leaves out a heartbeat
# (last_seen_at alone: written once a minute per device by its authentication).
WATCHED = ("sites_site", "sites_gate", "sites_lane")


def forwards(apps, schema_editor):
    apps.get_model("devices", "DeviceRegistryVersion").objects.create(pk=1, n=0)
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the decision path keeps no device in memory (the database is in process)
    run = schema_editor.execute
    run(
        f"CREATE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {VERSION} SET n = n + 1 WHERE id = 1; RETURN NULL; END $$"
    )
    for table in WATCHED:
        run(
            f"CREATE TRIGGER {table}_registry_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
        )
    run(
        "CREATE TRIGGER devices_device_registry_bump AFTER INSERT OR DELETE OR TRUNCATE "
        f"ON devices_device FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
    )
    run(
        "CREATE TRIGGER devices_device_registry_change AFTER UPDATE ON devices_device "
        "FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM "
        f"(to_jsonb(NEW) - 'last_seen_at')) EXECUTE FUNCTION {BUMP}()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    for table in WATCHED:
        run(f"DROP TRIGGER IF EXISTS {table}_registry_bump ON {table}")
    run("DROP TRIGGER IF EXISTS devices_device_registry_bump ON devices_device")
    run("DROP TRIGGER IF EXISTS devices_device_registry_change ON devices_device")
    run(f"DROP FUNCTION IF EXISTS {BUMP}()")


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0006_terminal_entry_subject"),
        ("sites", "0010_event_log_retention"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeviceRegistryVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "设备登记版本",
                "verbose_name_plural": "设备登记版本",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
