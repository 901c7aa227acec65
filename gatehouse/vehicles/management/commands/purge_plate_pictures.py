"""Empty the plate cameras' snapshot pictures kept longer than their time.

    manage.py purge_plate_pictures              # older than GATEHOUSE_PLATE_PICTURE_DAYS (90)
    manage.py purge_plate_pictures --days 30

The pictures are evidence for fee disputes (issue 14 §1); after the configured days they are
emptied, the rest of the capture (plate, colour, type, fake-plate flag) stays with its event.
Run it daily (cron or a systemd timer); running it twice purges nothing more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gatehouse.vehicles.cameras import purge_pictures


class Command(BaseCommand):
    help = "清除超过保存期限的车牌识别抓拍图片"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, help="保存天数（默认 GATEHOUSE_PLATE_PICTURE_DAYS）"
        )
        parser.add_argument("--now", help=" 以此时间为当前时间（ISO 8601，测试用）")

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        if opts["now"]:
            try:
                now = datetime.fromisoformat(opts["now"])
            except ValueError:
                raise CommandError("--now 须为 ISO 8601 时间") from None
        if opts["days"] is not None and opts["days"] < 1:
            raise CommandError("--days 至少为 1")
        purged = purge_pictures(now=now, days=opts["days"])
        self.stdout.write(f"已清除 {purged} 条抓拍记录的图片")
