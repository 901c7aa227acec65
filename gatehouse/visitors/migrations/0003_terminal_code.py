"""Invitations and passes carry a random 16-digit terminal code (a terminal's QR reader passes
the QR's text as a card number); existing rows get one here, unique per site."""

import secrets

from django.db import migrations, models

import gatehouse.visitors.tokens


def _code() -> str:
    low = 10**15
    return str(low + secrets.randbelow(9 * low))


def backfill(apps, schema_editor):
    taken: dict[int, set[str]] = {}
    for name in ("Invitation", "Pass"):
        model = apps.get_model("visitors", name)
        for row in model.objects.filter(terminal_code__isnull=True).only("pk", "site_id"):
            used = taken.setdefault(row.site_id, set())
            code = _code()
            while code in used:
                code = _code()
            used.add(code)
            model.objects.filter(pk=row.pk).update(terminal_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("visitors", "0002_booth_answer"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="terminal_code",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="门禁终端码"
            ),
        ),
        migrations.AddField(
            model_name="pass",
            name="terminal_code",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="门禁终端码"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation",
            name="terminal_code",
            field=models.CharField(
                default=gatehouse.visitors.tokens.new_terminal_code,
                editable=False,
                max_length=16,
                verbose_name="门禁终端码",
            ),
        ),
        migrations.AlterField(
            model_name="pass",
            name="terminal_code",
            field=models.CharField(
                default=gatehouse.visitors.tokens.new_terminal_code,
                editable=False,
                max_length=16,
                verbose_name="门禁终端码",
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("site", "terminal_code"), name="invitation_terminal_code_per_site"
            ),
        ),
        migrations.AddConstraint(
            model_name="pass",
            constraint=models.UniqueConstraint(
                fields=("site", "terminal_code"), name="pass_terminal_code_per_site"
            ),
        ),
    ]
