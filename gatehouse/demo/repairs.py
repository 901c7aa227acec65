"""The demo's repair work orders (issue 17 §4; GV-05 小修不过夜) at 东湖花园: one order in every
state — waiting for dispatch, dispatched, being repaired, finished and waiting for the demo
resident's confirmation, confirmed and waiting for the return visit, closed after the visit —
plus a water repair from yesterday nobody finished, alerted to the service centre as overdue,
and one the resident reopened before it was fixed. Written through the product's services by
the demo's own logins (``resident``, ``desk``, ``repairman``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from gatehouse.demo.traffic import _picture
from gatehouse.people.models import HouseMembership, Person
from gatehouse.repairs import services
from gatehouse.repairs.models import RepairOrder
from gatehouse.sites.models import Site

DEMO_SITE = "donghu"


def _photo(title: str, where: str) -> SimpleUploadedFile:
    raw = _picture([title, where, "演示数据"], fmt="JPEG", size=(800, 480), tint="#e8eef4")
    return SimpleUploadedFile("报修.jpg", raw, content_type="image/jpeg")


def _users() -> dict[str, Any]:
    names = ("resident", "desk", "repairman")
    found = get_user_model().objects.filter(username__in=names)
    return {u.username: u for u in found}


def load_repairs_demo(*, now: datetime) -> dict[str, int]:
    """Load the repair orders at 东湖花园: ``{site code: orders made}``, empty when nothing was
    (the site or a login is missing, or the site already has orders)."""
    if RepairOrder.objects.filter(site__code=DEMO_SITE).exists():  # a second run: one query
        return {}
    site = Site.objects.filter(code=DEMO_SITE).first()
    users = _users()
    if site is None or len(users) < 3:
        return {}
    me = Person.objects.filter(site=site, user=users["resident"]).first()
    others = [
        link.person
        for link in HouseMembership.objects.filter(house__site=site)
        .exclude(person=me)
        .select_related("person")
        .order_by("house__number")[:40:8]
    ]
    if me is None or len(others) < 4:
        return {}
    with transaction.atomic():
        return {site.code: _orders(site, now, me, others, users)}


def _orders(site: Site, now: datetime, me: Person, others: list[Person], u: dict[str, Any]) -> int:
    resident, desk, worker = u["resident"], u["desk"], u["repairman"]
    made = 0

    def filed(who: Person, ago: timedelta, category: str, text: str, place: str, pic: bool) -> Any:
        nonlocal made
        made += 1
        house = HouseMembership.objects.filter(person=who).values_list("house_id", flat=True)[0]
        photos = [_photo(f"报修 {text[:12]}", place)] if pic else []
        return services.repair_file(
            resident=who,
            actor=resident if who == me else desk,  # the others rang the desk
            now=now - ago,
            house=house,
            category=category,
            description=text,
            place=place,
            photos=photos,
        )

    def dispatch(order: Any, after: timedelta) -> Any:
        return services.repair_dispatch(
            order=order, actor=desk, now=order.filed_at + after, assignee=worker.pk
        )

    def start(order: Any, after: timedelta) -> Any:
        return services.repair_start(order=order, actor=worker, now=order.filed_at + after)

    def finish(order: Any, after: timedelta, note: str) -> Any:
        pic = [_photo("完工", note[:14])]
        return services.repair_finish(
            order=order, actor=worker, now=order.filed_at + after, note=note, photos=pic
        )

    def confirm(order: Any, who: Person, after: timedelta) -> Any:
        return services.repair_confirm(
            order=order, resident=who, actor=desk, now=order.filed_at + after
        )

    h = timedelta(hours=1)
    # 待派单: just filed by the demo resident
    filed(me, 20 * timedelta(minutes=1), "electric", "卫生间插座没电，空开没有跳", "卫生间", True)
    # 已派单
    dispatch(filed(others[0], 2 * h, "water", "厨房水槽下水慢，有异味", "厨房", False), h / 2)
    # 维修中
    o = filed(others[1], 3 * h, "door", "入户门锁芯卡住，钥匙拧不动", "入户门", True)
    start(dispatch(o, h / 2), h)
    # 待住户确认: the demo resident's tap, finished
    o = filed(me, 5 * h, "water", "厨房水龙头关不紧，一直滴水", "厨房", True)
    finish(start(dispatch(o, h / 4), h), 2 * h, "更换水龙头阀芯，已试水不再滴漏")
    # 待回访
    o = filed(others[2], 26 * h, "public", "5栋2单元3楼楼道灯不亮", "5栋2单元3楼", False)
    o = finish(start(dispatch(o, h), 3 * h), 4 * h, "更换声控灯泡，已试亮")
    confirm(o, others[2], 6 * h)
    # 已办结, after a reopening
    o = filed(others[3], 74 * h, "electric", "客厅顶灯一开就跳闸", "客厅", True)
    o = finish(start(dispatch(o, h / 2), h), 2 * h, "更换灯具镇流器")
    services.repair_reopen(
        order=o, resident=others[3], actor=desk, now=o.filed_at + 20 * h, reason="晚上又跳闸了"
    )
    o = finish(start(o, 21 * h), 22 * h, "线路老化短路，更换灯具线路，已通电试验")
    confirm(o, others[3], 24 * h)
    services.repair_visit(
        order=o, actor=desk, now=o.filed_at + 48 * h, satisfaction=2, note="修了两次，希望一次修好"
    )
    # yesterday's water repair nobody finished: overdue, alerted to the desk
    late = filed(me, 28 * h, "water", "阳台地漏返水", "阳台", True)
    start(dispatch(late, h), 2 * h)
    services.overdue_scan(site=site, now=now)
    return made
