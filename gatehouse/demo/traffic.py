"""Vehicles inside the site in the demo (issue 17 §5; called by
:func:`gatehouse.demo.load.build_demo`): at 东湖花园 the parking-violation register — a repeat
offender whose third violation called the police (with the outcome), a blocked fire lane told to
the owner, a damaged green belt, a disabled bay still to be handled today — each with a photo,
and the large-item exit forms (《大件物品出入单》) the desk issued: one checked at the vehicle
exit yesterday (the van's entry and exit decided by the booth's service), one waiting for
today's move. The copies filed with the vehicle passes are drawn by
:func:`paper_copy` (the parking demo files them).

Everything goes through the real services. Deterministic for a given ``now`` and idempotent: a
site that already has a violation is left alone (one query).
"""

from __future__ import annotations

import functools
import io
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from gatehouse.core.goods import Item
from gatehouse.core.ledger import SHANGHAI
from gatehouse.core.vehicle import Errand, VehicleKind
from gatehouse.goods import services as goods_services
from gatehouse.people.models import PersonKind, Vehicle
from gatehouse.sites.models import Lane, LaneKind, Site
from gatehouse.traffic import services
from gatehouse.traffic.models import Violation
from gatehouse.vehicles import services as vehicle_services

DEMO_SITE = "donghu"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
VISITOR_PLATE = "鄂A7K2M9"
DAMAGE_PLATE = "鄂AD35871"

PAPER_TITLES = {
    "driving_licence": "中华人民共和国机动车驾驶证",
    "vehicle_licence": "中华人民共和国机动车行驶证",
    "insurance": "机动车交通事故责任强制保险单",
    "id_card": "居民身份证",
    "other": "房屋租赁合同",
}


def _font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # no Noto CJK on this machine: the picture still says what it is in shape
        return ImageFont.load_default()


def _picture(lines: list[str], *, fmt: str, size: tuple[int, int], tint: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, size[0] - 12, size[1] - 12), outline="#555555", width=3)
    y = 36
    for i, line in enumerate(lines):
        font = _font(30 if i == 0 else 22)
        draw.text((40, y), line, fill="#222222", font=font)
        y += 52 if i == 0 else 36
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@functools.cache
def _paper_bytes(kind: str) -> bytes:
    return _picture(
        [
            f"{PAPER_TITLES[kind]}（复印件）",
            "仅供东湖花园车辆出入证备案使用",
            "演示数据 · 非真实证件",
        ],
        fmt="PNG",
        size=(720, 420),
        tint="#f4f1e8",
    )


def paper_copy(kind: str) -> SimpleUploadedFile:
    """A copy of a paper for a pass application: a drawn PNG saying what it is (demo only)."""
    return SimpleUploadedFile(f"{kind}.png", _paper_bytes(kind), content_type="image/png")


def _photo(plate: str, where: str) -> SimpleUploadedFile:
    raw = _picture(
        [f"现场照片 {plate}", where, "演示数据"], fmt="JPEG", size=(800, 480), tint="#dfe6ec"
    )
    return SimpleUploadedFile("现场.jpg", raw, content_type="image/jpeg")


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _at(day: Any, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def load_traffic_demo(*, now: datetime) -> dict[str, int]:
    """Load the violations and the large-item exit forms at 东湖花园: ``{site code: records
    made}``, empty when nothing was (the site is missing or already has a violation)."""
    if Violation.objects.filter(site__code=DEMO_SITE).exists():  # a second run: one query
        return {}
    site = Site.objects.filter(code=DEMO_SITE).first()
    if site is None:
        return {}
    with transaction.atomic():
        return {site.code: _violations(site, now) + _exit_forms(site, now)}


def _violations(site: Site, now: datetime) -> int:
    guard, patrol, desk = _user("guard_east"), _user("patrol"), _user("desk")
    manager = _user("manager")
    today = timezone.localdate(now)
    car = (
        Vehicle.objects.filter(site=site, owner__kind=PersonKind.OWNER)
        .order_by("plate")
        .values_list("plate", flat=True)
        .first()
    )
    offender = car or "鄂A5F6G7"
    made = 0

    def seen(plate: str, kind: str, place: str, day: int, hour: int, by: Any, note: str) -> Any:
        nonlocal made
        made += 1
        at = _at(today - timedelta(days=day), hour, 10)
        return services.violation_record(
            site=site,
            actor=by,
            now=at,
            plate=plate,
            kind=kind,
            place=place,
            note=note,
            photos=[_photo(plate, place)],
        ), at

    def step(v: Any, at: datetime, n: int, by: Any, note: str = "") -> None:
        nonlocal made
        made += 1
        services.violation_step(violation=v, actor=by, now=at, step=n, note=note)

    # a repeat offender: a horn, another's bay, then a fire lane — the third calls the police
    v, at = seen(offender, "horn", "2栋与3栋之间车行道", 40, 22, patrol, "夜间连续鸣笛催促")
    step(v, at + timedelta(minutes=5), 1, patrol, "当面劝阻，驾驶人已致歉")
    v, at = seen(offender, "others_bay", "地下车库B1-023（他人专用车位）", 12, 19, guard, "")
    step(v, at + timedelta(minutes=10), 1, guard, "车窗留置提示单")
    step(v, at + timedelta(hours=15), 2, desk, "电话告知车主，车主表示今后注意")
    v, at = seen(offender, "fire_lane", "3栋北侧消防登高场地", 2, 21, guard, "堵住消防登高位")
    step(v, at + timedelta(minutes=3), 1, guard, "电话联系车主未接")
    step(v, at + timedelta(minutes=20), 3, guard, "拨打110，报告车牌和位置")
    services.violation_outcome(
        violation=v,
        actor=manager,
        now=at + timedelta(hours=1),
        outcome="交警到场贴单，车主22:30挪车",
    )
    step(v, at + timedelta(hours=13), 2, desk, "书面告知车主违规情况及累计次数")
    # a visitor's car in the disabled bay today: the guard still has to speak to the driver
    seen(VISITOR_PLATE, "disabled_bay", "1栋大堂门口残疾人车位", 0, 8, guard, "司机不在车上")
    # a delivery van drove over the green belt: the owner of the company is told, damage paid
    v, at = seen(DAMAGE_PLATE, "damage", "5栋前绿化带", 5, 15, patrol, "倒车碾压灌木约2米")
    step(v, at + timedelta(minutes=10), 1, patrol, "拍照取证，司机已确认")
    step(v, at + timedelta(hours=2), 2, desk, "通知送货单位，照价赔偿绿化损失¥360.00")
    return made


SOFA = (Item("三人沙发", Decimal(1), "件"), Item("双门冰箱", Decimal(1), "台"))
DESK_ITEMS = (Item("办公桌", Decimal(2), "张"), Item("文件柜", Decimal(1), "个"))


def _exit_forms(site: Site, now: datetime) -> int:
    """Two 《大件物品出入单》: a move today waiting at the desk's counter (issued), and one the
    resident took out yesterday (used at the north exit, as the booth does)."""
    desk = _user("desk")
    today = timezone.localdate(now)
    made = 0
    for items, day, plate, name, reason in (
        (SOFA, today, "鄂A8C2D5", "李娜", "搬家，旧家具运出"),
        (DESK_ITEMS, today - timedelta(days=1), "鄂AG7731", "王强", "办公家具运回公司"),
    ):
        slip = goods_services.slip_apply(
            site=site,
            actor=desk,
            now=_at(day, 9, 5),
            applicant_kind="owner",
            applicant_name=name,
            items=items,
            valid_on=day,
            house_number="3-2-1201",
            plate=plate,
            reason=reason,
            issue=True,
            form="large_items",
        )
        made += 1
        if day < today:
            made += _moved_out(site, slip, _at(day, 15, 20))
    return made


def _moved_out(site: Site, slip: Any, at: datetime) -> int:
    """The van came in for the move and left 20 minutes later with the form checked (V-12)."""
    lanes = {
        ln.direction: ln
        for ln in Lane.objects.filter(gate__site=site, kind=LaneKind.MOTOR).order_by("pk")
    }
    if "in" not in lanes or "out" not in lanes:
        return 0
    guard = _user("guard_east")
    vehicle_services.vehicle_decide(
        vehicle_services.VehicleInput(
            lane=lanes["in"],
            plate=slip.plate,
            kind=VehicleKind.DELIVERY,
            errand=Errand.MOVING,
            verified=True,
            approval=True,
            register={"driver": "王强", "destination": "3-2-1201", "purpose": "搬运办公家具"},
        ),
        now=at,
        guard=guard,
    )
    vehicle_services.vehicle_decide(
        vehicle_services.VehicleInput(
            lane=lanes["out"],
            plate=slip.plate,
            large_items=True,
            large_item_form=slip.number,
            exit_slip_ok=True,
        ),
        now=at + timedelta(minutes=20),
        guard=guard,
    )
    return 2
