"""``manage.py import_people --site donghu people.xlsx [--dry-run]``: bulk onboarding from a shell.

Prints what was created, or every row error as a table, and exits with status 1 on errors.
``--template out.xlsx`` writes the blank template instead.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.people.onboarding import (
    ImportResult,
    RowError,
    import_people_xlsx,
    template_workbook,
)
from gatehouse.sites.models import Site


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def error_table(errors: list[RowError]) -> str:
    """The errors as an aligned plain-text table (Chinese characters count as two columns)."""
    header = ("行", "列", "代码", "说明")
    lines = [(str(e.row) if e.row else "-", e.column or "-", e.code, e.message) for e in errors]
    widths = [max(_width(line[i]) for line in [header, *lines]) for i in range(3)]
    rendered = []
    for line in [header, *lines]:
        cells = [_pad(line[i], widths[i]) for i in range(3)]
        rendered.append("  ".join([*cells, line[3]]).rstrip())
        if line is header:
            rendered.append("  ".join("-" * w for w in [*widths, _width(header[3])]))
    return "\n".join(rendered)


class Command(BaseCommand):
    help = "从 xlsx 文件批量导入人员、房屋关系、门禁卡和车辆（全部通过检查才导入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="xlsx 文件路径")
        parser.add_argument("--site", help="场所编码，如 donghu")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查并试写，最后全部撤销，不保存任何数据"
        )
        parser.add_argument("--user", help="记为操作人的用户名（写入审计记录）")
        parser.add_argument("--template", action="store_true", help="不导入，把空白模板写到 path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if options["template"]:
            path.write_bytes(template_workbook())
            self.stdout.write(f"模板已写入 {path}")
            return
        if not options["site"]:
            raise CommandError("请用 --site 指定场所编码")
        try:
            site = Site.objects.get(code=options["site"])
        except Site.DoesNotExist:
            raise CommandError(f"没有编码为“{options['site']}”的场所") from None
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"没有用户名为“{options['user']}”的用户") from None
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        with path.open("rb") as handle:
            result = import_people_xlsx(
                site=site, actor=actor, file=handle, now=timezone.now(), dry_run=options["dry_run"]
            )
        self._report(result, dry_run=options["dry_run"])

    def _report(self, result: ImportResult, *, dry_run: bool) -> None:
        if not result.ok:
            self.stdout.write(error_table(result.errors))
            raise CommandError(f"导入失败：共{len(result.errors)}处错误，没有写入任何数据")
        summary = (
            f"人员 {result.created_people} 人，凭证 {result.created_credentials} 个，"
            f"车辆 {result.created_vehicles} 辆，房屋关系 {result.linked_houses} 条"
        )
        if dry_run:
            self.stdout.write(f"检查通过（试运行，未保存）：将新增{summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"导入成功：新增{summary}"))
