"""``manage.py check_epidemic``: M-03 for every active site at the current time — each open
returnee case's overdue tests and runs of missed daily reports reach the grid officer, once per
episode. Run it from cron a few times a day (a second run raises nothing new)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.epidemic.services import alerts_scan
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "返乡人员居家监测：核酸检测逾期、未按时健康上报提醒网格员（SPEC M-03）"

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        total = 0
        for site in Site.objects.filter(is_active=True).order_by("pk"):
            raised = alerts_scan(site=site, now=now)
            total += len(raised)
            if raised and options["verbosity"] >= 2:
                self.stdout.write(f"{site.code}: {len(raised)}")
        self.stdout.write(f"{total} 条新提醒")
