"""Terminal entries are keyed by a subject (a person, an invitation or a pass), not a person:
visitors' codes are kept on the terminals too. Existing rows become ``person:<id>``."""

import django.db.models.deletion
from django.db import migrations, models


def subjects_of_people(apps, schema_editor):
    entry = apps.get_model("devices", "TerminalEntry")
    for row in entry.objects.filter(subject="").only("pk", "person_id").iterator():
        entry.objects.filter(pk=row.pk).update(subject=f"person:{row.person_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0005_edge_kind"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="terminalentry",
            name="subject",
            field=models.CharField(default="", max_length=64, verbose_name="对象"),
            preserve_default=False,
        ),
        migrations.RunPython(subjects_of_people, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="terminalentry", name="terminal_entry_once"),
        migrations.AlterField(
            model_name="terminalentry",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="people.person",
                verbose_name="人员",
            ),
        ),
        migrations.AddConstraint(
            model_name="terminalentry",
            constraint=models.UniqueConstraint(
                fields=("device", "subject"), name="terminal_entry_subject"
            ),
        ),
        migrations.AddIndex(
            model_name="terminalentry",
            index=models.Index(fields=["subject"], name="terminal_entry_by_subject"),
        ),
        migrations.AlterModelOptions(
            name="terminalentry",
            options={"verbose_name": "终端名单", "verbose_name_plural": "终端名单"},
        ),
    ]
