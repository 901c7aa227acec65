"""Raise dwell alerts (V-03, V-11) for every site: taxis not gone, deliveries over their hour,
visitor vehicles still in after the leave-by time. The device worker runs the same scan on its
periodic round; this command runs it once (cron, tests). A stay already alerted is not alerted
again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.vehicles.services import dwell_scan_all


class Command(BaseCommand):
    help = "车辆滞留提醒：出租车未及时离开、送货车辆超时、访客车辆过夜"

    def handle(self, *args: Any, **opts: Any) -> None:
        total = dwell_scan_all(now=timezone.now())
        self.stdout.write(f"{total} 条新提醒")
