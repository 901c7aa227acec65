"""The goods part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖花园 a few
release slips in every state — one used yesterday and handed in to the squad leader and customer
service, one revoked, one issued for today, one whose goods are held at the gate on a mismatch,
and the demo resident's application waiting at the desk — a tenant refused after hours, a
resident's petrol registered and reported, and decoration materials with an AC unit followed up.
Everything goes through the real services, so every row is one the system itself would write.

Deterministic for a given ``now`` (owners picked in house-number order) and idempotent: a site
that already has a slip is left alone (one query). All or nothing: one transaction.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gatehouse.core.goods import CarriedItem, Hazard, Item
from gatehouse.goods import services
from gatehouse.goods.models import ReleaseSlip
from gatehouse.people.models import HouseMembership, HouseRelation, Person
from gatehouse.sites.models import Gate, Site

DEMO_SITE = "donghu"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SQUAD_LEADER = "王建军"


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _items(*rows: tuple[str, int, str]) -> list[Item]:
    return [Item(name, Decimal(qty), unit) for name, qty, unit in rows]


def load_goods_demo(*, now: datetime) -> dict[str, int]:
    """Load the goods demo at 东湖花园: ``{site code: records made}``, empty when nothing was
    (the site is missing or already has slips)."""
    site = Site.objects.filter(code=DEMO_SITE).first()
    if site is None or ReleaseSlip.objects.filter(site=site).exists():
        return {}
    with transaction.atomic():
        return {site.code: _load(site, now)}


def _load(site: Site, now: datetime) -> int:
    desk, guard = _user("desk"), _user("guard_east")
    gate = Gate.objects.filter(site=site).order_by("code").first()
    owners = list(
        HouseMembership.objects.filter(
            house__site=site, relation=HouseRelation.OWNER, person__is_active=True
        )
        .select_related("person", "house")
        .order_by("house__number", "person_id")[:8]
    )
    if len(owners) < 5:
        return 0
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)

    def at(day: Any, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)

    def today_at(hours_ago: float) -> datetime:
        """``hours_ago`` before now, but not before today (a demo loaded just after midnight)."""
        return max(now - timedelta(hours=hours_ago), at(today, 0, 1))

    def slip(link: HouseMembership, when: datetime, rows: list[Item], **kw: Any) -> ReleaseSlip:
        return services.slip_apply(
            site=site,
            actor=desk,
            now=when,
            applicant_kind="owner",
            applicant_name=link.person.name,
            items=rows,
            valid_on=timezone.localdate(when),
            house_number=link.house.number,
            issue=True,
            **kw,
        )

    made = 0
    # Yesterday: a move out, released at the east gate and handed in that evening.
    moved = slip(
        owners[0],
        at(yesterday, 9, 10),
        _items(("旧沙发", 1, "套"), ("纸箱", 6, "箱"), ("书桌", 1, "张")),
        reason="搬家",
    )
    services.goods_out_check(
        site=site,
        guard=guard,
        now=at(yesterday, 10, 25),
        goods=_items(("旧沙发", 1, "套"), ("纸箱", 6, "箱"), ("书桌", 1, "张")),
        slip=moved,
        gate=gate,
    )
    services.slips_hand_to_leader(
        site=site, actor=guard, slips=[moved], squad_leader=SQUAD_LEADER, now=at(yesterday, 19, 45)
    )
    services.slips_hand_to_service(site=site, actor=desk, slips=[moved], now=at(yesterday, 20, 40))
    made += 4
    # Yesterday: a slip the owner no longer needed.
    cancelled = slip(owners[1], at(yesterday, 11), _items(("冰箱", 1, "台")))
    services.slip_revoke(
        slip=cancelled, actor=desk, reason="业主取消搬运", now=at(yesterday, 15, 20)
    )
    made += 2
    # Last night: a tenant's goods refused until the service centre opens (G-02).
    tenant = (
        HouseMembership.objects.filter(
            house__site=site, relation=HouseRelation.TENANT, person__is_active=True
        )
        .select_related("person", "house")
        .order_by("house__number", "person_id")
        .first()
    )
    if tenant is not None:
        services.goods_out_check(
            site=site,
            guard=guard,
            now=at(yesterday, 21, 15),
            goods=_items(("行李箱", 2, "个")),
            gate=gate,
            bearer_kind="tenant",
            bearer_name=tenant.person.name,
            house_number=tenant.house.number,
        )
        made += 1
    # Today: a slip issued, waiting at the gate.
    slip(owners[2], today_at(2), _items(("电动自行车", 1, "辆")), reason="送修")
    made += 1
    # Today: more goods than slipped, held at the gate for the office (G-01).
    held = slip(owners[3], today_at(3), _items(("台式电脑", 1, "台"), ("显示器", 2, "台")))
    services.goods_out_check(
        site=site,
        guard=guard,
        now=today_at(1),
        goods=_items(("台式电脑", 1, "台"), ("显示器", 2, "台"), ("打印机", 1, "台")),
        slip=held,
        gate=gate,
    )
    made += 2
    # Today: the demo resident's own application, waiting at the desk.
    me = Person.objects.filter(site=site, user__username="resident").first()
    link = HouseMembership.objects.filter(person=me).select_related("house").first() if me else None
    if me is not None and link is not None:
        services.slip_apply(
            site=site,
            actor=me.user,
            now=today_at(0.5),
            applicant_kind=services.applicant_kind_of(me, link.house),
            applicant_name=me.name,
            items=_items(("自行车", 1, "辆"), ("旧衣物", 2, "袋")),
            valid_on=today,
            house_number=link.house.number,
            person=me,
            reason="捐赠旧物",
        )
        made += 1
    # Goods coming in (G-03, G-04).
    services.goods_in_check(
        site=site,
        guard=guard,
        now=today_at(4),
        carrier="resident",
        items=[CarriedItem("汽油", Hazard.FLAMMABLE)],
        insists=True,
        carrier_name=owners[4].person.name,
        house_number=owners[4].house.number,
        gate=gate,
    )
    services.goods_in_check(
        site=site,
        guard=guard,
        now=today_at(5),
        carrier="visitor",
        items=[CarriedItem("烟花", Hazard.EXPLOSIVE)],
        carrier_name="孙某",
        gate=gate,
    )
    made += 2
    permit = _decoration_house(site)
    if permit is not None:
        services.decoration_check(
            site=site,
            guard=guard,
            now=today_at(2.5),
            house_number=permit,
            items=[CarriedItem("瓷砖"), CarriedItem("空调外机")],
            carrier_name="赵师傅",
            gate=gate,
        )
        made += 1
    return made


def _decoration_house(site: Site) -> str | None:
    from gatehouse.visitors.models import Pass, PassKindChoice

    found = (
        Pass.objects.filter(
            site=site, kind=PassKindChoice.DECORATION, revoked_at__isnull=True, house__isnull=False
        )
        .select_related("house")
        .order_by("number")
        .first()
    )
    return found.house.number if found is not None and found.house is not None else None
