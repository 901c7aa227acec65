"""``manage.py check_repairs``: GV-05 小修不过夜 for every active site at the current time —
each unfinished repair order past its due time is alerted to the service centre, once per order.
Run it from cron every quarter of an hour (a second run alerts nothing new)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.repairs.services import overdue_scan
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "报修超时提醒：未按时完成的报修工单提醒服务中心（SPEC GV-05 小修不过夜）"

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        total = 0
        for site in Site.objects.filter(is_active=True).order_by("pk"):
            total += len(overdue_scan(site=site, now=now))
        self.stdout.write(f"{total} 张超时工单已提醒")
