"""``manage.py load_demo``: load the demo sites, people and logins; a re-run adds only what is
missing (see :mod:`gatehouse.demo`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gatehouse.demo.load import build_demo
from gatehouse.demo.sites import FULL_SCALE

_LABELS = {
    "site": "场所 site",
    "zones": "分区 zones",
    "gates": "出入口 gates",
    "lanes": "车道 lanes",
    "garages": "车库 garages",
    "parking_spaces": "车位 parking spaces",
    "buildings": "楼栋 buildings",
    "units": "单元 units",
    "houses": "房屋 houses",
    "key_locations": "重点部位 key locations",
    "checkpoints": "巡更点 checkpoints",
    "posts": "岗位 posts",
    "enterprises": "企业 enterprises",
    "people": "人员 people",
    "house_links": "房屋成员 house links",
    "vehicles": "车辆 vehicles",
    "credentials": "凭证 credentials",
    "blacklist": "黑名单 blacklist",
    "gate_activity": "通行与登记 gate activity",
    "vehicle_activity": "车辆通行 vehicle activity",
}


class Command(BaseCommand):
    help = "加载演示数据（东湖花园、五里工业园区与各角色演示账号）；可重复运行。Load the demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=FULL_SCALE,
            help="fraction of households and employees to load, in (0, 1]; default 1",
        )

    def handle(self, *args: Any, scale: float, **options: Any) -> None:
        if not 0 < scale <= FULL_SCALE:
            raise CommandError("--scale must be in (0, 1]")
        report = build_demo(scale=scale)
        for site in report.sites:
            if site.created:
                counts = "，".join(
                    f"{_LABELS.get(what, what)} {n}" for what, n in site.created.items()
                )
                self.stdout.write(f"{site.name} ({site.code}) 新增 added: {counts}")
            else:
                self.stdout.write(f"{site.name} ({site.code}) 已完整，未改动 complete, unchanged")
        if report.users_created:
            self.stdout.write(f"演示账号 demo logins 新增 added: {report.users_created}")
        verdict = (
            "演示数据已加载 demo loaded" if report.changed else "演示数据已是最新 demo up to date"
        )
        self.stdout.write(self.style.SUCCESS(f"{verdict} ({report.seconds:.1f} s)"))
