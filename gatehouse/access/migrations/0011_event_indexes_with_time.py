"""The event log's foreign keys to the site, the lane and the person indexed with the time only
(issue 18 §4/§5): ``event_lane_at_idx`` (new) serves a gate's or a lane's events of a day, and
the three indexes of a key alone — each covered by its ``(key, at)`` index — go, one index fewer
to write with every decision each.

The database side drops and creates the indexes by name: Django's SQLite schema editor would
rebuild the whole table for a changed ``db_index``, and with it lose the log's append-only
triggers."""

import django.db.models.deletion
from django.db import migrations, models

LANE_AT = models.Index(fields=["lane", "-at"], name="event_lane_at_idx")
COLUMNS = ("site_id", "lane_id", "person_id")


def _own_indexes(schema_editor, model):
    """The names of the single-column, non-unique indexes of ``COLUMNS`` on the log."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in found.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and len(info["columns"]) == 1
        and info["columns"][0] in COLUMNS
        and name != LANE_AT.name
    ]


def forwards(apps, schema_editor):
    model = apps.get_model("access", "AccessEvent")
    for name in _own_indexes(schema_editor, model):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")
    schema_editor.add_index(model, LANE_AT)


def backwards(apps, schema_editor):
    model = apps.get_model("access", "AccessEvent")
    schema_editor.remove_index(model, LANE_AT)
    for column in COLUMNS:
        name = schema_editor._create_index_name(model._meta.db_table, [column])
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} ON "
            f"{schema_editor.quote_name(model._meta.db_table)} ({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0010_event_log_partitions"),
        ("devices", "0007_registry_version"),
        ("people", "0003_campus_kinds_guardianship"),
        ("sites", "0010_event_log_retention"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accessevent",
                    name="lane",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sites.lane",
                        verbose_name="通道",
                    ),
                ),
                migrations.AlterField(
                    model_name="accessevent",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                        verbose_name="人员",
                    ),
                ),
                migrations.AlterField(
                    model_name="accessevent",
                    name="site",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sites.site",
                        verbose_name="场所",
                    ),
                ),
                migrations.AddIndex(model_name="accessevent", index=LANE_AT),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
