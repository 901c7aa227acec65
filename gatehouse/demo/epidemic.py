"""The epidemic part of the demo (called by :func:`gatehouse.demo.load.build_demo`): at 东湖花园
the grids 东湖街道 → 东湖社区 → three building grids (1–2栋, 3–4栋, 5–6栋), their grid officers
(王芳 is the ``grid`` login, 3–4栋) and volunteers, the "五有一网格" checklist mostly ticked,
and returnees at different stages: just arrived, in the second week with a missed report, a
first test overdue, one transferred, one completed; and a resident's self-report of a cough.
Everything goes through the real services (audited as the system would), then the alert scan.
Then the rest of T8: the outing limit (one person per household every two days, in force when
the site is switched to epidemic mode), 王芳's door-to-door screening of 3栋 and 4栋 (a house
nobody answered, one with a fever followed up), and a week of the disinfection, protective
equipment and medical-waste ledgers. Then T8·2 and T8·11: a merger of the site's two halves
behind the east gate (M-05), held from 40 to 20 days ago and ended (its record on
/epidemic/mergers/; nothing of it is active, so every gate keeps its own rules), and the property
company's signed commitment (承诺书) covering the load day, with a scan.

Deterministic for a given ``now`` and idempotent: a site that already has its outing limit is
left alone (one query); one with grids but not the rest gets the rest.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.models import Membership, Role
from gatehouse.epidemic import services
from gatehouse.epidemic.forms import DEFAULT_COMMITMENTS
from gatehouse.epidemic.models import Grid, OutingRule
from gatehouse.people.models import HouseMembership
from gatehouse.sites.models import Building, Gate, Site

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
    if OutingRule.objects.filter(site__code=DEMO_SITE).exists():  # a second run: one query
        return {}
    site = Site.objects.filter(code=DEMO_SITE).first()
    if site is None:
        return {}
    users = get_user_model().objects
    # The front desk sets the grids up and keeps the cases (reports phoned in are entered by it).
    actor: Any = users.filter(username="desk").first() or users.filter(is_superuser=True).first()
    made = 0
    with transaction.atomic():
        if not Grid.objects.filter(site=site).exists():
            made += _grids_and_cases(site, actor, now)
        made += _screenings(site, now)
        made += _ledgers(site, actor, now)
        services.outing_set(site=site, actor=actor, now=now, persons=1, days=2)
        made += 1
        made += _merger_and_commitment(site, now)
    return {site.code: made}


#: A one-page PDF standing for the scan of the signed, stamped commitment.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _merger_and_commitment(site: Site, now: datetime) -> int:
    """T8·2: the two halves of the site merged behind 东门 for a while, ended 20 days ago (M-05);
    T8·11: the property company's commitment for the epidemic period, signed 10 days ago."""
    manager = get_user_model().objects.filter(username="manager").first()
    east = Gate.objects.filter(site=site, code="east").first()
    if manager is None or east is None:
        return 0
    merger = services.merger_set_up(
        site=site,
        actor=manager,
        name="南北两区合并出入口",
        member_ids=[site.pk],
        gate_ids=[east.pk],
        valid_from=now - timedelta(days=40),
        valid_until=None,
        reason="疫情期间南北两区合并使用东门，西门只出不进",
        now=now - timedelta(days=40),
    )
    services.merger_end(
        merger=merger, actor=manager, reason="疫情缓解，恢复西门进出", now=now - timedelta(days=20)
    )
    today = timezone.localdate(now)
    services.commitment_record(
        site=site,
        actor=manager,
        company="东湖物业服务有限公司",
        items="\n".join(DEFAULT_COMMITMENTS),
        signatory="赵建国",
        signed_on=today - timedelta(days=10),
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=80),
        scan=SimpleUploadedFile("东湖花园疫情防控承诺书.pdf", SCAN, content_type="application/pdf"),
        now=now - timedelta(days=10),
    )
    return 2


def _grids_and_cases(site: Site, actor: Any, now: datetime) -> int:
    made = 0
    street = services.grid_create(site=site, actor=actor, now=now, level="street", name="东湖街道")
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
    return made


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


#: 王芳's visits: (house index among 3栋/4栋's houses, days ago, hour, met, persons, temperature,
#: travel place, follow-up result)
VISITS = (
    (0, 3, 9, "met", 3, "36.5", "", ""),
    (1, 3, 10, "nobody", 0, None, "", "次日上午再次入户，住户在家，体温正常"),
    (2, 2, 9, "met", 2, "37.6", "", "已通知社区卫生服务中心上门核酸采样，结果阴性"),
    (3, 2, 10, "met", 1, "36.3", "湖北省武汉市", ""),
    (4, 1, 9, "vacant", 0, None, "", ""),
    (5, 0, 9, "nobody", 0, None, "", ""),
)


def _screenings(site: Site, now: datetime) -> int:
    grid = Grid.objects.filter(site=site, name="3-4栋网格").select_related("officer").first()
    if grid is None or grid.officer is None:
        return 0
    houses = list(
        HouseMembership.objects.filter(house__site=site, house__unit__building__code__in=("3", "4"))
        .exclude(house__number=LOGIN_HOUSE)
        .values_list("house__number", "person__name")
        .order_by("house__number", "person_id")
    )
    firsts: dict[str, str] = {}
    for number, name in houses:
        firsts.setdefault(number, name)
    numbers = list(firsts)
    today = now.astimezone(SHANGHAI).date()
    count = 0
    for index, days, hour, met, persons, temperature, travel, result in VISITS:
        if index >= len(numbers):
            break
        at = _at(today - timedelta(days=days), hour)
        if at > now:
            continue
        visit = services.screening_record(
            site=site,
            actor=grid.officer,
            now=at,
            house_number=numbers[index],
            met=met,
            persons_met=persons,
            met_names=firsts[numbers[index]] if persons else "",
            temperature=temperature,
            travel=bool(travel),
            travel_place=travel,
        )
        count += 1
        if result:
            services.screening_follow_up(
                visit=visit, actor=grid.officer, now=at + timedelta(hours=20), result=result
            )
    return count


def _ledgers(site: Site, actor: Any, now: datetime) -> int:
    """A week of the ledgers, the days before ``now``."""
    today = now.astimezone(SHANGHAI).date()
    places = ("各单元电梯轿厢及按钮", "东门岗亭及闸机", "垃圾分类投放点", "物业服务中心大厅")
    count = 0
    for back in range(7, 0, -1):
        day = today - timedelta(days=back)
        for n, place in enumerate(places[: 2 + back % 3]):
            services.disinfection_record(
                site=site,
                actor=actor,
                now=_at(day, 18),
                target="place",
                place=place,
                agent="含氯消毒液 500mg/L" if n % 2 == 0 else "75%酒精擦拭",
                done_by="保洁组 刘强" if n % 2 == 0 else "保洁组 马丽",
                done_at=_at(day, 8 + n),
            )
            count += 1
        services.disinfection_record(
            site=site,
            actor=actor,
            now=_at(day, 18),
            target="vehicle",
            place="物业巡逻电瓶车、快递集中投放车辆",
            agent="含氯消毒液 500mg/L",
            done_by="保安 陈刚",
            done_at=_at(day, 14),
        )
        services.waste_record(
            site=site,
            actor=actor,
            now=_at(day, 17),
            collected_on=day,
            weight=Decimal(f"{3 + back % 4}.{(back * 37) % 100:02d}"),
            bags=2 + back % 3,
            collector="保洁组 刘强",
            transporter="区医疗废物集中处置中心 王师傅",
            signed_by="王建军",
        )
        count += 2
    for back, item, quantity, to in (
        (7, "医用外科口罩", 500, "东门岗、西门岗"),
        (7, "一次性手套", 200, "保洁组"),
        (5, "医用外科口罩", 300, "3-4栋网格志愿者"),
        (3, "防护面屏", 20, "东门岗"),
        (1, "84消毒液（500ml）", 40, "保洁组"),
    ):
        services.supply_issue(
            site=site,
            actor=actor,
            now=_at(today - timedelta(days=back), 9),
            item=item,
            quantity=quantity,
            issued_to=to,
            issued_on=today - timedelta(days=back),
        )
        count += 1
    return count
