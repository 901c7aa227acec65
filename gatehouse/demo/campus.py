"""The campus part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖中学
(seed template T3) every student's parent is linked as their guardian, and the day has a
parent's pick-up the class teacher has confirmed, the same parent's visit tomorrow still
waiting for the teacher, and a leave pass the class teacher issued for a student's hospital
visit — each through the real services, so each is audited as the system would.

The canteen's suppliers (索证索票, T3-04) are three: a vegetable supplier whose delivery man's
health certificate ends within 30 days (flagged), a meat supplier with its batch's inspection
certificate, and a rice mill whose food production licence expired ten days ago — its earlier
delivery is on the register, today's is refused (nothing written). The security company's
guards live on campus (T3·9): two in their beds, one moved out, their meals of the last three
days, and the school's checks — one rectified, one open, one overdue.

Deterministic for a given ``now`` and idempotent: guardianships are added only where missing,
a campus that already has a booking or a leave pass keeps them, and the suppliers and the
guards' lodging are made once.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from gatehouse.campus import selectors, services
from gatehouse.campus.models import GuardLodging, LeavePass, Supplier
from gatehouse.core.errors import DomainError
from gatehouse.demo.sites import CAMPUS
from gatehouse.people.models import Guardianship, Person, PersonKind
from gatehouse.privacy import lookup_hash
from gatehouse.sites.models import Site
from gatehouse.visitors.invitations import invitation_confirm
from gatehouse.visitors.models import Invitation


def _guardians(site: Site, scale_plans: list[tuple[str, str]]) -> int:
    have = set(
        Guardianship.objects.filter(parent__site=site).values_list(
            "parent__id_number_hash", "student__id_number_hash"
        )
    )
    wanted = [
        (lookup_hash("id", parent), lookup_hash("id", student)) for parent, student in scale_plans
    ]
    missing = [pair for pair in wanted if pair not in have]
    if not missing:
        return 0
    people = {
        p.id_number_hash: p
        for p in Person.objects.filter(site=site, kind__in=[PersonKind.PARENT, PersonKind.STUDENT])
    }
    links = [
        Guardianship(parent=people[a], student=people[b])
        for a, b in missing
        if a in people and b in people
    ]
    Guardianship.objects.bulk_create(links)
    return len(links)


@transaction.atomic
def load_campus_demo(*, now: datetime, guardians: list[tuple[str, str]]) -> dict[str, int]:
    """``guardians``: the campus plan's (parent, student) ID numbers."""
    site = Site.objects.filter(code=CAMPUS).first()
    if site is None:
        return {}
    made = _guardians(site, guardians)
    made += _supply(site, now) + _guards(site, now)
    if (
        Invitation.objects.filter(site=site, booked_by__isnull=False).exists()
        or LeavePass.objects.filter(site=site).exists()
    ):
        return {CAMPUS: made}
    users = get_user_model().objects.in_bulk(
        ["teacher", "parent", "school_manager"], field_name="username"
    )
    parent = Person.objects.filter(site=site, user=users.get("parent")).first()
    teacher = Person.objects.filter(site=site, user=users.get("teacher")).first()
    if parent is None or teacher is None:
        return {CAMPUS: made}
    child = selectors.children_of(parent)[0]
    start = now.replace(second=0, microsecond=0)
    booking = services.pickup_book(
        parent=parent,
        student=child,
        actor=users["parent"],
        window_start=start,
        window_end=start + timedelta(hours=3),
        purpose=f"接孩子（{child.name}）看牙医",
        now=now,
    )
    invitation_confirm(invitation=booking, host=teacher, actor=users["teacher"], now=now)
    classmates = [
        s for s in selectors.students_of(selectors.classes_of_teacher(teacher)) if s != child
    ]
    # tomorrow's visit, still waiting for the class teacher
    services.pickup_book(
        parent=parent,
        student=child,
        actor=users["parent"],
        window_start=start + timedelta(days=1),
        window_end=start + timedelta(days=1, hours=1),
        purpose="送换季衣物",
        now=now,
    )
    if classmates:
        other = classmates[0]
        services.leave_pass_issue(
            teacher=teacher,
            student=other,
            actor=users["teacher"],
            reason="发烧，家长接去医院就诊",
            picked_up_by="家长",
            window_start=start,
            window_end=start + timedelta(hours=2),
            now=now,
        )
    return {CAMPUS: made + 4 + _samples(site, users.get("school_manager"), now)}


#: The canteen's samples: (days ago, meal, hour, dish, grams, disposed after 48 h).
_SAMPLES = (
    (3, "lunch", 11, "红烧鸡块", 150, True),
    (3, "lunch", 11, "清炒小白菜", 130, False),  # left: overdue, flagged on the register
    (1, "breakfast", 7, "鸡蛋灌饼", 140, False),
    (1, "lunch", 11, "番茄炒蛋", 160, False),
    (1, "lunch", 11, "米饭", 200, False),
)


def _samples(site: Site, manager: object, now: datetime) -> int:
    """留样 (T3-03): three days of the canteen's samples, one disposed on time, one overdue."""
    from django.utils import timezone

    today = timezone.localtime(now).replace(minute=30, second=0, microsecond=0)
    for days, meal, hour, dish, grams, disposed in _SAMPLES:
        kept = today.replace(hour=hour) - timedelta(days=days)
        sample = services.sample_record(
            site=site,
            actor=manager,  # type: ignore[arg-type]
            meal=meal,
            dish=dish,
            grams=grams,
            kept_at=kept,
            keeper="食堂留样员 李红",
            now=now,
        )
        if disposed:
            services.sample_dispose(
                sample=sample,
                actor=manager,
                by="食堂主管 王强",
                now=kept + timedelta(hours=49),  # type: ignore[arg-type]
            )
    return len(_SAMPLES)


def _manager() -> Any:
    return get_user_model().objects.filter(username="school_manager").first()


def _supply(site: Site, now: datetime) -> int:
    """索证索票 (T3-04): suppliers, certificates and deliveries, dated from ``now``."""
    if Supplier.objects.filter(site=site).exists():
        return 0
    from django.utils import timezone

    today = timezone.localtime(now).date()
    actor = _manager()
    greens = services.supplier_add(
        site=site,
        actor=actor,
        name="武汉东湖绿源蔬菜配送有限公司",
        contact="张伟",
        phone="13971234501",
        goods="蔬菜、豆制品",
        now=now,
    )
    meat = services.supplier_add(
        site=site,
        actor=actor,
        name="武汉江夏鲜肉食品有限公司",
        contact="刘强",
        phone="13971234502",
        goods="猪肉、禽肉",
        now=now,
    )
    rice = services.supplier_add(
        site=site,
        actor=actor,
        name="湖北楚粮米业有限公司",
        contact="陈芳",
        phone="13971234503",
        goods="大米、食用油",
        now=now,
    )
    days = timedelta(days=1)

    def cert(
        supplier: Supplier, kind: str, number: str, issuer: str, until: date | None, **kw: str
    ) -> Any:
        return services.certificate_add(
            supplier=supplier,
            actor=actor,
            kind=kind,
            number=number,
            issuer=issuer,
            valid_until=until,
            now=now,
            **kw,
        )

    g = [
        cert(greens, "business_licence", "420111000123456", "武汉市洪山区市场监督管理局", None),
        cert(
            greens,
            "food_licence",
            "JY14201110012345",
            "武汉市洪山区市场监督管理局",
            today + 700 * days,
        ),
        cert(
            greens,
            "health",
            "鄂健2026-0817",
            "武汉市洪山区疾病预防控制中心",
            today + 20 * days,  # flagged: ends within 30 days
            holder="张师傅",
        ),
    ]
    m = [
        cert(meat, "business_licence", "420115000654321", "武汉市江夏区市场监督管理局", None),
        cert(
            meat,
            "food_licence",
            "SC10442011500321",
            "武汉市江夏区市场监督管理局",
            today + 400 * days,
        ),
        cert(
            meat, "inspection", "动检420115-0093", "武汉市江夏区动物卫生监督所", today + 90 * days
        ),
    ]
    r = [
        cert(rice, "business_licence", "420100000777888", "武汉市市场监督管理局", None),
        cert(rice, "food_licence", "SC10142010000777", "武汉市市场监督管理局", today - 10 * days),
    ]
    rows = (
        (greens, 1, "青菜", "", "60", "SH-0412", g),
        (greens, 0, "土豆", "", "80", "SH-0418", g),
        (meat, 0, "猪前腿肉", "JX0093", "45.5", "JX-7731", m),
        (rice, 20, "东北大米", "生产日期见包装", "500", "CL-8812", r),  # before it expired
    )
    for supplier, ago, goods, batch, qty, receipt, certs in rows:
        services.delivery_record(
            site=site,
            actor=actor,
            supplier=supplier,
            delivered_on=today - ago * days,
            goods=goods,
            batch=batch,
            quantity=Decimal(qty),
            unit="千克",
            receipt_no=receipt,
            certificates=certs,
            accepted_by="食堂主管 王强",
            now=now,
        )
    # today the rice mill's licence has expired: the canteen may not accept its rice (T3-04)
    with contextlib.suppress(DomainError):
        services.delivery_record(
            site=site,
            actor=actor,
            supplier=rice,
            delivered_on=today,
            goods="东北大米",
            quantity=Decimal("500"),
            unit="千克",
            receipt_no="CL-8840",
            certificates=r,
            accepted_by="食堂主管 王强",
            now=now,
        )
    return 3 + len(g) + len(m) + len(r) + len(rows)


#: The guards living on campus: (name, room, bed, days since they moved in, days since they left).
_LODGERS = (
    ("王建军", "保安宿舍101", "1", 60, None),
    ("李志强", "保安宿舍101", "2", 45, None),
    ("刘勇", "保安宿舍101", "3", 120, 30),
)
#: The school's checks: (days ago, area, findings, deadline in days after the check, closed after).
_CHECKS = (
    (20, "meals", "", None, None),
    (10, "lodging", "宿舍内私拉电线为手机充电", 3, 2),
    (6, "lodging", "床铺杂乱，个人物品堆放在消防通道", 4, None),  # overdue, flagged
    (1, "post", "夜班岗亭内使用手机玩游戏", 3, None),
)


def _guards(site: Site, now: datetime) -> int:
    """T3·9: the security company's guards' lodging, meals and the school's checks."""
    if GuardLodging.objects.filter(site=site).exists():
        return 0
    from django.utils import timezone

    today = timezone.localtime(now).date()
    actor = _manager()
    days = timedelta(days=1)
    for name, room, bed, since, left in _LODGERS:
        services.lodging_record(
            site=site,
            actor=actor,
            guard=name,
            company="武汉江城保安服务有限公司",
            room=room,
            bed=bed,
            start=today - since * days,
            end=today - left * days if left is not None else None,
            now=now,
        )
    meals = 0
    for ago in (2, 1, 0):
        for meal in ("lunch", "dinner") if ago else ("lunch",):
            services.meal_record(
                site=site,
                actor=actor,
                day=today - ago * days,
                meal=meal,
                diners=2,
                guards="王建军、李志强",
                served_by="食堂 陈师傅",
                now=now,
            )
            meals += 1
    for ago, area, findings, deadline, closed in _CHECKS:
        on = today - ago * days
        check = services.check_record(
            site=site,
            actor=actor,
            checked_on=on,
            area=area,
            inspector="学校安保处 周主任",
            findings=findings,
            deadline=on + deadline * days if deadline is not None else None,
            now=now,
        )
        if closed is not None:
            services.check_close(
                check=check,
                actor=actor,
                closed_on=on + closed * days,
                note="已拆除私拉电线，统一在配电插座充电",
                now=now,
            )
    return len(_LODGERS) + meals + len(_CHECKS)
