"""``manage.py purge_goods``: the daily G-05 job. Release slips and rows of the goods-release
register (物品放行登记) whose two years are over are deleted (T4 (三)6 "保存期为2年"; the day
is the core's ``purge_cutoff``). Idempotent: a second run the same day deletes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.goods.services import goods_purge


class Command(BaseCommand):
    help = "删除保存期满2年的放行条和物品放行登记（每日运行）。Purge goods records kept 2 years."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="day",
            default="",
            help="the day to judge, YYYY-MM-DD (default: today, Shanghai)",
        )

    def handle(self, *args: Any, day: str, **options: Any) -> None:
        now = timezone.now()
        today = self._day(day) if day else timezone.localdate(now)
        result = goods_purge(today=today, now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%Y-%m-%d}: {result.cutoff:%Y-%m-%d}及以前填写的 {result.slips} 张放行条、"
                f"{result.releases} 条物品放行登记已删除 (purged slips {result.slips}, "
                f"register rows {result.releases}, written on or before {result.cutoff:%Y-%m-%d})"
            )
        )

    @staticmethod
    def _day(raw: str) -> date:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
