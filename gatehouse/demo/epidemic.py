"""The epidemic part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖花园
the grids 东湖街道 → 东湖社区 → three building grids (1–2栋, 3–4栋, 5–6栋), their grid officers
(王芳 is the ``grid`` login, 3–4栋) and volunteers, the "五有一网格" checklist mostly ticked,
and returnees at different stages: just arrived, in the second week with a missed report, a
first test overdue, one transferred, one completed; and a resident's self-report of a cough.
Everything goes through the real services (audited as the system would), then the alert scan.

Deterministic for a given ``now`` and idempotent: a site that already has a grid is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from gatehouse.accounts.models import Membership, Role
from gatehouse.epidemic import services
from gatehouse.epidemic.models import Grid
from gatehouse.people.models import HouseMembership
from gatehouse.sites.models import Building, Site

DEMO_SITE = "donghu"
SHANGHAI = ZoneInfo("Asia/Shanghai")
LOGIN_HOUSE = "3-2-1201"  # the demo resident's home: kept out of the cases
#: (grid, buildings, officer's username, name, volunteers, "五有" items not yet in place)
BUILDING_GRIDS = (
    ("1-2栋网格", ("1", "2"), "grid_li", "李强", "陈静、刘洋", ()),
    ("3-4栋网格", ("3", "4"), "grid", "王芳", "周敏、吴磊、孙悦", ("medical",)),
    ("5-6栋网格", ("5", "6"), "grid_zhao", "赵敏", "", ("supplies", "isolation")),
)
NOTES = {
    "guide": "《东湖花园疫情防控指南》已张贴至各单元门厅",
    "rules": "防控制度上墙，物业经理为第一责任人",
    "supplies": "口罩、手套、消毒液储备于6栋物业仓库",
    "medical": "东湖社区卫生服务中心对口指导",
    "isolation": "隔离与转运由街道统一安排，联系电话见门厅公示",
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _officer(site: Site, username: str, name: str) -> Any:
    """The grid officer's user: the ``grid`` demo login exists already; the others are made
    without a usable password (they are not demo logins)."""
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        user = users.create(username=username, first_name=name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, site=site, role=Role.GRID_OFFICER)
    return user


def load_epidemic_demo(*, now: datetime) -> dict[str, int]:
    """Load the grids and cases at 东湖花园: ``{site code: records made}``, empty when nothing was
    (the site is missing or already has grids)."""
    if Grid.objects.filter(site__code=DEMO_SITE).exists():  # a second run: one query
        return {}
    site = Site.objects.filter(code=DEMO_SITE).first()
    if site is None:
        return {}
    users = get_user_model().objects
    # The front desk sets the grids up and keeps the cases (reports phoned in are entered by it).
    actor: Any = users.filter(username="desk").first() or users.filter(is_superuser=True).first()
    made = 0
    with transaction.atomic():
        street = services.grid_create(
            site=site, actor=actor, now=now, level="street", name="东湖街道"
        )
        community = services.grid_create(
            site=site,
            actor=actor,
            now=now,
            level="community",
            name="东湖社区",
            parent_id=street.pk,
            volunteers="社区党员志愿服务队",
        )
        made += 2
        codes = dict(Building.objects.filter(site=site).values_list("code", "pk"))
        for name, buildings, username, officer_name, volunteers, missing in BUILDING_GRIDS:
            officer = _officer(site, username, officer_name)
            grid = services.grid_create(
                site=site,
                actor=actor,
                now=now,
                level="building",
                name=name,
                parent_id=community.pk,
                officer_id=officer.pk,
                volunteers=volunteers,
            )
            services.grid_assign(
                grid=grid,
                actor=actor,
                now=now,
                building_ids=[codes[c] for c in buildings if c in codes],
            )
            for item, note in NOTES.items():
                if item not in missing:
                    services.grid_check(
                        grid=grid, actor=actor, now=now, item=item, done=True, note=note
                    )
            made += 1
        made += _cases(site, actor, now)
        made += len(services.alerts_scan(site=site, now=now))
    return {site.code: made}


def _cases(site: Site, actor: Any, now: datetime) -> int:
    """Returnees of 3栋 and 4栋 (王芳's grid) at different stages."""
    today = now.astimezone(SHANGHAI).date()
    links = list(
        HouseMembership.objects.filter(
            house__site=site,
            house__unit__building__code__in=("3", "4"),
            person__is_active=True,
        )
        .exclude(house__number=LOGIN_HOUSE)
        .select_related("person", "house")
        .order_by("house__number", "person_id")
    )
    people: list[HouseMembership] = []
    houses: set[int] = set()
    for link in links:  # one person a house
        if link.house_id not in houses:
            houses.add(link.house_id)
            people.append(link)
    stories = [
        # (days since arrival, origin, from, tests on days, missed report days, close)
        (2, "outside", "广东省深圳市", (), (), None),
        (9, "risk_area", "上海市浦东新区", (7,), (5,), None),
        (8, "outside", "北京市朝阳区", (), (), None),
        (5, "risk_area", "陕西省西安市", (), (), ("transferred", "转运至区集中隔离点")),
        (16, "outside", "浙江省杭州市", (7, 14), (), ("completed", "")),
    ]
    count = 0
    for link, story in zip(people, stories, strict=False):
        days, origin, came_from, test_days, missed, close = story
        arrived = today - timedelta(days=days)
        case = services.case_open(
            site=site,
            actor=actor,
            now=_at(arrived, 18),
            house_number=link.house.number,
            name=link.person.name,
            origin=origin,
            came_from=came_from,
            arrived_on=arrived,
            test_on=arrived - timedelta(days=2),
            test_result="negative",
            temperature="36.4",
        )
        count += 1
        for day in range(2, min(days, 14) + 1):
            when = arrived + timedelta(days=day - 1)
            if day in missed or _at(when, 8) > now:
                continue
            services.report_submit(
                person=link.person,
                actor=actor,
                now=_at(when, 8),
                temperature=f"36.{(day * 3) % 7 + 2}",
            )
            count += 1
        for day in test_days:
            when = arrived + timedelta(days=day - 1)
            if _at(when, 15) > now:
                continue
            services.case_test(
                case=case, actor=actor, now=_at(when, 15), taken_on=when, result="negative"
            )
            count += 1
        if close is not None:
            reason, note = close
            services.case_close(case=case, actor=actor, now=now, reason=reason, note=note)
    # a resident's own report: a cough, no travel
    for link in people[len(stories) : len(stories) + 1]:
        services.report_submit(
            person=link.person,
            actor=actor,
            now=now - timedelta(hours=2),
            temperature="36.9",
            cough=True,
        )
        count += 1
    return count
