"""Compare every terminal's list with what it should hold and queue the repairs:
``manage.py reconcile_terminals [--site CODE] [--device ID]`` (also a new terminal's initial
sync). The outbox worker (``manage.py device_worker``) then delivers them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gatehouse.devices.models import Device
from gatehouse.devices.reconcile import catch_up_events, reconcile, reconcile_all
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "核对门禁/人脸终端的人员名单，补发缺少的、删除多余的"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--site", help="只核对该场所（场所编码）")
        parser.add_argument("--device", type=int, help="只核对该设备（设备编号）")
        parser.add_argument(
            "--events-hours",
            type=float,
            default=0,
            help="同时从终端补取最近若干小时内未推送成功的通行事件（已记录的不重复记录）",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        if opts["device"]:
            device = (
                Device.objects.filter(pk=opts["device"]).select_related("lane__gate__site").first()
            )
            if device is None:
                raise CommandError("没有这个设备")
            results = [reconcile(device, now)]
        else:
            site = None
            if opts["site"]:
                site = Site.objects.filter(code=opts["site"]).first()
                if site is None:
                    raise CommandError("没有这个场所")
            results = reconcile_all(now, site=site)
        for r in results:
            if r.queued is None:
                self.stderr.write(f"{r.device}: 无法读取终端名单：{r.error}")
                continue
            q = r.queued
            self.stdout.write(
                f"{r.device}: 补发/更正 {q.synced}，删除 {q.deleted}，一致 {q.unchanged}"
            )
            if opts["events_hours"]:
                start = now - timedelta(hours=opts["events_hours"])
                caught = catch_up_events(r.device, now, start=start, end=now)
                self.stdout.write(
                    f"{r.device}: 补记事件 {caught.recorded}，已有 {caught.replayed}"
                    + (f"，错误：{caught.error}" if caught.error else "")
                )
