"""Check for devices offline longer than their site allows: ``manage.py check_devices``.

Alerts the monitoring centre once per outage and clears the alerts of devices heard from again
(:func:`gatehouse.devices.alarms.devices_check`), and alerts on the edge agents' health once
per episode (:func:`gatehouse.edge.health.edges_check`); ``manage.py device_worker`` does the
same in its rounds. Prints what it did; exits 0 either way (a cron job's mail shows the lines).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gatehouse.devices.alarms import devices_check
from gatehouse.edge.health import edges_check


class Command(BaseCommand):
    help = "检查离线设备并向监控中心告警（每次离线只告警一次）"

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        checked = devices_check(now=now)
        for name in checked.raised:
            self.stdout.write(f"offline: {name}")
        for name in checked.cleared:
            self.stdout.write(f"online again: {name}")
        self.stdout.write(
            f"devices offline: {checked.offline}, alerts raised: {len(checked.raised)}, "
            f"cleared: {len(checked.cleared)}"
        )
        edges = edges_check(now=now)
        for what in edges.raised:
            self.stdout.write(f"edge trouble: {what}")
        for what in edges.ended:
            self.stdout.write(f"edge trouble over: {what}")
